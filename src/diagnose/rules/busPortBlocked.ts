// BUS_PORT_BLOCKED: a node answers on its client port but its bus is unreachable (filtered): peers'
// pings to it stay pending and it cannot reach them either. Sample from a peer's CLUSTER NODES:
//   9f0e... 127.0.0.3:6379@16379 master,fail? - 1732600004200 1732600001000 3 connected 10923-16383
import type { Finding } from "../../model/finding.js";
import { TOOL, someCells } from "../evidence.js";
import { busBlockedFixes } from "../fixes/bus.js";
import type { Rule, RuleContext } from "../rule.js";
import { busPortOf, busProbeEvidence, busTarget, failureReportEvidence, peerIps, refusesBus } from "./busShared.js";

const EXPLANATION =
  "Client traffic (PING, GET, SET) uses the client port, which is open, so every node looks alive. The cluster bus carries heartbeats, gossip, failure reports and failover votes on the bus port, which is filtered: peers stop hearing the node, mark it PFAIL after cluster-node-timeout, then FAIL once a majority of masters agree; its slots lose coverage until a replica is promoted, and the isolated node keeps reporting cluster_state:fail (CLUSTERDOWN for its clients). Open the bus port between all nodes, both directions; the rest follows from it.";

function everywhere(context: RuleContext): Finding[] {
  const nodes = context.bus.judged.map((address) => context.nodeAt.get(address)).filter((node) => node !== undefined);
  if (nodes.length === 0 || nodes.every(refusesBus)) return [];
  const first = nodes[0];
  if (!first) return [];
  const port = busPortOf(first);
  return [
    {
      code: "BUS_PORT_BLOCKED",
      severity: "critical",
      nodes: nodes.map((node) => node.address),
      summary: `no node can reach any other node's bus port (${port}): the cluster bus is blocked everywhere`,
      evidence: [...someCells(context.bus.brokenCells), ...nodes.slice(0, 6).flatMap(busProbeEvidence)],
      explanation: `Every view sees every peer failing while every client port answers: a rule common to all nodes (a security group, a NetworkPolicy, a base firewall policy) allows the client port but not ${port}. ${EXPLANATION}`,
      fix: busBlockedFixes(busTarget(first), "both", peerIps(context, [])),
    },
  ];
}

function isolatedNodes(context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const isolated of context.bus.isolated) {
    const node = context.nodeAt.get(isolated.node);
    if (!node || isolated.direction !== "both" || refusesBus(node)) continue;
    const open = node.busProbe?.state === "open";
    findings.push({
      code: "BUS_PORT_BLOCKED",
      severity: "critical",
      nodes: [node.address],
      summary: `the bus port of ${node.address} (${busPortOf(node)}) is blocked: its peers cannot reach it and it cannot reach them`,
      evidence: [
        ...busProbeEvidence(node),
        ...someCells(isolated.inbound, 4),
        ...someCells(isolated.outbound, 3),
        ...failureReportEvidence(context, node),
      ],
      explanation: open
        ? `From busdoctor's host the bus port is open, so the block sits between the nodes (a security group or NetworkPolicy that lets this host in but not the peers). ${EXPLANATION}`
        : EXPLANATION,
      fix: busBlockedFixes(busTarget(node), "both", peerIps(context, [node.address])),
    });
  }
  return findings;
}

/** Two nodes that cannot reach each other's bus while both reach everyone else. */
function blockedPairs(context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const stray = context.bus.strayPairs;
  for (const cell of stray) {
    const back = stray.find((other) => other.observer === cell.peer && other.peer === cell.observer);
    if (!back || cell.observer > cell.peer) continue;
    const node = context.nodeAt.get(cell.peer);
    if (!node) continue;
    findings.push({
      code: "BUS_PORT_BLOCKED",
      severity: "warning",
      nodes: [cell.observer, cell.peer],
      summary: `bus traffic between ${cell.observer} and ${cell.peer} fails both ways; each reaches every other node`,
      evidence: someCells([cell, back]),
      explanation: `A rule between these two hosts only (a per-host security group entry, a route) blocks port ${busPortOf(node)}. Gossip still flows through the other nodes, so the cluster stays up, but failure detection and votes between them are lost.`,
      fix: busBlockedFixes(busTarget(node), "in", peerIps(context, context.bus.judged.filter((a) => a !== cell.observer))),
    });
  }
  return findings;
}

/** Only busdoctor's own probe fails while every peer hears the node: say so quietly. */
function toolOnly(context: RuleContext): Finding[] {
  const involved = new Set(context.bus.brokenCells.flatMap((cell) => [cell.observer, cell.peer]));
  const findings: Finding[] = [];
  for (const address of context.bus.judged) {
    const node = context.nodeAt.get(address);
    const state = node?.busProbe?.state;
    if (!node || involved.has(address) || (state !== "timeout" && state !== "unreachable")) continue;
    findings.push({
      code: "BUS_PORT_BLOCKED",
      severity: "info",
      nodes: [address],
      summary: `busdoctor's host cannot reach the bus port of ${address}, but its peers can`,
      evidence: [...busProbeEvidence(node), { source: TOOL, what: "link matrix", detail: `every peer's link to ${address} is healthy` }],
      explanation: "The nodes hear each other, so the cluster is fine; only the path from this host to the bus port is closed, which is normal when busdoctor runs outside the nodes' security group. Probes from here say nothing about the bus.",
      fix: [],
    });
  }
  return findings;
}

export const busPortBlocked: Rule = {
  code: "BUS_PORT_BLOCKED",
  kind: "cause",
  check(context) {
    if (context.bus.everyPairBroken) return everywhere(context);
    return [...isolatedNodes(context), ...blockedPairs(context), ...toolOnly(context)];
  },
};
