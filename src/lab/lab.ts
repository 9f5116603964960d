// A Redis Cluster of real redis-server processes in a private network namespace, with real nftables
// faults. Used by the e2e tests, the demo and `busdoctor lab`. All state lives in a state dir, so one
// process can bring a lab up and a later one attach to it.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError, UsageError } from "../errors.js";
import type { LabTlsFiles } from "./certs.js";
import { busdoctorInNamespaceArgv } from "./cliArgv.js";
import { redisCli, redisCliCommand, waitForPing, waitUntilSettled, type LabCli } from "./cluster.js";
import { nftRules, type FaultLayout, type LabFault } from "./faults.js";
import { checkLabName, DEFAULT_LAB_NAME, DEFAULT_STATE_ROOT, nodeAt, type LabNode, type LabOptions, type ResolvedLabOptions } from "./layout.js";
import { namespaceArgv, namespaceInode } from "./namespace.js";
import { addNftRules, deleteLabNftTable } from "./nft.js";
import { checkLabPrerequisites, NETWORK_PROGRAMS } from "./preconditions.js";
import { isLabRedis, processState, readPidfile, sendSignal, stopProcess, waitForProcessState } from "./processes.js";
import type { ServerProfile } from "./server.js";
import { runCommand, type RunOptions, type RunResult } from "./run.js";
import { bringUp, labCli, labLocation, startLabNode, tlsArgsOf, type ProgressListener } from "./start.js";
import { loadState, saveState, type LabState } from "./state.js";
import { labStatus, type LabStatus } from "./status.js";
import { destroyLab, destroyLabSync } from "./teardown.js";

export type { ProgressListener } from "./start.js";

export class Lab {
  private constructor(private state: LabState) {}

  /**
   * Tears down any stale lab of the same name, then starts the nodes, creates the cluster and waits
   * until it has settled. On failure or interruption nothing is left behind.
   */
  static async up(options: LabOptions = {}, onProgress: ProgressListener = () => undefined): Promise<Lab> {
    return new Lab(await bringUp(options, onProgress));
  }

  /** The lab a previous `up` (maybe in another process) left running. */
  static async attach(name = DEFAULT_LAB_NAME, stateRoot = DEFAULT_STATE_ROOT): Promise<Lab> {
    checkLabPrerequisites(NETWORK_PROGRAMS);
    const where = labLocation(checkLabName(name), stateRoot);
    const state = await loadState(where.stateDir);
    if (state === null)
      throw new EnvironmentError(`there is no lab named "${name}" (no ${where.stateDir}): start one with \`busdoctor lab up --name ${name}\``);
    return new Lab(state);
  }

  /** Destroys the named lab whatever state it is in; false when there was none. */
  static async destroy(name = DEFAULT_LAB_NAME, stateRoot = DEFAULT_STATE_ROOT): Promise<boolean> {
    checkLabPrerequisites(NETWORK_PROGRAMS);
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
  /** What the nodes run and what the lab knows of its version. */
  get server(): ServerProfile {
    return this.state.server.profile;
  }
  /** "ip:port" of every node, in index order: seeds for `busdoctor check`. */
  get endpoints(): string[] {
    return this.state.nodes.map((node) => node.endpoint);
  }
  /** The lab's certificates, when it runs TLS. */
  get tlsFiles(): LabTlsFiles | null {
    return this.state.tls;
  }
  /**
   * `--tls --cacert CA` (and the tools' certificate) for `busdoctor check` and redis-cli in a TLS
   * lab; nothing otherwise.
   */
  get tlsArgs(): string[] {
    return tlsArgsOf(this.state.tls);
  }

  /** How the lab reaches its nodes with redis-cli. */
  get cli(): LabCli {
    return labCli(this.state);
  }

  /** The lab's redis-cli against node `index` (or an address), as run inside the namespace. */
  redisCliCommand(target: number | { address: string; port: number }, args: readonly string[]): string[] {
    return redisCliCommand(this.cli, typeof target === "number" ? this.node(target) : target, args);
  }

  /** The same, prefixed to run inside the namespace. */
  redisCliArgv(target: number | { address: string; port: number }, args: readonly string[]): string[] {
    return this.namespaceArgv(this.redisCliCommand(target, args));
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
    const clientAddresses = this.state.nodes.flatMap((node) => (node.clientAddress === null ? [] : [node.clientAddress]));
    return {
      addresses: this.state.nodes.map((node) => node.address),
      ...(clientAddresses.length > 0 ? { clientAddresses } : {}),
      port,
      clusterPort,
    };
  }

  /** Starts a node the caller planned (another cluster in this lab's namespace) with the lab's server and settings. */
  startNode(node: LabNode): Promise<void> {
    return startLabNode(this.state, node);
  }

  /**
   * A redis-server of the lab's kind at `address` (IPv4 in 127.0.0.0/8) that is not in the cluster:
   * a node about to join, for preflight. Later arguments override the lab's (`--cluster-enabled no`).
   * Returns the function that stops it.
   */
  async startExtraNode(address: string, extraArgs: readonly string[] = []): Promise<() => Promise<void>> {
    const node = nodeAt(this.state.options, join(this.stateDir, `extra-${address}`), 0, address);
    await mkdir(node.dir, { recursive: true });
    await startLabNode(this.state, node, undefined, extraArgs);
    await waitForPing(this.cli, [node], 10_000);
    return async () => {
      const pid = readPidfile(node.pidfile);
      if (pid !== null && isLabRedis(pid, namespaceInode(this.namespace))) await stopProcess(pid);
    };
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
    const reply = await redisCli(this.cli, node, ["config", "set", "cluster-announce-bus-port", String(port)]);
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
    await startLabNode(this.state, node, announcedPort);
    await waitForPing(this.cli, [node], 10_000);
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
    await waitUntilSettled(this.cli, this.state.nodes, timeoutMs);
  }

  status(): Promise<LabStatus> {
    return labStatus(this.state, this.cli, this.layout);
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
