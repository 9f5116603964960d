// From what one watch sample produced to what the page shows: the chart point (kept for every sample,
// it is small), role changes, and the full state (built only when a page asks for it). Pure.
import { analyze } from "../diagnose/analyze/index.js";
import type { Snapshot } from "../model/snapshot.js";
import type { LinkSignals, SampleSignals } from "../watch/signals.js";
import { wireMatrix, wireNodes, wireRole, wireShards, wireSlots } from "./view.js";
import type { WireIncident, WireMark, WirePoint, WireRoleChange, WireState, WireValues } from "./wire.js";

/** What the dashboard keeps of a sample until a page asks: immutable once taken. */
export interface Capture {
  at: number;
  snapshot: Snapshot;
  links: readonly LinkSignals[];
  thresholdMs: number;
  roundTripMs: number;
  incidents: WireIncident[];
}

/** Rates to two decimals: the charts cannot show more, and 60 nodes send 120 of them every second. */
function rounded(rate: number | undefined): number | null {
  return rate === undefined ? null : Math.round(rate * 100) / 100;
}

export function wirePoint(signals: SampleSignals): WirePoint {
  const nodes: Record<string, WireValues> = {};
  for (const node of signals.nodes) {
    nodes[node.address] = [
      node.clusterState === null ? null : node.clusterState === "ok" ? 1 : 0,
      node.slotsPfail,
      node.slotsFail,
      rounded(node.messageRates?.["sent"]),
      rounded(node.messageRates?.["received"]),
      node.knownNodes,
      node.connectedClients,
    ];
  }
  return { at: signals.at, nodes };
}

/** Nodes whose role differs from the one they had in `before` (a failover shows as two changes). */
export function roleChanges(before: ReadonlyMap<string, WireRoleChange["to"]>, signals: SampleSignals): WireRoleChange[] {
  const changes: WireRoleChange[] = [];
  for (const node of signals.nodes) {
    const role = wireRole(node.role);
    if (role === null || !before.has(node.address)) continue;
    const from = before.get(node.address) ?? null;
    if (from !== null && from !== role) changes.push({ at: signals.at, node: node.address, from, to: role });
  }
  return changes;
}

export function buildState(capture: Capture, context: { intervalMs: number; roleChanges: WireRoleChange[]; marks: WireMark[] }): WireState {
  const analysis = analyze(capture.snapshot);
  const nodes = wireNodes(analysis);
  return {
    at: capture.at,
    intervalMs: context.intervalMs,
    thresholdMs: Math.round(capture.thresholdMs),
    roundTripMs: Math.round(capture.roundTripMs),
    nodes,
    matrix: wireMatrix(analysis, capture.links, capture.thresholdMs),
    shards: wireShards(nodes, analysis),
    slots: wireSlots(analysis),
    incidents: capture.incidents,
    roleChanges: context.roleChanges,
    marks: context.marks,
  };
}
