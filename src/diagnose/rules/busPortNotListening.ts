// BUS_PORT_NOT_LISTENING: the announced bus port (`@cport` in CLUSTER NODES) refuses connections and
// peers cannot reach it. Over the network a closed port and a REJECT rule look the same (a reset),
// so the fix covers both: what redis-server listens on and announces, and reject rules.
import type { Finding } from "../../model/finding.js";
import { someCells } from "../evidence.js";
import { busNotListeningFixes } from "../fixes/bus.js";
import type { Rule, RuleContext } from "../rule.js";
import { announcedPortMismatch, busPortOf, busProbeEvidence, busTarget, failureReportEvidence, refusesBus } from "./busShared.js";

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
      nodes: nodes.map((node) => node.address),
      summary: `every node's announced bus port refuses connections (${busPortOf(first)}): no bus link can be made`,
      evidence: [...nodes.slice(0, 6).flatMap(busProbeEvidence), ...someCells(context.bus.brokenCells, 4)],
      explanation: EXPLANATION,
      fix: busNotListeningFixes(busTarget(first)),
    },
  ];
}

export const busPortNotListening: Rule = {
  code: "BUS_PORT_NOT_LISTENING",
  kind: "cause",
  check(context) {
    if (context.bus.everyPairBroken) return everywhere(context);
    const findings: Finding[] = [];
    for (const isolated of context.bus.isolated) {
      const node = context.nodeAt.get(isolated.node);
      // Only the inbound side depends on this node's port; a node that only cannot dial out is one-way.
      if (!node || isolated.direction === "out" || !refusesBus(node)) continue;
      const latent = isolated.direction === "in";
      const mismatch = announcedPortMismatch(context, node);
      findings.push({
        code: "BUS_PORT_NOT_LISTENING",
        severity: latent && !context.analysis.nodes.some((n) => n.clusterState === "fail") ? "warning" : "critical",
        nodes: [node.address],
        summary: mismatch
          ? `${node.address} announces bus port ${busPortOf(node)}, which refuses connections: it listens on ${mismatch.listening}`
          : `the announced bus port of ${node.address} (${busPortOf(node)}) refuses connections; peers cannot reach it`,
        evidence: [...(mismatch ? [mismatch.evidence] : []), ...busProbeEvidence(node), ...someCells(isolated.inbound, 5), ...failureReportEvidence(context, node)],
        explanation: latent
          ? `${EXPLANATION} Here the node still dials its peers itself, and Redis 7 counts that traffic as a sign of life, so the cluster can still report ok: a latent fault.`
          : EXPLANATION,
        fix: busNotListeningFixes(busTarget(node)),
      });
    }
    return findings;
  },
};
