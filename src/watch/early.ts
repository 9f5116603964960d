// The early warning: `check`'s own rules, run over the link matrix read with a much shorter pending
// threshold (a few hundred ms instead of a second), so a blocked bus is named within a couple of
// seconds of the fault instead of after the 15 s Redis waits for PFAIL.
//
// Early on, only the one or two peers that pinged the node since the fault have evidence; every other
// cell still shows the PONG it got before the fault and reads "healthy". `check`'s "most peers" test
// would then call a node blocked both ways "one-way" or "a pair". So for the one node the evidence
// points at (the suspect), a PONG older than its first pending ping is taken for what it is: no
// evidence either way. Pure.
import type { ClusterAnalysis, NodeSummary } from "../model/analysis.js";
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { Diagnosis, Finding } from "../model/finding.js";
import type { LinkCell, LinkState } from "../model/links.js";
import type { Snapshot } from "../model/snapshot.js";
import { isLinkBroken, isLinkKnown, linkStateOf, SharedLinkStates, type LinkThresholds } from "../diagnose/analyze/linkState.js";
import { runRules } from "../diagnose/engine.js";
import { probeSaysFiltered, withProbedInbound } from "./probedInbound.js";

export interface EarlyPicture {
  thresholdMs: number;
  diagnosis: Diagnosis;
  /** Cells broken under the early threshold. */
  broken: LinkCell[];
  /** The node most broken cells involve, when one stands out. */
  suspect: string | null;
  /**
   * The suspect is cut in one direction and nothing since the fault began tells about the other
   * (it has not pinged anyone yet, or nobody has pinged it): "one-way" and "both ways" cannot be told apart yet.
   */
  undecided: boolean;
  /** The longest wait of a ping pending below the threshold (a sample soon after it settles whether it is one). */
  longestQuietPendingMs: number | null;
  /** The observer and peer of that ping: the nodes to probe before it crosses the threshold. */
  quietPair: string[];
}

const NO_EVIDENCE: LinkState = Object.freeze({ kind: "unknown", reason: "no PONG since the first pending ping: no evidence yet" });

/** How long ago the fault showed in this cell: the pending ping's wait, or the PONG's age when none is pending. */
function faultAgeMs(state: LinkState): number {
  switch (state.kind) {
    case "ping-pending":
      return state.pendingMs;
    case "pong-stale":
      return state.pongAgeMs;
    case "pfail":
    case "fail":
      return state.pendingMs ?? state.pongAgeMs ?? 0;
    default:
      return 0;
  }
}

/** The link matrix again, each cell read with the early thresholds from the observer's own entry. */
interface Relinked {
  cells: LinkCell[];
  quiet: number | null;
  quietPair: string[];
}

function relink(analysis: ClusterAnalysis, snapshot: Snapshot, thresholds: LinkThresholds): Relinked {
  const idAt = new Map(analysis.nodes.map((node) => [node.address, node.id]));
  const viewAt = new Map(analysis.views.map((view, index) => [view.observer, { view, index }]));
  const entriesOf = new Map<string, Map<string, ClusterNodeEntry>>();
  const shared = new SharedLinkStates();
  let quiet: number | null = null;
  let quietPair: string[] = [];
  const cells = analysis.links.map((cell) => {
    if (!isLinkKnown(cell.state)) return cell;
    const found = viewAt.get(cell.observer);
    const peerId = idAt.get(cell.peer);
    if (!found || peerId === null || peerId === undefined || found.view.nodes === null) return cell;
    let byId = entriesOf.get(cell.observer);
    if (!byId) entriesOf.set(cell.observer, (byId = new Map(found.view.nodes.map((entry) => [entry.id, entry]))));
    const entry = byId.get(peerId);
    if (!entry) return cell;
    const nowMs = found.view.nowMs ?? snapshot.nodes[found.index]?.finishedAtMs ?? snapshot.finishedAtMs;
    const state = linkStateOf(entry, nowMs, thresholds, shared);
    if (state.kind === "ok" && entry.pingSentMs > 0 && nowMs - entry.pingSentMs > (quiet ?? -1)) {
      quiet = nowMs - entry.pingSentMs;
      quietPair = [cell.observer, cell.peer];
    }
    return { ...cell, state };
  });
  return { cells, quiet, quietPair };
}

interface Candidate {
  node: string;
  broken: number;
  onsetMs: number;
  /** Cells of this node with a PONG newer than its first pending ping: it does talk to someone. */
  fresh: number;
}

function pickSuspect(cells: readonly LinkCell[], broken: readonly LinkCell[]): Candidate | null {
  const candidates = new Map<string, Candidate>();
  for (const cell of broken) {
    for (const node of [cell.observer, cell.peer]) {
      const candidate = candidates.get(node) ?? { node, broken: 0, onsetMs: 0, fresh: 0 };
      candidate.broken += 1;
      candidate.onsetMs = Math.max(candidate.onsetMs, faultAgeMs(cell.state));
      candidates.set(node, candidate);
    }
  }
  for (const cell of cells) {
    if (cell.state.kind !== "ok" || cell.state.pongAgeMs === null) continue;
    for (const node of [cell.observer, cell.peer]) {
      const candidate = candidates.get(node);
      if (candidate && cell.state.pongAgeMs < candidate.onsetMs) candidate.fresh += 1;
    }
  }
  const ranked = [...candidates.values()].sort((a, b) => b.broken - a.broken || a.fresh - b.fresh);
  const [first, second] = ranked;
  if (!first) return null;
  // Two nodes with the same evidence (each pinged only the other): the pair itself is all we know.
  if (second && second.broken === first.broken && second.fresh === first.fresh) return null;
  return first;
}

/** Cells of the suspect whose only evidence predates the fault become "unknown". */
function withoutStaleEvidence(cells: readonly LinkCell[], suspect: Candidate): LinkCell[] {
  return cells.map((cell) => {
    if (cell.observer !== suspect.node && cell.peer !== suspect.node) return cell;
    if (cell.state.kind !== "ok") return cell;
    const heardSince = cell.state.pongAgeMs !== null && cell.state.pongAgeMs < suspect.onsetMs;
    return heardSince ? cell : { ...cell, state: NO_EVIDENCE };
  });
}

/**
 * The suspect's direction that nothing since the fault tells about while the other one is cut ("in":
 * it cannot reach its peers and none has pinged it since), or null when both are known or it does not answer.
 */
function unsettledDirection(node: NodeSummary | undefined, cells: readonly LinkCell[], thresholds: LinkThresholds): "in" | "out" | null {
  // A node that does not answer is classified by how it fails (down, hung), not by its links.
  if (!node || node.response.kind !== "answering") return null;
  const suspect = node.address;
  let inKnown = 0;
  let inBroken = 0;
  let outKnown = 0;
  let outBroken = 0;
  for (const cell of cells) {
    if (!isLinkKnown(cell.state)) continue;
    const broken = isLinkBroken(cell.state, thresholds);
    if (cell.peer === suspect) {
      inKnown += 1;
      if (broken) inBroken += 1;
    } else if (cell.observer === suspect) {
      outKnown += 1;
      if (broken) outBroken += 1;
    }
  }
  if (outBroken > 0 && inKnown === 0) return "in";
  if (inBroken > 0 && outKnown === 0) return "out";
  return null;
}

export function earlyPicture(analysis: ClusterAnalysis, snapshot: Snapshot, thresholdMs: number, busAnswered: ReadonlySet<string>): EarlyPicture {
  const thresholds: LinkThresholds = { pendingMs: thresholdMs, pongStaleMs: analysis.pongStaleThresholdMs };
  const { cells, quiet, quietPair } = relink(analysis, snapshot, thresholds);
  const broken = cells.filter((cell) => isLinkBroken(cell.state, thresholds));
  const suspect = broken.length === 0 ? null : pickSuspect(cells, broken);
  const judged = suspect ? withoutStaleEvidence(cells, suspect) : cells;
  const early: ClusterAnalysis = { ...analysis, links: judged, pendingThresholdMs: thresholdMs };
  const node = suspect ? analysis.nodes.find((candidate) => candidate.address === suspect.node) : undefined;
  const unsettled = unsettledDirection(node, judged, thresholds);
  const ruled = runRules(early, null);
  // The monitor's own probe of the suspect's bus port settles the inbound side before any peer pings it.
  const probedIn = node !== undefined && unsettled === "in" && probeSaysFiltered(node, busAnswered);
  let diagnosis = ruled;
  if (probedIn) {
    const outbound = broken.filter((cell) => cell.observer === node.address);
    const peers = analysis.nodes.filter((candidate) => candidate.response.kind === "answering").map((candidate) => candidate.address);
    const sharpen = (finding: Finding): Finding => withProbedInbound(finding, node, outbound, peers);
    diagnosis = { ...ruled, rootCause: ruled.rootCause && sharpen(ruled.rootCause), otherFindings: ruled.otherFindings.map(sharpen) };
  }
  return {
    thresholdMs,
    diagnosis,
    broken,
    suspect: suspect?.node ?? null,
    undecided: broken.length > 0 && (suspect === null || (unsettled !== null && !probedIn)),
    longestQuietPendingMs: quiet,
    quietPair,
  };
}
