// The early warning: `check`'s own diagnosis, run on each sample with a much shorter pending threshold
// (a few hundred ms, well past the round trip the monitor observes, instead of a second) and with the
// previous sample as its first look, so a blocked bus is named within a couple of seconds of the fault
// instead of after the node timeout Redis waits for PFAIL. Every finding comes from `diagnose`: the
// monitor adds timing, not verdicts. Pure.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { Diagnosis, Finding } from "../model/finding.js";
import type { LinkCell } from "../model/links.js";
import type { Snapshot, SnapshotLook } from "../model/snapshot.js";
import { isLinkBroken } from "../diagnose/analyze/linkState.js";
import { diagnose } from "../diagnose/index.js";

export interface EarlyPicture {
  thresholdMs: number;
  analysis: ClusterAnalysis;
  diagnosis: Diagnosis;
  /** Cells broken under the early threshold. */
  broken: LinkCell[];
  /** The node most broken cells involve, when one stands out: its bus port gets probed. */
  suspect: string | null;
  /**
   * The evidence is still too thin to name the cause (a node cut one way with nothing yet about the
   * other way, two nodes failing only with each other): diagnose's reasons for another look.
   */
  undecided: boolean;
}

function mostInvolved(broken: readonly LinkCell[]): string | null {
  const counts = new Map<string, number>();
  for (const cell of broken) for (const node of [cell.observer, cell.peer]) counts.set(node, (counts.get(node) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || (second && second[1] === first[1])) return null;
  return first[0];
}

/** `busAnswered`: nodes whose bus port answered the monitor in any sample so far (see looks.ts). */
export function earlyPicture(snapshot: Snapshot, firstLook: SnapshotLook | null, thresholdMs: number, busAnswered: ReadonlySet<string>): EarlyPicture {
  const { analysis, diagnosis } = diagnose({ ...snapshot, firstLook }, { pendingThresholdMs: thresholdMs, busAnsweredEarlier: busAnswered });
  const thresholds = { pendingMs: analysis.pendingThresholdMs, pongStaleMs: analysis.pongStaleThresholdMs };
  const broken = analysis.links.filter((cell) => isLinkBroken(cell.state, thresholds));
  return { thresholdMs, analysis, diagnosis, broken, suspect: mostInvolved(broken), undecided: diagnosis.secondLook.length > 0 };
}

/** The causes the picture names: the root cause and the co-root causes (each names all its nodes). */
export function namedCauses(picture: EarlyPicture): Finding[] {
  const { rootCause, coRootCauses } = picture.diagnosis;
  return [...(rootCause ? [rootCause] : []), ...coRootCauses];
}
