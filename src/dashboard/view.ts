// One sample as the page draws it: nodes, the observer -> peer matrix, shards and the slot map. Pure:
// reads the analysis of the sample and the watch's own link signals (its early pending-ping threshold
// shows a blocked bus long before the node timeout does).
import type { ClusterAnalysis, NodeSummary, NodeView } from "../model/analysis.js";
import type { ClusterNodeEntry, NodeRole } from "../model/cluster.js";
import type { LinkState } from "../model/links.js";
import { countSlots, SLOT_COUNT } from "../diagnose/slots.js";
import { numberAddresses } from "../render/linkGrid.js";
import type { LinkSignals } from "../model/signals.js";
import {
  byAddress,
  type CellKind,
  type WireCell,
  type WireMatrix,
  type WireNode,
  type WireOpenSlot,
  type WireShard,
  type WireSlotRun,
  type WireSlots,
} from "./wire.js";

const KIND_OF_STATE: Record<LinkState["kind"], CellKind> = {
  ok: "ok",
  "ping-pending": "pending",
  "pong-stale": "stale",
  pfail: "pfail",
  fail: "fail",
  missing: "missing",
  unknown: "unknown",
};

export function wireRole(role: NodeRole | null): WireNode["role"] {
  return role === null ? null : role === "slave" ? "replica" : "master";
}

function ownEntry(view: NodeView | undefined): ClusterNodeEntry | undefined {
  return view?.nodes?.find((entry) => entry.myself);
}

export function wireNodes(analysis: ClusterAnalysis): WireNode[] {
  const nodes = analysis.nodes.map(
    (node: NodeSummary, index): WireNode => ({
      address: node.address,
      id: node.id,
      role: wireRole(node.role),
      master: node.role === "slave" ? node.masterAddress : null,
      epoch: ownEntry(analysis.views[index])?.configEpoch ?? null,
      response: node.response.kind === "error" ? node.response.errorKind : node.response.kind,
      state: node.clusterState,
      flagged: node.flaggedAs,
      flaggedBy: node.flaggedBy,
      listedBy: node.listedBy,
      busPort: node.busPort,
      busProbe: node.busProbe?.state ?? null,
    }),
  );
  return nodes.sort((a, b) => byAddress(a.address, b.address));
}

/**
 * The matrix: the analysis's cell, except that a link the analysis still calls ok whose PING has
 * waited past the watch's early threshold shows as pending, as the early warning reads it.
 */
export function wireMatrix(analysis: ClusterAnalysis, links: readonly LinkSignals[], thresholdMs: number): WireMatrix {
  const addresses = numberAddresses(analysis).sort(byAddress);
  const index = new Map(addresses.map((address, at) => [address, at]));
  const cells: WireCell[][] = addresses.map((_, row) => addresses.map((__, column): WireCell => (row === column ? null : ["unknown", null, null])));
  const signalOf = new Map(links.map((link) => [`${link.observer} ${link.peer}`, link]));
  for (const cell of analysis.links) {
    const row = index.get(cell.observer);
    const column = index.get(cell.peer);
    if (row === undefined || column === undefined || row === column) continue;
    const signal = signalOf.get(`${cell.observer} ${cell.peer}`);
    const pending = signal?.pingPendingMs ?? null;
    let kind = KIND_OF_STATE[cell.state.kind];
    if (kind === "ok" && pending !== null && pending >= thresholdMs) kind = "pending";
    (cells[row] as WireCell[])[column] = [kind, pending, signal?.pongAgeMs ?? null];
  }
  return { addresses, cells };
}

/** Masters with their replicas, ordered by the first slot they serve (slotless masters last). */
export function wireShards(nodes: readonly WireNode[], analysis: ClusterAnalysis): WireShard[] {
  const firstSlot = new Map(analysis.nodes.map((node) => [node.address, node.slots[0]?.start ?? SLOT_COUNT]));
  const slotCount = new Map(analysis.nodes.map((node) => [node.address, countSlots(node.slots)]));
  const masters = nodes.filter((node) => node.role === "master").sort((a, b) => (firstSlot.get(a.address) ?? 0) - (firstSlot.get(b.address) ?? 0));
  const shards = masters.map(
    (master): WireShard => ({
      master: master.address,
      replicas: nodes.filter((node) => node.role === "replica" && node.master === master.address).map((node) => node.address),
      slots: slotCount.get(master.address) ?? 0,
      epoch: master.epoch,
    }),
  );
  const placed = new Set(shards.flatMap((shard) => [shard.master, ...shard.replicas]));
  // Replicas of a master the monitor does not sample (or whose master is unknown) still show.
  const orphans = nodes.filter((node) => node.role === "replica" && !placed.has(node.address));
  for (const master of new Set(orphans.map((node) => node.master ?? "?"))) {
    shards.push({ master, replicas: orphans.filter((node) => (node.master ?? "?") === master).map((node) => node.address), slots: 0, epoch: null });
  }
  return shards;
}

/** A view's slot assignment as "start-end owner" ranges, to find the assignment most views agree on. */
function assignment(view: NodeView): string {
  const ranges = (view.nodes ?? [])
    .filter((entry) => entry.role === "master")
    .flatMap((entry) => entry.slots.map((range) => [range.start, range.end, entry.address] as const));
  return ranges
    .sort((a, b) => a[0] - b[0])
    .map(([start, end, owner]) => `${start}-${end} ${owner}`)
    .join(",");
}

/**
 * The 16384 slots as runs of one owner, from the CLUSTER NODES that most answering views agree with
 * (after a failover an isolated old master still claims its slots in its own view), with each owner's
 * state as most of its peers flag it, and the open (migrating / importing) slots every node reports.
 */
export function wireSlots(analysis: ClusterAnalysis): WireSlots {
  const answered = analysis.views.filter((view) => view.nodes !== null && view.nodes.length > 0);
  const counts = new Map<string, { view: NodeView; count: number }>();
  for (const view of answered) {
    const key = assignment(view);
    const seen = counts.get(key);
    if (seen) seen.count += 1;
    else counts.set(key, { view, count: 1 });
  }
  let best: { view: NodeView; count: number } | null = null;
  for (const candidate of counts.values()) if (best === null || candidate.count > best.count) best = candidate;
  if (best === null) return { runs: [{ start: 0, end: SLOT_COUNT - 1, owner: null, state: "unassigned" }], open: [], source: null, agreeing: 0, views: 0 };
  // An isolated node flags every peer fail?: a flag counts once most of the views that list the owner agree.
  const flagOf = new Map(analysis.nodes.map((node) => [node.address, node.flaggedBy * 2 > node.listedBy ? node.flaggedAs : null]));
  const entries = best.view.nodes ?? [];
  const owned = entries
    .filter((entry) => entry.role === "master")
    .flatMap((entry) => entry.slots.map((range) => ({ ...range, owner: entry.address })))
    .sort((a, b) => a.start - b.start);
  const runs: WireSlotRun[] = [];
  let next = 0;
  for (const range of owned) {
    if (range.start > next) runs.push({ start: next, end: range.start - 1, owner: null, state: "unassigned" });
    const flag = flagOf.get(range.owner) ?? null;
    runs.push({ start: range.start, end: range.end, owner: range.owner, state: flag === "fail" ? "fail" : flag === "fail?" ? "pfail" : "ok" });
    next = Math.max(next, range.end + 1);
  }
  if (next < SLOT_COUNT) runs.push({ start: next, end: SLOT_COUNT - 1, owner: null, state: "unassigned" });
  // A node prints its own open slots only, on its `myself` line: `[5461->-<id>]` (migrating), `[5461-<-<id>]` (importing).
  const open: WireOpenSlot[] = answered.flatMap((view) => {
    const own = ownEntry(view);
    const names = new Map((view.nodes ?? []).map((entry) => [entry.id, entry.address]));
    return (own?.migrations ?? []).map((migration) => ({
      slot: migration.slot,
      direction: migration.direction,
      node: own?.address ?? view.observer,
      peer: names.get(migration.nodeId) ?? null,
    }));
  });
  return { runs, open, source: best.view.observer, agreeing: best.count, views: answered.length };
}
