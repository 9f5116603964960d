// BUS_PORT_BLOCKED: a node answers on its client port but its bus is unreachable (filtered): peers'
// pings to it stay pending and it cannot reach them either. Sample from a peer's CLUSTER NODES:
//   9f0e... 127.0.0.3:6379@16379 master,fail? - 1732600004200 1732600001000 3 connected 10923-16383
import type { NodeSummary } from "../../model/analysis.js";
import type { Evidence, Finding } from "../../model/finding.js";
import type { IsolatedNode } from "../bus.js";
import { TOOL, probeEvidence, someCells } from "../evidence.js";
import { busBlockedFixes } from "../fixes/bus.js";
import type { Rule, RuleContext } from "../rule.js";
import { byAddress, joinNames, seconds } from "../words.js";
import { afterFailover } from "./afterFailover.js";
import {
  busPortOf,
  busProbeEvidence,
  busTarget,
  failureReportEvidence,
  groupBy,
  groupTarget,
  isolatedGroups,
  peerIps,
  refusesBus,
  type IsolatedEntry,
} from "./busShared.js";

const PROBED_IN = "TCP probe of the announced bus port, since the fault (it answered before)";

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
      nodes: nodes.map((node) => node.address).sort(byAddress),
      summary: `no node can reach any other node's bus port (${port}): the cluster bus is blocked everywhere`,
      evidence: [...someCells(context.bus.brokenCells), ...nodes.slice(0, 6).flatMap(busProbeEvidence)],
      explanation: `Every view sees every peer failing while every client port answers: a rule common to all nodes (a security group, a NetworkPolicy, a base firewall policy) allows the client port but not ${port}. ${EXPLANATION}`,
      fix: busBlockedFixes(busTarget(first), "both", peerIps(context, [])),
    },
  ];
}

/** The evidence for one node blocked both ways: the probe, a few cells each way, the failure reports. */
function blockedEvidence(context: RuleContext, node: NodeSummary, isolated: IsolatedNode, share: number): Evidence[] {
  const probe = node.busProbe && isolated.probedInbound ? [probeEvidence(node.busProbe, PROBED_IN)] : busProbeEvidence(node);
  return [
    ...probe,
    ...someCells(isolated.inbound, Math.max(1, share)),
    ...someCells(isolated.outbound, Math.max(1, share - 1)),
    ...failureReportEvidence(context, node),
  ];
}

/** Nodes blocked both ways; those sharing a bus port (one rule, most likely) make one finding naming all of them. */
function isolatedNodes(context: RuleContext): Finding[] {
  const keep = ({ isolated, node }: IsolatedEntry): boolean => isolated.direction === "both" && !refusesBus(node);
  return isolatedGroups(context, keep, (entry) => String(busPortOf(entry.node))).map(({ entries: group, nodes, addresses, one, port }) => {
    const probedOnly = group.every((entry) => entry.isolated.probedInbound);
    const open = nodes.every((node) => node.busProbe?.state === "open");
    const after = afterFailover(context, addresses, "critical");
    const share = Math.max(2, Math.floor(8 / nodes.length));
    return {
      code: "BUS_PORT_BLOCKED",
      severity: after.severity,
      nodes: addresses,
      summary:
        (one
          ? `the bus port of ${addresses[0]} (${port}) is blocked: its peers cannot reach it and it cannot reach them`
          : `the bus ports of ${joinNames(addresses)} (${port}) are blocked: their peers cannot reach them and they cannot reach their peers`) + after.note,
      evidence: [...group.flatMap((entry) => blockedEvidence(context, entry.node, entry.isolated, share)), ...after.evidence],
      explanation: probedOnly
        ? `${joinNames(addresses)} cannot reach ${one ? "its" : "their"} peers' bus ports, and ${one ? "its own bus port, which" : "their own bus ports, which"} answered busdoctor before, now ${one ? "drops" : "drop"} the handshake: the bus is blocked both ways. The peers show it within a few seconds, as their next pings go unanswered. ${EXPLANATION}`
        : open
          ? `From busdoctor's host the bus port is open, so the block sits between the nodes (a security group or NetworkPolicy that lets this host in but not the peers). ${EXPLANATION}`
          : EXPLANATION,
      fix: busBlockedFixes(groupTarget(nodes), "both", peerIps(context, addresses)),
    };
  });
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
      nodes: [cell.observer, cell.peer].sort(byAddress),
      summary: `bus traffic between ${cell.observer} and ${cell.peer} fails both ways; each reaches every other node`,
      evidence: someCells([cell, back]),
      explanation: `A rule between these two hosts only (a per-host security group entry, a route) blocks port ${busPortOf(node)}. Gossip still flows through the other nodes, so the cluster stays up, but failure detection and votes between them are lost.`,
      fix: busBlockedFixes(
        busTarget(node),
        "in",
        peerIps(
          context,
          context.bus.judged.filter((a) => a !== cell.observer),
        ),
      ),
    });
  }
  return findings;
}

/**
 * Whether the peers' links to the node answer, with evidence newer than busdoctor's failed probe:
 * with two looks, a PONG younger than the time between them arrived after the first look's probe had
 * got no answer, which a block for everyone would have stopped. With one look only the latest PONGs
 * can be read, so a fault seconds old looks the same.
 */
function peersHeardSince(context: RuleContext, address: string): { heard: boolean; confirmed: boolean; freshestMs: number | null } {
  const cells = (context.linksTo.get(address) ?? []).filter(
    (cell) => cell.state.kind !== "unknown" && cell.state.kind !== "missing" && !context.bus.staleCells.has(cell),
  );
  if (cells.length === 0 || !cells.every((cell) => cell.state.kind === "ok")) return { heard: false, confirmed: false, freshestMs: null };
  const ages = cells.map((cell) => (cell.state.kind === "ok" ? cell.state.pongAgeMs : null)).filter((age): age is number => age !== null);
  const freshestMs = ages.length === 0 ? null : Math.min(...ages);
  const looks = context.looks;
  const failedBefore = looks?.earlier.nodes.find((node) => node.address === address)?.busProbe?.state;
  const confirmed = looks !== null && freshestMs !== null && freshestMs < looks.intervalMs && (failedBefore === "timeout" || failedBefore === "unreachable");
  return { heard: true, confirmed, freshestMs };
}

/**
 * Only busdoctor's own probe fails while every peer hears the node. Confirmed by a second look (the
 * peers heard it after the probe failed), it is a note; from one look it may be a fault seconds old,
 * so it is a warning that says it cannot tell yet. Nodes in the same case on the same port are one finding.
 */
function toolOnly(context: RuleContext): Finding[] {
  const involved = new Set(context.bus.brokenCells.flatMap((cell) => [cell.observer, cell.peer]));
  const cut = [...context.bus.judged]
    .map((address) => context.nodeAt.get(address))
    .filter(
      (node): node is NodeSummary =>
        node !== undefined && !involved.has(node.address) && (node.busProbe?.state === "timeout" || node.busProbe?.state === "unreachable"),
    )
    .map((node) => ({ node, address: node.address, ...peersHeardSince(context, node.address) }))
    .filter((entry) => entry.heard);
  return groupBy(cut, (entry) => `${entry.confirmed} ${busPortOf(entry.node)}`).map((group): Finding => {
    const addresses = group.map((entry) => entry.address);
    const names = joinNames(addresses);
    const one = group.length === 1;
    const evidence = group.flatMap((entry) => [
      ...busProbeEvidence(entry.node),
      {
        source: TOOL,
        what: "link matrix",
        detail: `every peer's link to ${entry.address} answers${entry.freshestMs === null ? "" : ` (latest PONG ${entry.freshestMs} ms ago)`}`,
      },
    ]);
    if (group[0]?.confirmed) {
      return {
        code: "BUS_PORT_BLOCKED",
        severity: "info",
        nodes: addresses,
        summary: `busdoctor's host cannot reach the bus port of ${names}, but ${one ? "its" : "their"} peers can`,
        evidence: [
          ...evidence,
          {
            source: TOOL,
            what: "two looks",
            detail: `the peers heard ${one ? "it" : "them"} within the ${seconds(context.looks?.intervalMs ?? 0)} since busdoctor's first probe got no answer`,
          },
        ],
        explanation:
          "The nodes hear each other, so the cluster is fine; only the path from this host to the bus port is closed, which is normal when busdoctor runs outside the nodes' security group. Probes from here say nothing about the bus.",
        fix: [],
      };
    }
    return {
      code: "BUS_PORT_BLOCKED",
      severity: "warning",
      nodes: addresses,
      summary: `busdoctor's host gets no answer from the bus port of ${names} while ${one ? "its" : "their"} peers heard ${one ? "it" : "them"} moments ago: a block only this host sees, or a fault seconds old (not decided: one look)`,
      evidence,
      explanation:
        "Peers notice a blocked bus port only when their next PING goes unanswered, a second or more after the block; until then a fresh block and a path closed only from busdoctor's host look the same. A second look a moment later tells them apart (check takes one unless --no-resample).",
      fix: [{ where: "to decide", lines: [`busdoctor check ${addresses[0]}   # looks twice when one snapshot cannot tell`] }],
    };
  });
}

export const busPortBlocked: Rule = {
  code: "BUS_PORT_BLOCKED",
  kind: "cause",
  check(context) {
    if (context.bus.everyPairBroken) return everywhere(context);
    return [...isolatedNodes(context), ...blockedPairs(context), ...toolOnly(context)];
  },
};
