// What the monitor hands `diagnose` as the first look: its previous sample, with each node's bus probe
// as the monitor last saw it. Bus ports are probed at discovery and then only for suspects, so most
// samples carry no probe; the last one seen is what tells that a port which answered before drops the
// handshake now (the inbound side of a block, before any peer has pinged the node since). Pure.
import type { ProbeResult, Snapshot, SnapshotLook } from "../model/snapshot.js";

/**
 * The monitor's memory of bus probes: per node, the latest one it took, except that a port seen open
 * is remembered open until a later sample carries a probe of its own (so "answered before" holds
 * across the samples that carry none). Nodes gone from the sample are forgotten.
 */
export function rememberBusProbes(memory: ReadonlyMap<string, ProbeResult>, snapshot: Snapshot): Map<string, ProbeResult> {
  const next = new Map<string, ProbeResult>();
  for (const node of snapshot.nodes) {
    const known = memory.get(node.address);
    const probe = node.probes.bus ?? known;
    if (probe) next.set(node.address, probe);
  }
  return next;
}

/**
 * Nodes whose bus port answered the monitor in any sample so far (nodes gone from the sample are
 * forgotten). The first look only tells about the previous sample; once a fault began the previous
 * sample's probe timed out too, and a port that answered before the fault would read as one that
 * never did.
 */
export function rememberBusAnswered(memory: ReadonlySet<string>, snapshot: Snapshot): Set<string> {
  return new Set(snapshot.nodes.filter((node) => memory.has(node.address) || node.probes.bus?.state === "open").map((node) => node.address));
}

/** The previous sample as the first look, each node's missing bus probe filled from memory. */
export function previousLook(previous: Snapshot | null, memory: ReadonlyMap<string, ProbeResult>): SnapshotLook | null {
  if (previous === null) return null;
  return {
    takenAtMs: previous.takenAtMs,
    finishedAtMs: previous.finishedAtMs,
    nodes: previous.nodes.map((node) => (node.probes.bus !== null ? node : { ...node, probes: { ...node.probes, bus: memory.get(node.address) ?? null } })),
    reasons: ["the monitor's previous sample"],
  };
}
