// NODE_UNREACHABLE: the client port itself cannot be reached from busdoctor's host, so this is a node
// (or host, or path) problem, never a bus problem. Three cases, told apart by the probes and the peers:
// - down: the client port refuses (nothing listens) and the peers lost it on the bus; a node killed a
//   moment ago shows it at once in its peers' CLUSTER NODES as `disconnected` (their links got a reset):
//     7c2d... 127.0.0.12:6379@16379 master - 1796139197980 1796139196976 2 disconnected 4096-8191
// - cut off: no answer at all (filtered or no route) and the peers cannot reach it either;
// - this host's path: its peers still hear it on the bus (links connected, PONGs fresh): the node runs.
import type { NodeSummary } from "../../model/analysis.js";
import type { Evidence, Finding, Fix } from "../../model/finding.js";
import { hostOf } from "../../cluster/address.js";
import { TOOL, cellEvidence, probeEvidence } from "../evidence.js";
import { cutOffFixes, downFixes, toolPathFixes } from "../fixes/node.js";
import type { Rule, RuleContext } from "../rule.js";
import { joinNames } from "../words.js";
import { afterFailover } from "./afterFailover.js";
import { forEachNode, groupBy } from "./busShared.js";

type Case = "down" | "cut-off" | "path";

interface Read {
  node: NodeSummary;
  address: string;
  kind: Case;
  evidence: Evidence[];
}

/** How many views list the node with its bus link `disconnected`. */
function disconnectedIn(context: RuleContext, node: NodeSummary): string[] {
  if (node.id === null) return [];
  const observers: string[] = [];
  for (const view of context.analysis.views) {
    if (view.observer === node.address) continue;
    const entry = view.nodes?.find((candidate) => candidate.id === node.id);
    if (entry?.linkState === "disconnected") observers.push(view.observer);
  }
  return observers;
}

function readNode(context: RuleContext, node: NodeSummary): Read | null {
  if (node.response.kind !== "unreachable") return null;
  const cells = (context.linksTo.get(node.address) ?? []).filter((cell) => cell.state.kind !== "unknown" && cell.state.kind !== "missing");
  const disconnected = disconnectedIn(context, node);
  const peersHear = cells.length > 0 && disconnected.length === 0 && cells.every((cell) => cell.state.kind === "ok");
  const refused = node.response.probe.state === "refused";
  const kind: Case = peersHear ? "path" : refused ? "down" : "cut-off";
  const evidence: Evidence[] = [probeEvidence(node.response.probe, "TCP probe of the client port")];
  if (node.busProbe) evidence.push(probeEvidence(node.busProbe, "TCP probe of the bus port"));
  if (disconnected.length > 0) {
    evidence.push({
      source: TOOL,
      what: "CLUSTER NODES",
      detail: `${disconnected.length} of ${cells.length} peers list ${node.address} with its bus link disconnected (${disconnected.slice(0, 3).join(", ")}${disconnected.length > 3 ? ", ..." : ""})`,
    });
  }
  evidence.push(...cells.slice(0, 4).map(cellEvidence));
  return { node, address: node.address, kind, evidence };
}

const SUMMARY: Record<Case, (names: string, one: boolean, port: string) => string> = {
  down: (names, one, port) =>
    `${names} ${one ? "is" : "are"} down: nothing answers on ${one ? "its" : "their"} client port ${port} (refused) and ${one ? "its" : "their"} peers lost ${one ? "it" : "them"} on the bus`,
  "cut-off": (names, one, port) =>
    `${names} ${one ? "is" : "are"} down or cut off: ${one ? "its" : "their"} client port ${port} gives no answer and ${one ? "its" : "their"} peers cannot reach ${one ? "it" : "them"} either`,
  path: (names, one, port) =>
    `busdoctor's host cannot reach ${names} (client port ${port}), but ${one ? "its" : "their"} peers still hear ${one ? "it" : "them"} on the bus: the path from this host is closed`,
};

const EXPLANATION: Record<Case, string> = {
  down: "Nothing listens on the node's ports: the process (or the host) is down. It is not a bus problem. Peers flag it PFAIL after cluster-node-timeout, then FAIL, and a replica takes over its slots if it can win the vote; restarted, it rejoins with the identity in its nodes.conf.",
  "cut-off":
    "Neither busdoctor nor the node's peers get any answer from it: its host is down, or the host is cut off the network (a route, a firewall on every port). It is not a bus problem. Peers flag it PFAIL after cluster-node-timeout, then FAIL, and a replica takes over its slots if it can win the vote.",
  path: "The node runs and the cluster hears it; only busdoctor's host cannot reach its client port, so busdoctor could not read its own view. Run busdoctor from a host that reaches every node's client port, or open the path from this one.",
};

function fixesFor(kind: Case, ip: string, port: number): Fix[] {
  switch (kind) {
    case "down":
      return downFixes(ip, port);
    case "cut-off":
      return cutOffFixes(ip, port);
    case "path":
      return toolPathFixes(ip, port);
  }
}

/** With two looks, the peers heard the node after busdoctor's first attempt failed: it runs. */
function pathConfirmed(context: RuleContext, read: Read): boolean {
  const looks = context.looks;
  if (looks === null || looks.clientProbeBefore.get(read.address) === "open") return false;
  return (context.linksTo.get(read.address) ?? []).some(
    (cell) => cell.state.kind === "ok" && cell.state.pongAgeMs !== null && cell.state.pongAgeMs < looks.intervalMs,
  );
}

export const nodeUnreachable: Rule = {
  code: "NODE_UNREACHABLE",
  kind: "cause",
  check(context) {
    const reads = context.analysis.nodes.map((node) => readNode(context, node)).filter((read) => read !== null);
    return groupBy(reads, (read) => `${read.kind} ${read.node.clientPort}`).map((group): Finding => {
      const first = group[0] as Read;
      const addresses = group.map((read) => read.address);
      const one = group.length === 1;
      const after = afterFailover(context, addresses, first.kind === "path" ? "warning" : "critical");
      const undecided = first.kind === "path" && !group.every((read) => pathConfirmed(context, read));
      const notDecided = undecided ? " (not decided from one look: a node that went down a moment ago looks the same until its peers notice)" : "";
      return {
        code: "NODE_UNREACHABLE",
        severity: after.severity,
        nodes: addresses,
        summary: SUMMARY[first.kind](joinNames(addresses), one, String(first.node.clientPort)) + notDecided + after.note,
        evidence: [...group.flatMap((read) => read.evidence.slice(0, Math.max(3, Math.floor(9 / group.length)))), ...after.evidence],
        explanation: EXPLANATION[first.kind],
        fix: forEachNode(fixesFor(first.kind, hostOf(first.address), first.node.clientPort), addresses),
      };
    });
  },
};
