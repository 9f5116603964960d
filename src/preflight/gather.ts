// The I/O half of preflight: ask the node, probe its ports, read the cluster's views. Decides nothing
// beyond which ports to probe (planBusProbes, pure) and when it cannot check at all (bad credentials).
// The address the node announces is only probed when it lies in the scope of the addresses the user gave.
import { collectSnapshot } from "../collect/collect.js";
import { CollectError } from "../collect/errors.js";
import { COMMAND_ARGS, type ClientSettings } from "../collect/nodeClient.js";
import type { ConnectionOptions } from "../collect/options.js";
import { probeTcp } from "../collect/probe.js";
import { queryNodeOnce } from "../collect/queryOnce.js";
import { runSettings } from "../collect/runSettings.js";
import { formatAddress, type HostPort } from "../cluster/address.js";
import type { ProbeResult } from "../model/snapshot.js";
import type { ClusterFacts, PreflightFacts, TargetFacts } from "./model.js";
import { planBusProbes, readTarget } from "./target.js";

/** Read-only, one round trip: everything the node checks need. */
const TARGET_COMMANDS: Record<"ping" | "clusterMyid" | "info" | "clusterNodes" | "configClusterPort" | "configAnnounce", readonly string[]> = {
  ping: COMMAND_ARGS.ping,
  clusterMyid: COMMAND_ARGS.clusterMyid,
  info: COMMAND_ARGS.info,
  clusterNodes: COMMAND_ARGS.clusterNodes,
  configClusterPort: COMMAND_ARGS.configClusterPort,
  configAnnounce: COMMAND_ARGS.configAnnounce,
};

export interface PreflightRequest {
  target: HostPort;
  seed: HostPort | null;
  connection: ConnectionOptions;
}

async function queryTarget(target: HostPort, settings: ClientSettings): Promise<Omit<TargetFacts, "busProbes">> {
  const { host, port } = target;
  const [clientProbe, { connection, replies }] = await Promise.all([
    probeTcp(host, port, settings.timeoutMs),
    queryNodeOnce(target, settings, TARGET_COMMANDS),
  ]);
  return { host, port, clientProbe, connection, replies };
}

async function readCluster(seed: HostPort, connection: ConnectionOptions): Promise<ClusterFacts> {
  const address = formatAddress(seed.host, seed.port);
  try {
    return { seed: address, snapshot: await collectSnapshot([seed], connection), error: null };
  } catch (error) {
    // An unreachable seed is a failed check (the new node cannot be verified); bad credentials or an
    // unreadable TLS file are the caller's mistake and end the run.
    if (error instanceof CollectError && error.reason === "no-seed") return { seed: address, snapshot: null, error: error.message };
    throw error;
  }
}

export async function gatherPreflight(request: PreflightRequest): Promise<PreflightFacts> {
  const { timeoutMs } = request.connection;
  const settings = await runSettings(request.seed === null ? [request.target] : [request.target, request.seed], request.connection);
  const queried = await queryTarget(request.target, settings.client);
  const plan = planBusProbes(queried, readTarget(queried));
  const wanted: Array<{ host: string; port: number }> = [];
  if (plan.listening !== null) wanted.push({ host: queried.host, port: plan.listening.port });
  const { announced } = plan;
  const known = announced !== null && wanted.some((probe) => probe.host === announced.host && probe.port === announced.port);
  if (announced !== null && !known && settings.admit(announced.host).inScope) wanted.push(announced);
  const [busProbes, cluster] = await Promise.all([
    Promise.all(wanted.map(({ host, port }): Promise<ProbeResult> => probeTcp(host, port, timeoutMs))),
    request.seed === null ? null : readCluster(request.seed, request.connection),
  ]);
  return { target: { ...queried, busProbes }, cluster };
}
