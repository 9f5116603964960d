// A `check` run as the renderers read it: the snapshot diagnosed, with the exit code its health means.
import { diagnose } from "../diagnose/index.js";
import type { Health } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import type { CheckReport } from "../render/report.js";

/**
 * `exitCodeOf` is the CLI's mapping of health to exit codes (only src/cli decides exit codes); the
 * report carries the result so that every format can state it.
 */
export function buildReport(snapshot: Snapshot, exitCodeOf: (health: Health) => number): CheckReport {
  const { analysis, diagnosis } = diagnose(snapshot);
  const first = snapshot.firstLook;
  return {
    generatedAt: new Date(snapshot.takenAtMs).toISOString(),
    seeds: snapshot.seeds,
    durationMs: snapshot.finishedAtMs - snapshot.takenAtMs,
    firstLookMs: first ? first.finishedAtMs - first.takenAtMs : null,
    waitedMs: first ? Math.max(0, snapshot.takenAtMs - first.finishedAtMs) : null,
    analysis,
    diagnosis,
    exitCode: exitCodeOf(diagnosis.health),
  };
}
