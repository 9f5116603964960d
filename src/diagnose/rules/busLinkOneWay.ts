// BUS_LINK_ONE_WAY: bus traffic fails in one direction only. Redis 7 counts any data from a node,
// even over the node's own outbound link, as a sign of life, so an inbound-only block keeps
// cluster_state:ok with no PFAIL at all. The trace is in the peers' views: ping-sent for the node
// stays non-zero and grows, e.g.
//   a1b2... 127.0.0.3:6379@16379 master - 1732600001000 1732599990000 3 connected 10923-16383
import { formatAddress } from "../../cluster/address.js";
import type { Finding } from "../../model/finding.js";
import { someCells } from "../evidence.js";
import { busBlockedFixes } from "../fixes/bus.js";
import type { IsolatedNode } from "../bus.js";
import type { Rule, RuleContext } from "../rule.js";
import { anyViewFailing, busPortOf, busProbeEvidence, busTarget, peerIps, refusesBus } from "./busShared.js";

const LATENT =
  "Redis 7 treats any data received from a node as a sign of life, so a one-way block can leave cluster_state:ok with no PFAIL: a latent fault that becomes an outage with the next rule change, node restart or failover (votes need both directions).";

function isolatedFinding(context: RuleContext, isolated: IsolatedNode): Finding | null {
  const node = context.nodeAt.get(isolated.node);
  if (!node || isolated.direction === "both") return null;
  // An inbound cut with a refusing port is BUS_PORT_NOT_LISTENING, the more precise name.
  if (isolated.direction === "in" && refusesBus(node)) return null;
  const port = busPortOf(node);
  const inbound = isolated.direction === "in";
  // The other direction works: say so from the views that show it, as the contrast that proves one-way.
  const working = (inbound ? context.linksFrom.get(node.address) : context.linksTo.get(node.address)) ?? [];
  const healthy = working.filter((cell) => cell.state.kind === "ok");
  const contrast = {
    source: inbound ? node.address : "busdoctor",
    what: "CLUSTER NODES",
    detail: inbound
      ? `${node.address} hears ${healthy.length} of ${working.length} peers fine: its own pings to them are answered`
      : `${healthy.length} of ${working.length} peers hear ${node.address} fine: their pings to it are answered`,
  };
  return {
    code: "BUS_LINK_ONE_WAY",
    severity: anyViewFailing(context) ? "critical" : "warning",
    nodes: [node.address],
    summary: inbound
      ? `peers cannot reach the bus port of ${node.address} (${port}), while it reaches theirs: inbound bus traffic to ${node.address} is blocked`
      : `${node.address} cannot reach its peers' bus ports, while they reach its own: outbound bus traffic from ${node.address} is blocked`,
    evidence: inbound
      ? [...busProbeEvidence(node), ...someCells(isolated.inbound, 5), contrast]
      : [...someCells(isolated.outbound, 5), contrast, ...busProbeEvidence(node)],
    explanation: inbound
      ? `The rules of ${node.address} (its host firewall, security group or NetworkPolicy ingress) drop connections to port ${port}, but let it dial out. ${LATENT}`
      : `The egress rules of ${node.address} (host firewall output chain, security group egress, NetworkPolicy egress) drop its connections to port ${port}, but peers can dial in. ${LATENT}`,
    fix: busBlockedFixes(busTarget(node), isolated.direction, peerIps(context, [node.address])),
  };
}

/** One observer cannot reach one peer's bus while the reverse works. */
function strayFindings(context: RuleContext): Finding[] {
  const stray = context.bus.strayPairs;
  const findings: Finding[] = [];
  for (const cell of stray) {
    if (stray.some((other) => other.observer === cell.peer && other.peer === cell.observer)) continue;
    const peer = context.nodeAt.get(cell.peer);
    if (!peer) continue;
    findings.push({
      code: "BUS_LINK_ONE_WAY",
      severity: anyViewFailing(context) ? "critical" : "warning",
      nodes: [cell.observer, cell.peer],
      summary: `${cell.observer} cannot reach the bus port of ${cell.peer}, while ${cell.peer} reaches ${cell.observer}`,
      evidence: someCells([cell]),
      explanation: `A rule on the path from ${cell.observer} to ${formatAddress(busTarget(peer).ip, busPortOf(peer))} (egress of the first or ingress of the second) drops the connection. ${LATENT}`,
      fix: busBlockedFixes(busTarget(peer), "in", peerIps(context, context.bus.judged.filter((a) => a !== cell.observer))),
    });
  }
  return findings;
}

export const busLinkOneWay: Rule = {
  code: "BUS_LINK_ONE_WAY",
  kind: "cause",
  check(context) {
    if (context.bus.everyPairBroken) return [];
    const findings = context.bus.isolated.map((isolated) => isolatedFinding(context, isolated)).filter((f) => f !== null);
    return [...findings, ...strayFindings(context)];
  },
};
