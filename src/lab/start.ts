// Bringing a lab up, and starting one node of it: the server the lab runs, with the command line its
// version takes, its certificates when TLS, the namespace's addresses, then the cluster, settled.
import { mkdir } from "node:fs/promises";
import { serverLabel } from "../cluster/server.js";
import { makeLabCertificates, type LabTlsFiles } from "./certs.js";
import { createCluster, waitForPing, waitUntilSettled, type LabCli } from "./cluster.js";
import { teardownOnExit } from "./guard.js";
import { checkServerSupports, labStateDir, namespaceName, planNodes, redisServerArgs, resolveLabOptions, type LabNode, type LabOptions } from "./layout.js";
import { addLoopbackAddresses, createNamespace } from "./namespace.js";
import { checkLabPrerequisites, NETWORK_PROGRAMS, SERVER_PROGRAMS } from "./preconditions.js";
import { startRedisServer } from "./processes.js";
import { detectLabServer } from "./programs.js";
import { LAB_STATE_FORMAT, saveState, type LabState } from "./state.js";
import { destroyLab, destroyLabSync, type LabLocation } from "./teardown.js";

export type ProgressListener = (line: string) => void;

export function labLocation(name: string, stateRoot: string): LabLocation {
  return { namespace: namespaceName(name), stateDir: labStateDir(stateRoot, name) };
}

/** `--tls --cacert CA` and the tools' certificate, for redis-cli and `busdoctor check`; nothing without TLS. */
export function tlsArgsOf(tls: LabTlsFiles | null): string[] {
  return tls === null ? [] : ["--tls", "--cacert", tls.caFile, "--cert", tls.clientCertFile, "--key", tls.clientKeyFile];
}

export function labCli(state: LabState): LabCli {
  return { namespace: state.namespace, cliPath: state.server.cliPath, tlsArgs: tlsArgsOf(state.tls) };
}

/** "Redis 7.0.15 (/usr/bin/redis-server), TLS". */
function describeServer({ options, server }: Pick<LabState, "options" | "server">): string {
  const extras = [options.tls ? "TLS" : null, options.hostnames ? "hostnames" : null, options.clientAnnounce ? "client addresses" : null];
  return [`${serverLabel(server.profile)} (${server.serverPath})`, ...extras.filter((extra) => extra !== null)].join(", ");
}

/** Starts a node's redis-server with the lab's settings (and `extraArgs`, which override them). */
export async function startLabNode(state: LabState, node: LabNode, announcedBusPort?: number, extraArgs: readonly string[] = []): Promise<void> {
  const { options, server, tls } = state;
  const settings = { nodeTimeoutMs: options.nodeTimeoutMs, server: server.profile, tlsCaFile: tls?.caFile ?? null };
  const args = redisServerArgs(node, announcedBusPort === undefined ? settings : { ...settings, announcedBusPort });
  await startRedisServer(state.namespace, server.serverPath, [...args, ...extraArgs]);
}

/**
 * Tears down any stale lab of the same name, then starts the nodes, creates the cluster and waits
 * until it has settled. On failure or interruption nothing is left behind.
 */
export async function bringUp(options: LabOptions, onProgress: ProgressListener): Promise<LabState> {
  checkLabPrerequisites([...NETWORK_PROGRAMS, ...(options.server === undefined ? SERVER_PROGRAMS : []), ...(options.tls ? ["openssl"] : [])]);
  const resolved = resolveLabOptions(options);
  const server = await detectLabServer(resolved.server, resolved.tls);
  checkServerSupports(resolved, server.profile);
  const where = labLocation(resolved.name, resolved.stateRoot);
  if (await destroyLab(where)) onProgress(`removed a stale lab named "${resolved.name}"`);
  const state: LabState = {
    format: LAB_STATE_FORMAT,
    options: resolved,
    server,
    tls: null,
    ...where,
    nodes: planNodes(resolved),
    faults: [],
    createdAt: new Date().toISOString(),
  };
  const disarm = teardownOnExit(() => destroyLabSync(where));
  try {
    await Promise.all(state.nodes.map((node) => mkdir(node.dir, { recursive: true })));
    if (resolved.tls) state.tls = await makeLabCertificates(state.stateDir, resolved.name, state.nodes);
    await saveState(state);
    await createNamespace(state.namespace);
    await addLoopbackAddresses(
      state.namespace,
      state.nodes.map((node) => node.address),
    );
    const first = state.nodes[0]?.address;
    const last = state.nodes.at(-1)?.address;
    onProgress(
      `starting ${state.nodes.length} nodes of ${describeServer(state)} on ${first}-${last} ` +
        `(port ${resolved.port}, bus ${resolved.clusterPort}) in namespace ${state.namespace}`,
    );
    await Promise.all(state.nodes.map((node) => startLabNode(state, node)));
    const cli = labCli(state);
    await waitForPing(cli, state.nodes, 10_000);
    onProgress(`creating the cluster: ${resolved.masters} masters, ${resolved.replicasPerMaster} replica(s) each`);
    await createCluster(cli, state.nodes, resolved.replicasPerMaster);
    onProgress("waiting until every node reports cluster_state:ok, sees every peer healthy and replicas are in sync");
    await waitUntilSettled(cli, state.nodes, resolved.settleTimeoutMs);
    return state;
  } catch (error) {
    await destroyLab(where);
    throw error;
  } finally {
    disarm();
  }
}
