// NODE_NEEDS_REJOIN: most peers flag a node `fail`, yet it is reachable again (its bus port is open
// from here and no peer's ping to it is pending) and its own view is still isolated: it reports
// cluster_state:fail or sees everyone else failing. It needs to be met again.
import type { NodeSummary } from "../../model/analysis.js";
import type { Evidence, Finding } from "../../model/finding.js";
import { byAddress, joinNames } from "../words.js";
import { forEachNode } from "./busShared.js";
import { hostOf } from "../../cluster/address.js";
import { isLinkBroken, isLinkKnown } from "../analyze/linkState.js";
import { cellEvidence } from "../evidence.js";
import { rejoinFixes } from "../fixes/node.js";
import type { Rule } from "../rule.js";
import { busProbeEvidence } from "./busShared.js";

export const nodeNeedsRejoin: Rule = {
  code: "NODE_NEEDS_REJOIN",
  kind: "cause",
  check({ analysis, bus, linksTo, linksFrom }) {
    const thresholds = { pendingMs: analysis.pendingThresholdMs, pongStaleMs: analysis.pongStaleThresholdMs };
    const isolated = new Set(bus.isolated.map((entry) => entry.node));
    // Only a node that some view flags `fail` can be one: one pass over the cells finds them, so that
    // in a healthy cluster no node's cells are gathered at all. (forEach: for...of over a million
    // cells in code not yet optimized allocates a result per step.)
    const flaggedFailSomewhere = new Set<string>();
    analysis.links.forEach((cell) => {
      if (cell.state.kind === "fail") flaggedFailSomewhere.add(cell.peer);
    });
    const stuck: Array<{ node: NodeSummary; evidence: Evidence[] }> = [];
    analysis.nodes.forEach((node, index) => {
      if (node.response.kind !== "answering" || isolated.has(node.address) || bus.everyPairBroken) return;
      if (node.busProbe !== null && node.busProbe.state !== "open") return;
      if (!flaggedFailSomewhere.has(node.address)) return;
      const cells = linksTo.get(node.address) ?? [];
      let known = 0;
      let failed = 0;
      for (const cell of cells) {
        if (!isLinkKnown(cell.state)) continue;
        known += 1;
        if (cell.state.kind === "fail") failed += 1;
      }
      if (known === 0 || failed * 2 <= known) return;
      const toNode = cells.filter((cell) => isLinkKnown(cell.state));
      const flaggedFail = toNode.filter((cell) => cell.state.kind === "fail");
      if (toNode.some((cell) => isLinkBroken(cell.state, thresholds))) return;
      const view = analysis.views[index];
      const ownCells = linksFrom.get(node.address) ?? [];
      const seesOthersFailing = ownCells.length > 0 && ownCells.every((cell) => cell.state.kind === "fail" || cell.state.kind === "pfail");
      if (view?.info?.state !== "fail" && !seesOthersFailing) return;
      stuck.push({
        node,
        evidence: [
          ...busProbeEvidence(node),
          ...flaggedFail.slice(0, 3).map(cellEvidence),
          { source: node.address, what: "CLUSTER INFO", detail: `cluster_state:${view?.info?.state ?? "unknown"}` },
        ],
      });
    });
    const first = stuck[0]?.node;
    if (first === undefined) return [];
    const addresses = stuck.map((entry) => entry.node.address).sort(byAddress);
    const one = stuck.length === 1;
    const healthy = analysis.nodes.find((other) => !addresses.includes(other.address) && other.response.kind === "answering" && other.clusterState === "ok");
    const finding: Finding = {
      code: "NODE_NEEDS_REJOIN",
      severity: "critical",
      nodes: addresses,
      summary: `${joinNames(addresses)} ${one ? "is" : "are"} reachable again but the cluster still marks ${one ? "it" : "them"} failed and ${one ? "it remains" : "they remain"} isolated`,
      evidence: stuck.flatMap((entry) => entry.evidence),
      explanation:
        "The fault that isolated the node is gone, yet its peers still hold it as FAIL and it still sees itself cut off. Redis normally clears this on its own within 2 x cluster-node-timeout of the heal (that phase is reported as recovering); when it does not (its slots were taken over and its config epoch is stale), it must be met again.",
      fix: forEachNode(rejoinFixes(hostOf(first.address), first.clientPort, first.busPort, healthy?.address ?? null), addresses),
    };
    return [finding];
  },
};
