// Turns one node's raw replies into its parsed view. A reply that fails to parse becomes a
// "problem" on that view (named with the command and the line), never an exception for the run.
import type { NodeView } from "../../model/analysis.js";
import type { CommandResult, NodeSnapshot, RawReply } from "../../model/snapshot.js";
import { parseClusterInfo } from "../../parse/clusterInfo.js";
import { parseClusterLinks } from "../../parse/clusterLinks.js";
import { parseClusterNodes } from "../../parse/clusterNodes.js";
import { parseConfigGet } from "../../parse/config.js";
import { parseInfo } from "../../parse/info.js";

function okReply(result: CommandResult | undefined): RawReply | undefined {
  return result?.ok ? result.reply : undefined;
}

function okText(result: CommandResult | undefined): string | undefined {
  const reply = okReply(result);
  return typeof reply === "string" ? reply : undefined;
}

/** Runs a parser, turning its failure into a problem line instead of an exception. */
function attempt<T>(problems: string[], parse: () => T): T | null {
  try {
    return parse();
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    return null;
  }
}

export function buildView(node: NodeSnapshot): NodeView {
  const problems: string[] = [];
  const { commands } = node;
  const nodesText = okText(commands.clusterNodes);
  const infoText = okText(commands.clusterInfo);
  const serverInfoText = okText(commands.info);
  const linksReply = okReply(commands.clusterLinks);
  const myId = okText(commands.clusterMyid) ?? null;

  const nodes = nodesText === undefined ? null : attempt(problems, () => parseClusterNodes(nodesText));
  const info = infoText === undefined ? null : attempt(problems, () => parseClusterInfo(infoText));
  const links = linksReply === undefined ? null : attempt(problems, () => parseClusterLinks(linksReply));
  const serverInfo = serverInfoText === undefined ? null : attempt(problems, () => parseInfo(serverInfoText));

  // INFO server: "server_time_usec:1732600000123456" is the node's own clock, the one that stamped
  // ping-sent and pong-recv in its CLUSTER NODES; ages are measured on it, never on the tool's clock.
  const serverTimeUsec = serverInfo?.["server"]?.["server_time_usec"];
  const nowMs = serverTimeUsec === undefined ? null : Math.floor(Number(serverTimeUsec) / 1000);

  const timeoutReply = okReply(commands.configNodeTimeout);
  const timeoutText =
    timeoutReply === undefined ? null : attempt(problems, () => parseConfigGet(timeoutReply, "cluster-node-timeout"));
  const nodeTimeoutMs = timeoutText === null || timeoutText === undefined ? null : Number(timeoutText);

  return {
    observer: node.address,
    myId: myId ?? nodes?.find((entry) => entry.myself)?.id ?? null,
    nodes,
    info,
    links,
    serverInfo,
    nowMs: nowMs !== null && Number.isFinite(nowMs) ? nowMs : null,
    nodeTimeoutMs: nodeTimeoutMs !== null && Number.isFinite(nodeTimeoutMs) ? nodeTimeoutMs : null,
    problems,
  };
}
