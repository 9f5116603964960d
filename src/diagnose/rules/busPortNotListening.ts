// BUS_PORT_NOT_LISTENING: the announced bus port (`@cport` in CLUSTER NODES) refuses connections and
// peers cannot reach it. Over the network a closed port and a REJECT rule look the same (a reset),
// so the fix covers both: what redis-server listens on and announces, and reject rules.
import type { NodeSummary } from "../../model/analysis.js";
import type { Finding } from "../../model/finding.js";
import type { IsolatedNode } from "../bus.js";
import { someCells } from "../evidence.js";
import { busNotListeningFixes } from "../fixes/bus.js";
import type { Rule, RuleContext } from "../rule.js";
import { byAddress, joinNames } from "../words.js";
import { announcedPortMismatch, busPortOf, busProbeEvidence, busTarget, failureReportEvidence, groupBy, groupTarget, refusesBus } from "./busShared.js";

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
export const busPortNotListening: Rule = {
  code: "BUS_PORT_NOT_LISTENING",
  kind: "cause",
  check(context) {
    if (context.bus.everyPairBroken) return everywhere(context);
    // Only the inbound side depends on this node's port; a node that only cannot dial out is one-way.
    const refusing = context.bus.isolated
      .filter((isolated) => isolated.direction !== "out")
      .map((isolated) => ({ isolated, node: context.nodeAt.get(isolated.node) }))
      .filter((entry): entry is { isolated: IsolatedNode; node: NodeSummary } => entry.node !== undefined && refusesBus(entry.node))
      .map((entry) => ({ ...entry, address: entry.node.address, mismatch: announcedPortMismatch(context, entry.node) }));
    return groupBy(refusing, (entry) => `${entry.isolated.direction} ${busPortOf(entry.node)} ${entry.mismatch?.listening ?? ""}`).map((group): Finding => {
      const nodes = group.map((entry) => entry.node);
      const addresses = nodes.map((node) => node.address);
      const names = joinNames(addresses);
      const one = nodes.length === 1;
      const port = busPortOf(nodes[0] as NodeSummary);
      const latent = group[0]?.isolated.direction === "in";
      const mismatch = group[0]?.mismatch ?? null;
      const share = Math.max(2, Math.floor(6 / nodes.length));
      return {
        code: "BUS_PORT_NOT_LISTENING",
        severity: latent && !context.analysis.nodes.some((n) => n.clusterState === "fail") ? "warning" : "critical",
        nodes: addresses,
        summary: mismatch
          ? `${names} ${one ? "announces" : "announce"} bus port ${port}, which refuses connections: ${one ? "it listens" : "they listen"} on ${mismatch.listening}`
          : `the announced bus port of ${names} (${port}) refuses connections; peers cannot reach ${one ? "it" : "them"}`,
        evidence: group.flatMap((entry) => [
          ...(entry.mismatch ? [entry.mismatch.evidence] : []),
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
  },
};
