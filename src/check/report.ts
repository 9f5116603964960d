// A `check` run as the renderers read it: the snapshot diagnosed. The report carries the health; only
// src/cli turns it into an exit code.
import { diagnose, type DiagnosisResult } from "../diagnose/index.js";
import type { Snapshot } from "../model/snapshot.js";
import type { CheckReport } from "../render/report.js";

/** `diagnosed`: diagnose(snapshot) when the caller already has it. */
export function buildReport(snapshot: Snapshot, diagnosed: DiagnosisResult = diagnose(snapshot)): CheckReport {
  const { analysis, diagnosis } = diagnosed;
  const first = snapshot.firstLook;
  return {
    generatedAt: new Date(snapshot.takenAtMs).toISOString(),
    seeds: snapshot.seeds,
    durationMs: snapshot.finishedAtMs - snapshot.takenAtMs,
    firstLookMs: first ? first.finishedAtMs - first.takenAtMs : null,
    waitedMs: first ? Math.max(0, snapshot.takenAtMs - first.finishedAtMs) : null,
    analysis,
    diagnosis,
  };
}
