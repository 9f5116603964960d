// Failovers read off the views: a master that most views flag `fail` and list with no slots left, and
// the master now serving them. Sample (a peer's view after 127.0.0.12 was killed and its replica won):
//   7c2d... 127.0.0.12:6379@16379 master,fail - 1796139198000 1796139197000 2 disconnected
//   e1a0... 127.0.0.17:6379@16379 master - 0 1796139206674 9 connected 4096-8191
// When the old master still answers (its bus blocked), its own view names the slots it held, and the
// new master is the one that serves them now; otherwise it is the master whose config epoch the
// failover raised above every other.
import type { ClusterAnalysis, NodeSummary } from "../model/analysis.js";
import type { ClusterNodeEntry, SlotRange } from "../model/cluster.js";
import type { Failover } from "../model/phase.js";

/** The entries other views give a node id, and what most of them say. */
function othersAbout(analysis: ClusterAnalysis, id: string): ClusterNodeEntry[] {
  const entries: ClusterNodeEntry[] = [];
  for (const view of analysis.views) {
    if (view.myId === id) continue;
    const entry = view.nodes?.find((candidate) => candidate.id === id);
    if (entry) entries.push(entry);
  }
  return entries;
}

function overlaps(a: readonly SlotRange[], b: readonly SlotRange[]): boolean {
  return a.some((x) => b.some((y) => x.start <= y.end && y.start <= x.end));
}

/** A master that most other views flag `fail` and list without slots: its slots went to someone else. */
function failedOver(analysis: ClusterAnalysis, node: NodeSummary): ClusterNodeEntry[] | null {
  if (node.id === null || node.flaggedAs !== "fail" || node.flaggedBy * 2 <= node.listedBy) return null;
  const entries = othersAbout(analysis, node.id);
  const emptied = entries.filter((entry) => entry.role === "master" && entry.flags.includes("fail") && entry.slots.length === 0);
  return emptied.length * 2 > entries.length ? entries : null;
}

export function findFailovers(analysis: ClusterAnalysis): Failover[] {
  // Only a node flagged fail can have been failed over: a healthy cluster costs one pass over the summaries.
  const candidates = analysis.nodes.filter((node) => node.flaggedAs === "fail");
  if (candidates.length === 0) return [];
  const masters = analysis.nodes.filter((node) => node.role === "master" && node.flaggedAs !== "fail" && node.slots.length > 0);
  const failovers: Failover[] = [];
  const taken = new Set<string>();
  for (const old of candidates) {
    const entries = failedOver(analysis, old);
    if (entries === null) continue;
    const ownClaim = analysis.views.find((view) => view.observer === old.address)?.nodes?.find((entry) => entry.myself)?.slots ?? [];
    const oldEpoch = Math.max(0, ...entries.map((entry) => entry.configEpoch));
    const epochOf = (node: NodeSummary): number =>
      Math.max(0, ...othersAbout(analysis, node.id ?? "").map((entry) => entry.configEpoch));
    const byClaim = ownClaim.length > 0 ? masters.filter((node) => overlaps(node.slots, ownClaim)) : [];
    const byEpoch = [...masters].filter((node) => !taken.has(node.address) && epochOf(node) > oldEpoch).sort((a, b) => epochOf(b) - epochOf(a));
    const next = byClaim[0] ?? (byClaim.length === 0 && ownClaim.length === 0 ? byEpoch[0] : undefined);
    if (!next) continue;
    taken.add(next.address);
    failovers.push({
      oldMaster: old.address,
      newMaster: next.address,
      slots: next.slots,
      configEpoch: epochOf(next),
      replicas: analysis.nodes
        .filter((node) => node.masterAddress === next.address && node.role === "slave" && node.response.kind === "answering" && node.flaggedAs === null)
        .map((node) => node.address),
    });
  }
  return failovers;
}
