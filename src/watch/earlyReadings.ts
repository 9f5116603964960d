// The early warning's readings: which of `check`'s causes the early picture names (a node unresponsive
// for one sample is not believed yet), keyed like the alert already about those nodes, and held back
// for up to a second while one-way cannot be told from both-ways. Pure.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { Finding } from "../model/finding.js";
import { faultAgeMs } from "../diagnose/bus.js";
import { byAddress } from "../diagnose/words.js";
import { namedCauses, type EarlyPicture } from "./early.js";
import type { Reading } from "./events.js";
import type { TrackerState } from "./tracker.js";

/** Findings that name something to fix; `check` puts one of them first as the root cause. */
const CAUSE_CODES: ReadonlySet<string> = new Set([
  "NODE_UNREACHABLE",
  "NODE_UNRESPONSIVE",
  "NETWORK_PARTITION",
  "BUS_PORT_NOT_LISTENING",
  "BUS_PORT_BLOCKED",
  "BUS_LINK_ONE_WAY",
  "NODE_NEEDS_REJOIN",
]);

/** While one-way and both-ways cannot be told apart yet, the first alert waits this long at most... */
const MAX_CAUSE_HOLD_MS = 1000;
/** ...sampling again this often, for the node's next PING to settle it. */
export const HOLD_RECHECK_MS = 250;

/**
 * A reply slower than the timeout makes `check` call a node unresponsive; on a busy host that happens
 * once in a while, so the monitor believes it only from this many samples in a row.
 */
const UNRESPONSIVE_SAMPLES = 2;

export function causeFindings(picture: EarlyPicture, unresponsiveRounds: ReadonlyMap<string, number>): Finding[] {
  return namedCauses(picture).filter(
    (finding) =>
      CAUSE_CODES.has(finding.code) &&
      finding.severity !== "info" &&
      (finding.code !== "NODE_UNRESPONSIVE" || finding.nodes.every((node) => (unresponsiveRounds.get(node) ?? 0) >= UNRESPONSIVE_SAMPLES)),
  );
}

/** Consecutive samples in which each node was unresponsive, carried from the previous count. */
export function countUnresponsive(previous: ReadonlyMap<string, number>, analysis: ClusterAnalysis): Map<string, number> {
  const next = new Map<string, number>();
  for (const node of analysis.nodes) if (node.response.kind === "unresponsive") next.set(node.address, (previous.get(node.address) ?? 0) + 1);
  return next;
}

function brokenAround(picture: EarlyPicture, nodes: readonly string[]): EarlyPicture["broken"] {
  return picture.broken.filter((cell) => nodes.includes(cell.peer) || nodes.includes(cell.observer));
}

function earlyEvidenceLine(picture: EarlyPicture, roundTripMs: number, nodeTimeoutMs: number | null, nodes: readonly string[]): Reading["evidence"][number] {
  const cells = brokenAround(picture, nodes);
  // The same wait the evidence lines show: a flagged cell's pending PING counts as much as an unflagged one's.
  const waits = cells.map((cell) => faultAgeMs(cell.state));
  const timeout = nodeTimeoutMs === null ? "cluster-node-timeout" : `${nodeTimeoutMs} ms`;
  return {
    source: "busdoctor",
    what: "early warning",
    detail: `${cells.length} bus link(s) with a PING pending past ${picture.thresholdMs} ms (longest ${Math.max(0, ...waits)} ms; observed round trip ${Math.round(roundTripMs)} ms); Redis marks a node PFAIL only after ${timeout}`,
  };
}

/**
 * One early-warning reading per cause, keyed like the alert already about those nodes, if any. None
 * while the cluster recovers: the causes named then are the fault's leftovers (pings sent before the
 * heal, not yet answered), not a new fault.
 */
export function earlyReadings(
  tracker: TrackerState,
  picture: EarlyPicture,
  unresponsiveRounds: ReadonlyMap<string, number>,
  roundTripMs: number,
  nodeTimeoutMs: number | null,
  recovering: boolean,
): Reading[] {
  if (recovering) return [];
  const known = [...tracker.values()].filter((tracked) => tracked.code === "EARLY_WARNING");
  const readings = new Map<string, Reading>();
  for (const finding of causeFindings(picture, unresponsiveRounds)) {
    const same = known.find((tracked) => tracked.reading.nodes.some((node) => finding.nodes.includes(node)));
    const key = same?.key ?? `EARLY_WARNING:${finding.nodes.join(",")}`;
    if (readings.has(key)) continue; // the more important finding about these nodes came first
    readings.set(key, {
      key,
      code: "EARLY_WARNING",
      severity: finding.severity,
      // A firing alert keeps every node it named and takes in the ones a wider cause adds.
      nodes: same?.firing ? [...new Set([...same.reading.nodes, ...finding.nodes])].sort(byAddress) : finding.nodes,
      summary: finding.summary,
      evidence: [earlyEvidenceLine(picture, roundTripMs, nodeTimeoutMs, finding.nodes), ...finding.evidence.slice(0, 6)],
      cause: { code: finding.code, nodes: finding.nodes, summary: finding.summary },
      support: brokenAround(picture, finding.nodes).length,
    });
  }
  return [...readings.values()];
}

/** Holds back early readings that would fire a new alert while the cause's direction is not settled. */
export interface Held {
  readings: Reading[];
  /** Whether readings were held back (the loop then samples again soon). */
  holding: boolean;
  /** Since when the early warning has been held back; null when it is not. */
  holdSince: number | null;
}

export function applyHold(holdSince: number | null, firing: ReadonlySet<string>, picture: EarlyPicture, readings: Reading[], at: number): Held {
  if (!picture.undecided) return { readings, holding: false, holdSince: null };
  const since = holdSince ?? at;
  if (at - since >= MAX_CAUSE_HOLD_MS) return { readings, holding: false, holdSince: since };
  const involved = new Set(picture.broken.flatMap((cell) => [cell.observer, cell.peer]));
  const kept = readings.filter((reading) => firing.has(reading.key) || !reading.nodes.some((node) => involved.has(node)));
  return { readings: kept, holding: kept.length < readings.length, holdSince: since };
}
