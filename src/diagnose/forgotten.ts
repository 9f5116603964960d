// Nodes that forgot the cluster: they answer, but their own CLUSTER NODES lists nobody but themselves
// and they serve no slot, as after CLUSTER RESET HARD (a new id) or a lost nodes.conf:
//   7c0f1b... 127.0.0.18:6379@16379 myself,master - 0 0 0 connected
// while the peers keep the old identity as `:0@0 slave,noaddr`. Redis never brings such a node back by
// itself (nobody knows its address any more, and it knows nobody): it must be met again. Its own view
// says nothing about the cluster, so its cluster_state:fail and its "uncovered" slots are not the
// cluster's. (A one-node cluster serving every slot is not one: it serves slots.) Pure.
import type { ClusterAnalysis } from "../model/analysis.js";

export function forgottenNodes(analysis: ClusterAnalysis): Set<string> {
  const forgotten = new Set<string>();
  for (const view of analysis.views) {
    const own = view.nodes;
    if (own === null || own.length !== 1 || !own[0]?.myself || own[0].slots.length > 0) continue;
    forgotten.add(view.observer);
  }
  return forgotten;
}
