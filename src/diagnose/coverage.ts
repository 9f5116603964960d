// What a verdict is based on: per node, which replies were read and which were not (denied, failed,
// unparsable), what was assumed instead, and whether that reaches the minimum a diagnosis needs
// (MINIMUM_EVIDENCE). A node that is down or hung is evidence itself, not a gap.
import type { ClusterAnalysis, NodeView } from "../model/analysis.js";
import { MINIMUM_EVIDENCE, type CommandNotRead, type Coverage, type CoverageLevel, type NodeCoverage } from "../model/coverage.js";
import type { CommandResult, NodeCommand, NodeSnapshot, Snapshot } from "../model/snapshot.js";
import { COMMAND_NAMES } from "./analyze/views.js";
import { DEFAULT_NODE_TIMEOUT_MS } from "./analyze/linkState.js";
import { nodeList } from "./words.js";
import { serverLabel } from "../cluster/server.js";

/** Whether the parsed value of a command that answered is there (null: the reply did not parse). */
function parsed(view: NodeView, command: NodeCommand): boolean {
  switch (command) {
    case "clusterNodes":
      return view.nodes !== null;
    case "clusterInfo":
      return view.info !== null;
    case "info":
      return view.serverInfo !== null;
    case "configNodeTimeout":
      return view.nodeTimeoutMs !== null;
    case "configClusterPort":
      return view.listeningBusPort !== null;
    case "clusterMyid":
      return view.myId !== null;
    case "clusterLinks":
      return !view.problems.some((problem) => problem.startsWith(COMMAND_NAMES.clusterLinks));
    case "ping":
    // Read by the collector only (where to probe the bus); the diagnosis reads the probes' hosts.
    case "configAnnounce":
      return true;
  }
}

function notReadReason(result: CommandResult): string {
  return result.ok
    ? "reply did not parse"
    : result.kind === "noperm"
      ? "NOPERM (denied by ACL)"
      : result.kind === "unknown-command"
        ? "unknown command"
        : `${result.kind}: ${result.error}`;
}

function nodeCoverage(node: NodeSnapshot, view: NodeView): NodeCoverage {
  if (!node.connection.ok)
    return { address: node.address, read: [], notRead: [{ command: "connection", reason: `${node.connection.kind}: ${node.connection.error}` }] };
  const read: string[] = [];
  const notRead: CommandNotRead[] = [];
  for (const [command, result] of Object.entries(node.commands) as Array<[NodeCommand, CommandResult]>) {
    if (result.ok && parsed(view, command)) read.push(COMMAND_NAMES[command]);
    else notRead.push({ command: COMMAND_NAMES[command], reason: notReadReason(result) });
  }
  return { address: node.address, read, notRead };
}

/** "CLUSTER NODES not read from 127.0.0.12:6379 and 2 more: NOPERM (denied by ACL)", one line per command and reason. */
function missingLines(coverage: readonly NodeCoverage[], eligible: ReadonlySet<string>, commands: readonly string[]): string[] {
  const groups = new Map<string, string[]>();
  for (const node of coverage) {
    if (!eligible.has(node.address)) continue;
    for (const { command, reason } of node.notRead) {
      if (command !== "connection" && !commands.includes(command)) continue;
      const key = `${command}\n${reason}`;
      groups.set(key, [...(groups.get(key) ?? []), node.address]);
    }
  }
  return [...groups].map(([key, nodes]) => {
    const [command, reason] = key.split("\n");
    return command === "connection" ? `nothing read from ${nodeList(nodes)}: ${reason}` : `${command} not read from ${nodeList(nodes)}: ${reason}`;
  });
}

/**
 * Which rows of the link matrix rest on CLUSTER NODES alone because the server has no CLUSTER LINKS
 * (Redis 6.2): no per-direction connections there. Null when every answering node had the command.
 */
function linkSourceNote(analysis: Pick<ClusterAnalysis, "linksFromNodesOnly" | "views">): string | null {
  const observers = analysis.linksFromNodesOnly;
  if (observers.length === 0) return null;
  const without = new Set(observers);
  const servers = new Set<string>();
  for (const view of analysis.views) if (without.has(view.observer) && view.server !== null) servers.add(serverLabel(view.server));
  const who = observers.length === analysis.views.length ? "every observer" : `${observers.length} of ${analysis.views.length} observers`;
  return `links of ${who} read from CLUSTER NODES alone: ${[...servers].join(", ") || "their server"} has no CLUSTER LINKS`;
}

function assumptionLines(coverage: readonly NodeCoverage[], eligible: ReadonlySet<string>, analysis: ClusterAnalysis): string[] {
  const answering = coverage.filter((node) => eligible.has(node.address) && node.read.length > 0);
  const lacking = (command: string): boolean => answering.length > 0 && answering.every((node) => !node.read.includes(command));
  const lines: string[] = [];
  if (analysis.nodeTimeoutMs === null) {
    lines.push(
      `cluster-node-timeout assumed ${DEFAULT_NODE_TIMEOUT_MS} ms (Redis's default): CONFIG GET cluster-node-timeout was not read, so phase timings are estimates`,
    );
  }
  if (lacking(COMMAND_NAMES.info)) lines.push("each node's clock taken to be busdoctor's (INFO not read): PING ages are off by any clock skew");
  const linkSource = linkSourceNote(analysis);
  if (linkSource !== null) lines.push(linkSource);
  else if (lacking(COMMAND_NAMES.clusterLinks)) lines.push("no CLUSTER LINKS (denied, or Redis before 7.0): links read from CLUSTER NODES alone");
  return lines;
}

const VIEW_COMMANDS = [COMMAND_NAMES.clusterNodes, COMMAND_NAMES.clusterInfo];

export function assessCoverage(snapshot: Snapshot, analysis: ClusterAnalysis, looks: Coverage["looks"]): Coverage {
  const nodes = snapshot.nodes.map((node, index) => nodeCoverage(node, analysis.views[index] as NodeView));
  // Nodes that are down, cut off or hung are evidence themselves; every other node's view is needed.
  const eligible = new Set(analysis.nodes.filter((node) => node.response.kind === "answering" || node.response.kind === "error").map((node) => node.address));
  const withViews = analysis.views.filter((view) => eligible.has(view.observer) && view.nodes !== null && view.info !== null).length;
  const level: CoverageLevel = withViews === 0 || withViews * 2 <= eligible.size ? "insufficient" : withViews < eligible.size ? "partial" : "full";
  const missing = missingLines(nodes, eligible, VIEW_COMMANDS);
  if (level === "insufficient" && eligible.size === 0) missing.unshift("no node answered commands");
  return { level, minimum: MINIMUM_EVIDENCE, missing, assumptions: assumptionLines(nodes, eligible, analysis), nodes, looks };
}
