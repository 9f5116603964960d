// The cluster as the planner and the checks read it: the diagnosis's analysis of one snapshot, plus the
// extra reads made with it. Pure lookups over parsed views, nothing decided here.
import type { ClusterAnalysis, NodeSummary, NodeView } from "../model/analysis.js";
import type { ClusterNodeEntry } from "../model/cluster.js";
import { analyze } from "../diagnose/analyze/index.js";
import { readBus, type BusPicture } from "../diagnose/bus.js";
import type { ReadResult } from "./evidence.js";
import type { Reading } from "./evidence.js";

export interface ClusterReading {
  analysis: ClusterAnalysis;
  bus: BusPicture;
  reads: readonly ReadResult[];
  /** busdoctor's clock when the snapshot was finished. */
  takenAtMs: number;
}

export function readCluster(reading: Reading, analysis: ClusterAnalysis = analyze(reading.snapshot)): ClusterReading {
  return { analysis, bus: readBus(analysis), reads: reading.reads, takenAtMs: reading.snapshot.finishedAtMs };
}

/** A node's own view, with its CLUSTER NODES, when it answered. */
export interface AnsweringView {
  node: NodeSummary;
  view: NodeView;
  entries: readonly ClusterNodeEntry[];
  /** Its own `myself` line. */
  own: ClusterNodeEntry;
}

export function answeringViews(analysis: ClusterAnalysis): AnsweringView[] {
  const views: AnsweringView[] = [];
  analysis.nodes.forEach((node, index) => {
    const view = analysis.views[index];
    const entries = view?.nodes;
    const own = entries?.find((entry) => entry.myself);
    if (node.response.kind === "answering" && view && entries && own) views.push({ node, view, entries, own });
  });
  return views;
}

export function viewAt(analysis: ClusterAnalysis, address: string): AnsweringView | null {
  return answeringViews(analysis).find((view) => view.node.address === address) ?? null;
}

/** The entry for `id` in a view, handshakes aside (their ids are placeholders). */
export function entryFor(view: AnsweringView, id: string): ClusterNodeEntry | null {
  return view.entries.find((entry) => entry.id === id && !entry.flags.includes("handshake")) ?? null;
}

export function isFlaggedFail(entry: ClusterNodeEntry): boolean {
  return entry.flags.includes("fail") || entry.flags.includes("noaddr");
}

/** Ids of masters that serve slots in their own view (the owners a member of this cluster must know). */
export function slotOwnerIds(views: readonly AnsweringView[]): string[] {
  return [...new Set(views.filter((view) => view.own.role === "master" && view.own.slots.length > 0).map((view) => view.own.id))].sort();
}

export function servesSlot(entry: ClusterNodeEntry, slot: number): boolean {
  return entry.slots.some((range) => range.start <= slot && slot <= range.end);
}

/** A slot left open in a node's own view: `[5461->-<id>]` migrating to id, `[5461-<-<id>]` importing from it. */
export interface OpenSlot {
  address: string;
  id: string;
  slot: number;
  direction: "migrating" | "importing";
  peerId: string;
}

export function openSlots(views: readonly AnsweringView[]): OpenSlot[] {
  return views.flatMap((view) =>
    view.own.migrations.map((migration) => ({
      address: view.node.address,
      id: view.own.id,
      slot: migration.slot,
      direction: migration.direction,
      peerId: migration.nodeId,
    })),
  );
}

/** The answering views whose own line serves the slot. */
export function ownersOf(views: readonly AnsweringView[], slot: number): AnsweringView[] {
  return views.filter((view) => view.own.role === "master" && servesSlot(view.own, slot));
}

/** Addresses of the nodes that did not answer, by the ids views give them. */
export function silentNodes(analysis: ClusterAnalysis): NodeSummary[] {
  return analysis.nodes.filter((node) => node.response.kind !== "answering");
}
