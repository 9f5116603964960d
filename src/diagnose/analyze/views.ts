// Turns one node's raw replies into its parsed view. A reply that fails to parse becomes a
// "problem" on that view (named with the command and the line), never an exception for the run.
import type { NodeView } from "../../model/analysis.js";
import type { CommandResult, NodeCommand, NodeSnapshot, RawReply } from "../../model/snapshot.js";
import { parseClusterInfo } from "../../parse/clusterInfo.js";
import { linksByNode } from "../../parse/clusterLinks.js";
import { parseClusterNodes } from "../../parse/clusterNodes.js";
import type { SharedNodeValues } from "../../parse/nodeValues.js";
import { parseConfigGet } from "../../parse/config.js";
import { parseInfo, serverIdentity } from "../../parse/info.js";
import { attempt, okReply, okText } from "../../parse/replies.js";
import { listeningBusPort } from "../../cluster/ports.js";

/**
 * A node's parsed view, and for each entry of its CLUSTER NODES (same index) which CLUSTER LINKS exist
 * with that node: LINK_TO (the observer's own connection to the peer's bus port) | LINK_FROM (the
 * peer's connection to the observer's). A byte per entry until the link matrix takes it in; null
 * when CLUSTER LINKS or CLUSTER NODES is unavailable. Sample CLUSTER LINKS entry:
 *   ["direction","to","node","18adf66a...","create-time",1795668979746,"events","","send-buffer-allocated",0,"send-buffer-used",0]
 */
export interface ReadView {
  view: NodeView;
  linksPerEntry: Uint8Array | null;
}

/**
 * `shared` holds the ids, addresses and slot lists that every view of one snapshot repeats.
 * `nodeIndexes` is refilled with the KnownNode.index of each CLUSTER NODES entry (see parseClusterNodes).
 */
export function readView(node: NodeSnapshot, shared: SharedNodeValues, nodeIndexes: number[]): ReadView {
  const problems: string[] = [];
  const { commands } = node;
  const nodesText = okText(commands.clusterNodes);
  const infoText = okText(commands.clusterInfo);
  const serverInfoText = okText(commands.info);
  const linksReply = okReply(commands.clusterLinks);
  const myId = okText(commands.clusterMyid) ?? null;

  nodeIndexes.length = 0;
  const nodes = nodesText === undefined ? null : attempt(problems, () => parseClusterNodes(nodesText, shared, nodeIndexes));
  const info = infoText === undefined ? null : attempt(problems, () => parseClusterInfo(infoText));
  // Only which links exist is kept: a 1000-node cluster's views list two million of them.
  const linkBits = linksReply === undefined ? null : attempt(problems, () => linksByNode(linksReply, shared, nodeIndexes));
  const serverInfo = serverInfoText === undefined ? null : attempt(problems, () => parseInfo(serverInfoText));

  // INFO server: "server_time_usec:1732600000123456" is the node's own clock, the one that stamped
  // ping-sent and pong-recv in its CLUSTER NODES; ages are measured on it, never on the tool's clock.
  const serverTimeUsec = serverInfo?.["server"]?.["server_time_usec"];
  const nowMs = serverTimeUsec === undefined ? null : Math.floor(Number(serverTimeUsec) / 1000);

  const timeoutReply = okReply(commands.configNodeTimeout);
  const timeoutText = timeoutReply === undefined ? null : attempt(problems, () => parseConfigGet(timeoutReply, "cluster-node-timeout"));
  const nodeTimeoutMs = timeoutText === null || timeoutText === undefined ? null : Number(timeoutText);

  const clusterPortReply = okReply(commands.configClusterPort);
  const clusterPort = clusterPortReply === undefined ? null : attempt(problems, () => configuredClusterPort(clusterPortReply));
  problems.push(...commandProblems(node));

  const view: NodeView = {
    observer: node.address,
    myId: myId ?? nodes?.find((entry) => entry.myself)?.id ?? null,
    nodes,
    info,
    serverInfo,
    nowMs: nowMs !== null && Number.isFinite(nowMs) ? nowMs : null,
    nodeTimeoutMs: nodeTimeoutMs !== null && Number.isFinite(nodeTimeoutMs) ? nodeTimeoutMs : null,
    listeningBusPort: clusterPort !== null && Number.isInteger(clusterPort) ? listeningBusPort(node.port, clusterPort) : null,
    failureReports: failureReportCounts(node),
    server: serverInfo === null ? null : serverIdentity(serverInfo),
    linksUnsupported: linksUnsupported(commands.clusterLinks),
    problems,
  };
  return { view, linksPerEntry: nodes === null || linkBits === null ? null : inEntryOrder(linkBits, nodeIndexes) };
}

/**
 * CONFIG GET cluster-port as a number. A reply without it (`[]`) comes from a server that has no such
 * setting (Redis 6.2): it listens on port + 10000, as with cluster-port 0.
 */
function configuredClusterPort(reply: RawReply): number {
  const text = parseConfigGet(reply, "cluster-port");
  return text === null ? 0 : Number(text);
}

export const COMMAND_NAMES: Record<NodeCommand, string> = {
  ping: "PING",
  clusterMyid: "CLUSTER MYID",
  clusterInfo: "CLUSTER INFO",
  clusterNodes: "CLUSTER NODES",
  clusterLinks: "CLUSTER LINKS",
  info: "INFO",
  configNodeTimeout: "CONFIG GET cluster-node-timeout",
  configClusterPort: "CONFIG GET cluster-port",
  configAnnounce: "CONFIG GET cluster-announce-*",
};

/**
 * Commands a node that answers PING refused or failed (NOPERM, unknown command): the diagnosis goes
 * on without them, and the report says what it could not read. A node that does not answer at all is
 * described by its response instead.
 */
function commandProblems(node: NodeSnapshot): string[] {
  if (!node.connection.ok || !node.commands.ping?.ok) return [];
  const problems: string[] = [];
  for (const [command, result] of Object.entries(node.commands) as Array<[NodeCommand, CommandResult]>) {
    // A server without CLUSTER LINKS is no problem: the report says its links come from CLUSTER NODES.
    if (!result.ok && !(command === "clusterLinks" && linksUnsupported(result))) problems.push(`${COMMAND_NAMES[command]}: ${result.error}`);
  }
  return problems;
}

/**
 * Redis 6.2 has no CLUSTER LINKS:
 *   ERR Unknown subcommand or wrong number of arguments for 'LINKS'. Try CLUSTER HELP.
 */
function linksUnsupported(result: CommandResult | undefined): boolean {
  return result !== undefined && !result.ok && result.kind === "unknown-command";
}

/** `CLUSTER COUNT-FAILURE-REPORTS <id>` answers an integer: how many masters currently report <id> failing. */
function failureReportCounts(node: NodeSnapshot): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [id, result] of Object.entries(node.failureReports)) {
    if (result.ok && typeof result.reply === "number") counts[id] = result.reply;
  }
  return counts;
}

/** linksByNode's bits (by KnownNode.index) in entry order. */
function inEntryOrder(linkBits: Uint8Array, nodeIndexes: readonly number[]): Uint8Array {
  const perEntry = new Uint8Array(nodeIndexes.length);
  for (let entry = 0; entry < nodeIndexes.length; entry += 1) perEntry[entry] = linkBits[nodeIndexes[entry] ?? 0] ?? 0;
  return perEntry;
}
