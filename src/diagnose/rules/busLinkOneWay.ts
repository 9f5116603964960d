// BUS_LINK_ONE_WAY: bus traffic fails in one direction only. Redis 7 counts any data from a node,
// even over the node's own outbound link, as a sign of life, so an inbound-only block keeps
// cluster_state:ok with no PFAIL at all. The trace is in the peers' views: ping-sent for the node
// stays non-zero and grows, e.g.
//   a1b2... 127.0.0.3:6379@16379 master - 1732600001000 1732599990000 3 connected 10923-16383
import { formatAddress } from "../../cluster/address.js";
import type { NodeSummary } from "../../model/analysis.js";
import type { Evidence, Finding } from "../../model/finding.js";
import { someCells } from "../evidence.js";
import { busBlockedFixes } from "../fixes/bus.js";
import type { Rule, RuleContext } from "../rule.js";
import { anyViewFailing, busPortOf, busProbeEvidence, busTarget, groupTarget, isolatedGroups, peerIps, refusesBus, type IsolatedEntry } from "./busShared.js";

const LATENT =
  "Redis 7 treats any data received from a node as a sign of life, so a one-way block can leave cluster_state:ok with no PFAIL: a latent fault that becomes an outage with the next rule change, node restart or failover (votes need both directions).";

/** The other direction works: said from the views that show it, as the contrast that proves one-way. */
function contrast(context: RuleContext, node: NodeSummary, inbound: boolean): Evidence {
  const working = ((inbound ? context.linksFrom.get(node.address) : context.linksTo.get(node.address)) ?? []).filter(
    (cell) => !context.bus.staleCells.has(cell),
  );
  const healthy = working.filter((cell) => cell.state.kind === "ok");
  return {
    source: inbound ? node.address : "busdoctor",
    what: "CLUSTER NODES",
    detail: inbound
      ? `${node.address} hears ${healthy.length} of ${working.length} peers fine: its own pings to them are answered`
      : `${healthy.length} of ${working.length} peers hear ${node.address} fine: their pings to it are answered`,
  };
}

/** Nodes cut one way; those cut the same way on the same port make one finding naming all of them. */
function isolatedFindings(context: RuleContext): Finding[] {
  // An inbound cut with a refusing port is BUS_PORT_NOT_LISTENING, the more precise name.
  const keep = ({ isolated, node }: IsolatedEntry): boolean => isolated.direction !== "both" && !(isolated.direction === "in" && refusesBus(node));
  return isolatedGroups(context, keep, (entry) => `${entry.isolated.direction} ${busPortOf(entry.node)}`).map(
    ({ entries, nodes, addresses, names, one, port }) => {
      const inbound = entries[0]?.isolated.direction === "in";
      const share = Math.max(2, Math.floor(6 / nodes.length));
      return {
        code: "BUS_LINK_ONE_WAY",
        severity: anyViewFailing(context) ? "critical" : "warning",
        nodes: addresses,
        summary: inbound
          ? `peers cannot reach the bus port of ${names} (${port}), while ${one ? "it reaches" : "they reach"} theirs: inbound bus traffic to ${names} is blocked`
          : `${names} cannot reach ${one ? "its" : "their"} peers' bus ports, while they reach ${one ? "its own" : "theirs"}: outbound bus traffic from ${names} is blocked`,
        evidence: entries.flatMap(({ node, isolated }) =>
          inbound
            ? [...busProbeEvidence(node), ...someCells(isolated.inbound, share), contrast(context, node, true)]
            : [...someCells(isolated.outbound, share), contrast(context, node, false), ...busProbeEvidence(node)],
        ),
        explanation: inbound
          ? `The rules of ${names} (host firewall, security group or NetworkPolicy ingress) drop connections to port ${port}, but let ${one ? "it" : "them"} dial out. ${LATENT}`
          : `The egress rules of ${names} (host firewall output chain, security group egress, NetworkPolicy egress) drop ${one ? "its" : "their"} connections to port ${port}, but peers can dial in. ${LATENT}`,
        fix: busBlockedFixes(groupTarget(nodes), inbound ? "in" : "out", peerIps(context, addresses)),
      };
    },
  );
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
      fix: busBlockedFixes(
        busTarget(peer),
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

export const busLinkOneWay: Rule = {
  code: "BUS_LINK_ONE_WAY",
  kind: "cause",
  check(context) {
    if (context.bus.everyPairBroken) return [];
    return [...isolatedFindings(context), ...strayFindings(context)];
  },
};
