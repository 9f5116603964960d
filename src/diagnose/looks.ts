// Two looks a moment apart, compared: what one snapshot cannot tell (a bus port that stopped answering,
// links that answer again, a fault that spreads or fades) shows as the difference between them.
// Pure: both looks come from the snapshot (`firstLook` holds the earlier one).
import type { ClusterAnalysis } from "../model/analysis.js";
import type { LinkCell } from "../model/links.js";
import type { ProbeState, Snapshot, SnapshotLook } from "../model/snapshot.js";
import { analyze, type AnalyzeOptions } from "./analyze/index.js";
import { isLinkBroken } from "./analyze/linkState.js";

export interface LookComparison {
  /** From the first look's start to the second's. */
  intervalMs: number;
  reasons: string[];
  earlier: ClusterAnalysis;
  /** Nodes whose bus port answered busdoctor's probe in the first look. */
  busAnsweredBefore: Set<string>;
  /** Nodes whose bus probe got no answer in the first look and is answered now. */
  busAnswersAgain: Set<string>;
  /** Each node's client-port probe and answer in the first look, for down vs unreachable. */
  clientProbeBefore: Map<string, ProbeState>;
  /** Directed links broken in the first look. */
  brokenBefore: number;
  /** Broken then, working now; working then, broken now. */
  healed: LinkCell[];
  newlyBroken: LinkCell[];
}

/** The first look as a snapshot of its own (same settings and seeds), to analyse it the same way. */
export function lookSnapshot(snapshot: Snapshot, look: SnapshotLook): Snapshot {
  return { ...snapshot, takenAtMs: look.takenAtMs, finishedAtMs: look.finishedAtMs, nodes: look.nodes, baseline: null, firstLook: null };
}

function brokenKeys(analysis: ClusterAnalysis): Map<string, LinkCell> {
  const thresholds = { pendingMs: analysis.pendingThresholdMs, pongStaleMs: analysis.pongStaleThresholdMs };
  const broken = new Map<string, LinkCell>();
  for (const cell of analysis.links) if (isLinkBroken(cell.state, thresholds)) broken.set(`${cell.observer}>${cell.peer}`, cell);
  return broken;
}

/** Cells of `analysis` for the given observer>peer keys that it reads as working (known and not broken). */
function workingIn(analysis: ClusterAnalysis, keys: ReadonlySet<string>): Map<string, LinkCell> {
  const thresholds = { pendingMs: analysis.pendingThresholdMs, pongStaleMs: analysis.pongStaleThresholdMs };
  const working = new Map<string, LinkCell>();
  if (keys.size === 0) return working;
  for (const cell of analysis.links) {
    const key = `${cell.observer}>${cell.peer}`;
    if (keys.has(key) && cell.state.kind !== "unknown" && cell.state.kind !== "missing" && !isLinkBroken(cell.state, thresholds)) working.set(key, cell);
  }
  return working;
}

export function compareLooks(snapshot: Snapshot, analysis: ClusterAnalysis, options: AnalyzeOptions = {}): LookComparison | null {
  const look = snapshot.firstLook;
  if (!look) return null;
  const earlier = analyze(lookSnapshot(snapshot, look), options);
  const before = brokenKeys(earlier);
  const now = brokenKeys(analysis);
  const healedNow = workingIn(analysis, new Set([...before.keys()].filter((key) => !now.has(key))));
  const workedBefore = workingIn(earlier, new Set([...now.keys()].filter((key) => !before.has(key))));
  const probeBefore = new Map(earlier.nodes.map((node) => [node.address, node]));
  const busAnswersAgain = new Set(
    analysis.nodes
      .filter((node) => node.busProbe?.state === "open" && probeBefore.get(node.address)?.busProbe?.state === "timeout")
      .map((node) => node.address),
  );
  return {
    intervalMs: snapshot.takenAtMs - look.takenAtMs,
    reasons: look.reasons,
    earlier,
    busAnsweredBefore: new Set(earlier.nodes.filter((node) => node.busProbe?.state === "open").map((node) => node.address)),
    busAnswersAgain,
    clientProbeBefore: new Map(earlier.nodes.map((node) => [node.address, node.clientProbe.state])),
    brokenBefore: before.size,
    healed: [...healedNow.values()],
    newlyBroken: [...workedBefore.values()],
  };
}
