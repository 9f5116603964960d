// A Redis Cluster of real redis-server processes in a private network namespace, with real nftables
// faults. Used by the e2e tests, the demo and `busdoctor lab`. All state lives in a state dir, so one
// process can bring a lab up and a later one attach to it.
import { mkdir } from "node:fs/promises";
import { EnvironmentError, UsageError } from "../errors.js";
import { busdoctorInNamespaceArgv } from "./cliArgv.js";
import { createCluster, redisCli, waitForPing, waitUntilSettled } from "./cluster.js";
import { nftRules, type FaultLayout, type LabFault } from "./faults.js";
import { teardownOnExit } from "./guard.js";
import {
  checkLabName,
  DEFAULT_LAB_NAME,
  DEFAULT_STATE_ROOT,
  labStateDir,
  namespaceName,
  planNodes,
  redisServerArgs,
  resolveLabOptions,
  type LabNode,
  type LabOptions,
  type ResolvedLabOptions,
} from "./layout.js";
import { createNamespace, namespaceArgv, namespaceInode } from "./namespace.js";
import { addNftRules, deleteLabNftTable } from "./nft.js";
import { checkLabPrerequisites } from "./preconditions.js";
import { isLabRedis, processState, readPidfile, sendSignal, startRedisServer, waitForProcessState } from "./processes.js";
import { runCommand, type RunOptions, type RunResult } from "./run.js";
import { loadState, LAB_STATE_FORMAT, saveState, type LabState } from "./state.js";
import { labStatus, type LabStatus } from "./status.js";
import { destroyLab, destroyLabSync, type LabLocation } from "./teardown.js";

export type ProgressListener = (line: string) => void;

function labLocation(name: string, stateRoot: string): LabLocation {
  return { namespace: namespaceName(name), stateDir: labStateDir(stateRoot, name) };
}

export class Lab {
  private constructor(private state: LabState) {}

  /**
   * Tears down any stale lab of the same name, then starts the nodes, creates the cluster and waits
   * until it has settled. On failure or interruption nothing is left behind.
   */
  static async up(options: LabOptions = {}, onProgress: ProgressListener = () => undefined): Promise<Lab> {
    checkLabPrerequisites();
    const resolved = resolveLabOptions(options);
    const where = labLocation(resolved.name, resolved.stateRoot);
    if (await destroyLab(where)) onProgress(`removed a stale lab named "${resolved.name}"`);
    const state: LabState = {
      format: LAB_STATE_FORMAT,
      options: resolved,
      ...where,
      nodes: planNodes(resolved),
      faults: [],
      createdAt: new Date().toISOString(),
    };
    const disarm = teardownOnExit(() => destroyLabSync(where));
    try {
      await Promise.all(state.nodes.map((node) => mkdir(node.dir, { recursive: true })));
      await saveState(state);
      await createNamespace(state.namespace);
      const first = state.nodes[0]?.address;
      const last = state.nodes.at(-1)?.address;
      onProgress(
        `starting ${state.nodes.length} redis-server nodes on ${first}-${last} (port ${resolved.port}, ` +
          `bus ${resolved.clusterPort}) in namespace ${state.namespace}`,
      );
      await Promise.all(state.nodes.map((node) => startRedisServer(state.namespace, redisServerArgs(node, resolved.nodeTimeoutMs))));
      await waitForPing(state.namespace, state.nodes, 10_000);
      onProgress(`creating the cluster: ${resolved.masters} masters, ${resolved.replicasPerMaster} replica(s) each`);
      await createCluster(state.namespace, state.nodes, resolved.replicasPerMaster);
      onProgress("waiting until every node reports cluster_state:ok, sees every peer healthy and replicas are in sync");
      await waitUntilSettled(state.namespace, state.nodes, resolved.settleTimeoutMs);
      return new Lab(state);
    } catch (error) {
      await destroyLab(where);
      throw error;
    } finally {
      disarm();
    }
  }

  /** The lab a previous `up` (maybe in another process) left running. */
  static async attach(name = DEFAULT_LAB_NAME, stateRoot = DEFAULT_STATE_ROOT): Promise<Lab> {
    checkLabPrerequisites();
    const where = labLocation(checkLabName(name), stateRoot);
    const state = await loadState(where.stateDir);
    if (state === null) throw new EnvironmentError(`there is no lab named "${name}" (no ${where.stateDir}): start one with \`busdoctor lab up --name ${name}\``);
    return new Lab(state);
  }

  /** Destroys the named lab whatever state it is in; false when there was none. */
  static async destroy(name = DEFAULT_LAB_NAME, stateRoot = DEFAULT_STATE_ROOT): Promise<boolean> {
    checkLabPrerequisites();
    return destroyLab(labLocation(checkLabName(name), stateRoot));
  }

  get name(): string {
    return this.state.options.name;
  }
  get namespace(): string {
    return this.state.namespace;
  }
  get stateDir(): string {
    return this.state.stateDir;
  }
  get options(): ResolvedLabOptions {
    return this.state.options;
  }
  get nodes(): readonly LabNode[] {
    return this.state.nodes;
  }
  get faults(): readonly LabFault[] {
    return this.state.faults;
  }
  /** "ip:port" of every node, in index order: seeds for `busdoctor check`. */
  get endpoints(): string[] {
    return this.state.nodes.map((node) => node.endpoint);
  }

  node(index: number): LabNode {
    const node = this.state.nodes[index - 1];
    if (node === undefined || !Number.isInteger(index)) {
      throw new UsageError(`there is no node ${index}: the lab has nodes 1 to ${this.state.nodes.length}`);
    }
    return node;
  }

  private get layout(): FaultLayout {
    const { port, clusterPort } = this.state.options;
    return { addresses: this.state.nodes.map((node) => node.address), port, clusterPort };
  }

  /** The live pid of the node's redis-server, or null when it is not running. */
  private livePid(node: LabNode): number | null {
    const pid = readPidfile(node.pidfile);
    return pid !== null && isLabRedis(pid, namespaceInode(this.namespace)) ? pid : null;
  }

  private requirePid(node: LabNode, action: string): number {
    const pid = this.livePid(node);
    if (pid === null) throw new EnvironmentError(`cannot ${action} node ${node.index} (${node.endpoint}): its redis-server is not running`);
    return pid;
  }

  private async setStatus(node: LabNode, status: LabNode["status"]): Promise<void> {
    node.status = status;
    await saveState(this.state);
  }

  /** Applies a fault on top of those in force. */
  async fault(fault: LabFault): Promise<void> {
    if (fault.kind === "announce-bus-port") {
      const node = this.node(fault.node);
      if (!Number.isInteger(fault.port) || fault.port < 1 || fault.port > 65535) {
        throw new UsageError(`announced bus port must be from 1 to 65535, got ${fault.port}`);
      }
      await this.configSetAnnouncedBusPort(node, fault.port);
      this.state.faults = this.state.faults.filter((old) => !(old.kind === fault.kind && old.node === fault.node));
    } else {
      await addNftRules(this.namespace, nftRules(fault, this.layout));
    }
    this.state.faults.push(fault);
    await saveState(this.state);
  }

  /** 0 means "announce cluster-port", Redis's default. Peers learn the change from the next heartbeat. */
  private async configSetAnnouncedBusPort(node: LabNode, port: number): Promise<void> {
    const reply = await redisCli(this.namespace, node, ["config", "set", "cluster-announce-bus-port", String(port)]);
    if (!reply.ok) throw new EnvironmentError(`cannot change the announced bus port of ${node.endpoint}: ${reply.error}`);
  }

  /** SIGKILL: the node vanishes without a goodbye, as in a crash. */
  async kill(index: number): Promise<void> {
    const node = this.node(index);
    const pid = this.requirePid(node, "kill");
    sendSignal(pid, "SIGKILL");
    await waitForProcessState(pid, "exited", 5000);
    await this.setStatus(node, "killed");
  }

  /** SIGSTOP: the kernel still completes TCP handshakes on both ports, but the node never answers. */
  async pause(index: number): Promise<void> {
    const node = this.node(index);
    const pid = this.requirePid(node, "pause");
    sendSignal(pid, "SIGSTOP");
    await waitForProcessState(pid, "stopped", 5000);
    await this.setStatus(node, "paused");
  }

  async resume(index: number): Promise<void> {
    const node = this.node(index);
    const pid = this.requirePid(node, "resume");
    sendSignal(pid, "SIGCONT");
    await waitForProcessState(pid, "running", 5000);
    await this.setStatus(node, "running");
  }

  /** Starts a killed node again with the same config; it rejoins with the identity in its nodes.conf. */
  async restart(index: number): Promise<void> {
    const node = this.node(index);
    if (this.livePid(node) !== null) throw new EnvironmentError(`node ${index} (${node.endpoint}) is still running: kill it first`);
    const announced = this.state.faults.find((fault) => fault.kind === "announce-bus-port" && fault.node === index);
    const announcedPort = announced?.kind === "announce-bus-port" ? announced.port : undefined;
    await startRedisServer(this.namespace, redisServerArgs(node, this.state.options.nodeTimeoutMs, announcedPort));
    await waitForPing(this.namespace, [node], 10_000);
    await this.setStatus(node, "running");
  }

  /** Removes every nft rule, resumes paused nodes and restores announced bus ports. Killed nodes stay down. */
  async heal(): Promise<void> {
    await deleteLabNftTable(this.namespace);
    for (const node of this.state.nodes) {
      const pid = this.livePid(node);
      if (pid === null || processState(pid) !== "stopped") continue;
      sendSignal(pid, "SIGCONT");
      await waitForProcessState(pid, "running", 5000);
      node.status = "running";
    }
    for (const fault of this.state.faults) {
      if (fault.kind === "announce-bus-port" && this.livePid(this.node(fault.node)) !== null) {
        await this.configSetAnnouncedBusPort(this.node(fault.node), 0);
      }
    }
    this.state.faults = [];
    await saveState(this.state);
  }

  /** Waits until the cluster is back to a settled state (after heal or restart). */
  async waitUntilSettled(timeoutMs = this.state.options.settleTimeoutMs): Promise<void> {
    await waitUntilSettled(this.namespace, this.state.nodes, timeoutMs);
  }

  status(): Promise<LabStatus> {
    return labStatus(this.state, this.layout);
  }

  /** `argv` prefixed to run inside the namespace. */
  namespaceArgv(argv: readonly string[]): string[] {
    return namespaceArgv(this.namespace, argv);
  }

  /** Runs a program inside the namespace and collects its output. */
  exec(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return runCommand(this.namespaceArgv(argv), options);
  }

  /** The argv that runs busdoctor (the built dist/cli/main.js, or `script`) inside the namespace. */
  busdoctorArgv(args: readonly string[], script?: string): string[] {
    return busdoctorInNamespaceArgv(this.namespace, args, script);
  }

  runBusdoctor(args: readonly string[], options: RunOptions & { script?: string } = {}): Promise<RunResult> {
    return runCommand(this.busdoctorArgv(args, options.script), options);
  }

  async down(): Promise<void> {
    await destroyLab(this.state);
  }

  /** For exit handlers, which cannot await: SIGKILL everything, delete the namespace and the state dir. */
  downSync(): void {
    destroyLabSync(this.state);
  }
}
