// How long the bus links of a node have existed, from CLUSTER LINKS create-times (Redis 7.0+):
//   ["direction","to","node","18adf66a...","create-time",1795668979746,"events","r","send-buffer-allocated",0,...]
// While a node's bus is blocked its peers free and re-create their links to it about every
// cluster-node-timeout, so a link older than that proves the bus has worked at least that long: the
// difference between "just healed, Redis is converging" and "healed long ago, and still flagged".
// Read only for the few nodes a phase asks about: the analysis keeps no create-times.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { Snapshot } from "../model/snapshot.js";
import { parseClusterLinks } from "../parse/clusterLinks.js";
import { okReply } from "../parse/replies.js";

/** The age of the youngest bus link to or from the node, on each observer's clock; null when no CLUSTER LINKS tells. */
export function youngestLinkAgeMs(snapshot: Snapshot, analysis: ClusterAnalysis, address: string): number | null {
  const id = analysis.nodes.find((node) => node.address === address)?.id ?? null;
  if (id === null) return null;
  let youngest: number | null = null;
  snapshot.nodes.forEach((node, index) => {
    const view = analysis.views[index];
    const reply = okReply(node.commands.clusterLinks);
    if (reply === undefined || view?.nowMs === null || view === undefined) return;
    let links: ReturnType<typeof parseClusterLinks>;
    try {
      links = parseClusterLinks(reply);
    } catch {
      return; // the analysis already names the reply that did not parse
    }
    const own = node.address === address;
    for (const link of links) {
      if (!own && link.nodeId !== id) continue;
      const age = Math.max(0, (view.nowMs ?? 0) - link.createTimeMs);
      youngest = youngest === null ? age : Math.min(youngest, age);
    }
  });
  return youngest;
}
