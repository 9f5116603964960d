// Failovers read off the views: a node that most views flag `fail`, either listed as a master with no
// slots left or already as a replica of the master now serving them. Samples (peers' views after
// 127.0.0.12, then 127.0.0.13, was killed and its replica won):
//   7c2d... 127.0.0.12:6379@16379 master,fail - 1796139198000 1796139197000 2 disconnected
//   e1a0... 127.0.0.17:6379@16379 master - 0 1796139206674 9 connected 4096-8191
//   3f9a... 127.0.0.13:6379@16379 slave,fail edd7ac... 1796139780000 1796139779000 10 disconnected
// The new master is the one whose INFO replication shows it was promoted (a replica's history kept:
//   second_repl_offset:1234, -1 on a node that never was a replica), or that serves the slots the old
// master still claims in its own view (when its bus is blocked), or the master whose config epoch the
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

/** Whether the node's INFO replication says it was promoted from replica (`second_repl_offset` set). */
function promoted(analysis: ClusterAnalysis, node: NodeSummary): boolean {
  const view = analysis.views.find((candidate) => candidate.observer === node.address);
  const offset = view?.serverInfo?.["replication"]?.["second_repl_offset"];
  return offset !== undefined && Number(offset) >= 0;
}

/**
 * A master that most other views flag `fail` and list without slots (its slots went to someone else),
 * or list already as a replica of a promoted master: which one, when known.
 */
function failedOver(
  analysis: ClusterAnalysis,
  node: NodeSummary,
  masters: readonly NodeSummary[],
): { entries: ClusterNodeEntry[]; under: NodeSummary | null } | null {
  if (node.id === null || node.flaggedAs !== "fail" || node.flaggedBy * 2 <= node.listedBy) return null;
  const entries = othersAbout(analysis, node.id);
  const emptied = entries.filter((entry) => entry.role === "master" && entry.flags.includes("fail") && entry.slots.length === 0);
  if (emptied.length * 2 > entries.length) return { entries, under: null };
  const under = masters.find((master) => master.address === node.masterAddress) ?? null;
  return node.role === "slave" && under !== null && promoted(analysis, under) ? { entries, under } : null;
}

export function findFailovers(analysis: ClusterAnalysis): Failover[] {
  // Only a node flagged fail can have been failed over: a healthy cluster costs one pass over the summaries.
  const candidates = analysis.nodes.filter((node) => node.flaggedAs === "fail");
  if (candidates.length === 0) return [];
  const masters = analysis.nodes.filter((node) => node.role === "master" && node.flaggedAs !== "fail" && node.slots.length > 0);
  const failovers: Failover[] = [];
  const taken = new Set<string>();
  for (const old of candidates) {
    const found = failedOver(analysis, old, masters);
    if (found === null) continue;
    const { entries, under } = found;
    const ownClaim = analysis.views.find((view) => view.observer === old.address)?.nodes?.find((entry) => entry.myself)?.slots ?? [];
    const oldEpoch = Math.max(0, ...entries.map((entry) => entry.configEpoch));
    const epochOf = (node: NodeSummary): number => Math.max(0, ...othersAbout(analysis, node.id ?? "").map((entry) => entry.configEpoch));
    const byClaim = ownClaim.length > 0 ? masters.filter((node) => overlaps(node.slots, ownClaim)) : [];
    const byEpoch = [...masters].filter((node) => !taken.has(node.address) && epochOf(node) > oldEpoch).sort((a, b) => epochOf(b) - epochOf(a));
    const next =
      under ?? byClaim[0] ?? (byClaim.length === 0 && ownClaim.length === 0 ? (byEpoch.find((node) => promoted(analysis, node)) ?? byEpoch[0]) : undefined);
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
