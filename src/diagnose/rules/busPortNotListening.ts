// BUS_PORT_NOT_LISTENING: the announced bus port (`@cport` in CLUSTER NODES) refuses connections and
// peers cannot reach it. Over the network a closed port and a REJECT rule look the same (a reset),
// so the fix covers both: what redis-server listens on and announces, and reject rules.
import type { NodeSummary } from "../../model/analysis.js";
import type { Finding } from "../../model/finding.js";
import { someCells } from "../evidence.js";
import { busNotListeningFixes } from "../fixes/bus.js";
import type { Rule, RuleContext } from "../rule.js";
import { byAddress, joinNames } from "../words.js";
import {
  announcedPortMismatch,
  busPortOf,
  busProbeEvidence,
  busTarget,
  failureReportEvidence,
  groupBy,
  groupTarget,
  isolatedGroups,
  refusesBus,
  type IsolatedEntry,
} from "./busShared.js";

const EXPLANATION =
  "Peers dial the bus port the node announces in CLUSTER NODES (ip:port@cport). Connections to it are refused: either redis-server does not listen there (cluster-port differs from cluster-announce-bus-port, a container or NAT mapping is missing) or a firewall rule REJECTs it with a reset. Without the bus, peers mark the node PFAIL, then FAIL, and the cluster loses its slots until a replica takes over.";

function everywhere(context: RuleContext): Finding[] {
  const nodes = context.bus.judged.map((address) => context.nodeAt.get(address)).filter((node) => node !== undefined);
  const first = nodes[0];
  if (!first || !nodes.every(refusesBus)) return [];
  return [
    {
      code: "BUS_PORT_NOT_LISTENING",
      severity: "critical",
      nodes: nodes.map((node) => node.address).sort(byAddress),
      summary: `every node's announced bus port refuses connections (${busPortOf(first)}): no bus link can be made`,
      evidence: [...nodes.slice(0, 6).flatMap(busProbeEvidence), ...someCells(context.bus.brokenCells, 4)],
      explanation: EXPLANATION,
      fix: busNotListeningFixes(busTarget(first)),
    },
  ];
}

/** One finding per group of refusing nodes with the same announced port and the same reach (latent or not). */
/**
 * A node that announces a bus port nothing listens on (refused) while it listens on another, before any
 * peer has failed with it: links made before the change still work, and every peer that re-dials (the
 * new announcement reaches it with the next PING) will be refused.
 */
function announcedElsewhere(context: RuleContext): Finding[] {
  const isolated = new Set(context.bus.isolated.map((entry) => entry.node));
  const unreached = new Set(context.bus.brokenCells.map((cell) => cell.peer));
  const waiting = context.analysis.nodes
    .filter((node) => node.response.kind === "answering" && refusesBus(node) && !isolated.has(node.address) && !unreached.has(node.address))
    .map((node) => ({ node, address: node.address, mismatch: announcedPortMismatch(context, node) }))
    .filter((entry) => entry.mismatch !== null);
  return groupBy(waiting, (entry) => `${busPortOf(entry.node)} ${entry.mismatch?.listening}`).map((group): Finding => {
    const nodes = group.map((entry) => entry.node);
    const addresses = nodes.map((node) => node.address);
    const one = nodes.length === 1;
    return {
      code: "BUS_PORT_NOT_LISTENING",
      severity: "warning",
      nodes: addresses,
      summary: `${joinNames(addresses)} ${one ? "announces" : "announce"} bus port ${busPortOf(nodes[0] as NodeSummary)}, which refuses connections: ${one ? "it listens" : "they listen"} on ${group[0]?.mismatch?.listening}; peers that re-dial it will fail`,
      evidence: group.flatMap((entry) => [...[entry.mismatch?.evidence].filter((line) => line !== undefined), ...busProbeEvidence(entry.node)]),
      explanation: `${EXPLANATION} The links the peers made before the announcement changed still work; each peer that re-dials (after a reconnect, a restart, or as soon as the new address reaches it) is refused.`,
      fix: busNotListeningFixes(groupTarget(nodes)),
    };
  });
}

export const busPortNotListening: Rule = {
  code: "BUS_PORT_NOT_LISTENING",
  kind: "cause",
  check(context) {
    if (context.bus.everyPairBroken) return everywhere(context);
    // Only the inbound side depends on this node's port; a node that only cannot dial out is one-way.
    const keep = ({ isolated, node }: IsolatedEntry): boolean => isolated.direction !== "out" && refusesBus(node);
    const keyOf = ({ isolated, node }: IsolatedEntry): string =>
      `${isolated.direction} ${busPortOf(node)} ${announcedPortMismatch(context, node)?.listening ?? ""}`;
    const found = isolatedGroups(context, keep, keyOf).map(({ entries, nodes, addresses, names, one, port }): Finding => {
      const latent = entries[0]?.isolated.direction === "in";
      const mismatch = entries[0] ? announcedPortMismatch(context, entries[0].node) : null;
      const share = Math.max(2, Math.floor(6 / nodes.length));
      return {
        code: "BUS_PORT_NOT_LISTENING",
        severity: latent && !context.analysis.nodes.some((n) => n.clusterState === "fail") ? "warning" : "critical",
        nodes: addresses,
        summary: mismatch
          ? `${names} ${one ? "announces" : "announce"} bus port ${port}, which refuses connections: ${one ? "it listens" : "they listen"} on ${mismatch.listening}`
          : `the announced bus port of ${names} (${port}) refuses connections; peers cannot reach ${one ? "it" : "them"}`,
        evidence: entries.flatMap((entry) => [
          ...[announcedPortMismatch(context, entry.node)?.evidence].filter((line) => line !== undefined),
          ...busProbeEvidence(entry.node),
          ...someCells(entry.isolated.inbound, share),
          ...failureReportEvidence(context, entry.node),
        ]),
        explanation: latent
          ? `${EXPLANATION} Here ${one ? "the node still dials its" : "the nodes still dial their"} peers, and Redis 7 counts that traffic as a sign of life, so the cluster can still report ok: a latent fault.`
          : EXPLANATION,
        fix: busNotListeningFixes(groupTarget(nodes)),
      };
    });
    return [...found, ...announcedElsewhere(context)];
  },
};
