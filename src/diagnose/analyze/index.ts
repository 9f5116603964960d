// snapshot -> ClusterAnalysis: every node's own view parsed, one summary row per node, and the
// observer -> peer link matrix. Pure: reads the snapshot only.
import type { ClusterAnalysis, NodeView } from "../../model/analysis.js";
import type { Snapshot } from "../../model/snapshot.js";
import { serverLabel } from "../../cluster/server.js";
import { SharedNodeValues } from "../../parse/nodeValues.js";
import { linkMatrix } from "./linkMatrix.js";
import { linkThresholds } from "./linkState.js";
import { majority } from "./majority.js";
import { EntryTallies, summarize } from "./summaries.js";
import { readView } from "./views.js";

/**
 * Node ids as every view lists them under the given addresses, to name a node that did not answer.
 * Only for those addresses: a node that answered names itself (CLUSTER MYID).
 */
function idsByAddress(views: readonly NodeView[], addresses: ReadonlySet<string>): Map<string, string[]> {
  const byAddress = new Map<string, string[]>();
  if (addresses.size === 0) return byAddress;
  for (const view of views) {
    for (const entry of view.nodes ?? []) {
      if (!addresses.has(entry.address)) continue;
      const list = byAddress.get(entry.address);
      if (list) list.push(entry.id);
      else byAddress.set(entry.address, [entry.id]);
    }
  }
  return byAddress;
}

/** How many answering nodes run each server, most first: "Redis 6.2.16" x 6. */
function serverCounts(views: readonly NodeView[]): ClusterAnalysis["servers"] {
  const counts = new Map<string, number>();
  for (const view of views) {
    if (view.server !== null) counts.set(serverLabel(view.server), (counts.get(serverLabel(view.server)) ?? 0) + 1);
  }
  return [...counts].map(([server, nodes]) => ({ server, nodes })).sort((a, b) => b.nodes - a.nodes || a.server.localeCompare(b.server));
}

export interface AnalyzeOptions {
  /**
   * Count a PING pending longer than this as a fault, instead of the threshold derived from the node
   * timeout: `watch` reads its samples with a few hundred ms (well past the round trip it observes).
   */
  pendingThresholdMs?: number;
}

export function analyze(snapshot: Snapshot, options: AnalyzeOptions = {}): ClusterAnalysis {
  const shared = new SharedNodeValues();
  const entryTallies = new EntryTallies();
  const nodeIndexes: number[] = []; // refilled by each readView
  const read = snapshot.nodes.map((node) => {
    const one = readView(node, shared, nodeIndexes);
    if (one.view.nodes !== null) entryTallies.add(one.view.nodes, nodeIndexes);
    return one;
  });
  const views = read.map(({ view }) => view);
  const tallies = entryTallies.finish(views);
  const idsAt = idsByAddress(views, new Set(snapshot.nodes.filter((_, index) => views[index]?.myId === null).map((node) => node.address)));
  const nodes = snapshot.nodes.map((node, index) => {
    const view = views[index] as NodeView;
    const id = view.myId ?? majority(idsAt.get(node.address) ?? []);
    return summarize(node, view, id, tallies);
  });
  const nodeTimeoutMs = majority(views.map((view) => view.nodeTimeoutMs).filter((value): value is number => value !== null));
  const derived = linkThresholds(nodeTimeoutMs);
  const thresholds = options.pendingThresholdMs === undefined ? derived : { ...derived, pendingMs: options.pendingThresholdMs };
  return {
    nodes,
    views,
    links: linkMatrix(snapshot, nodes, read, thresholds),
    servers: serverCounts(views),
    linksFromNodesOnly: views.filter((view) => view.linksUnsupported).map((view) => view.observer),
    nodeTimeoutMs,
    pendingThresholdMs: thresholds.pendingMs,
    pongStaleThresholdMs: thresholds.pongStaleMs,
    outOfScope: snapshot.outOfScope ?? [],
  };
}
