// What every renderer reads: one `check` run, already diagnosed. The CLI builds it; renderers only
// turn it into text, so the same report can be printed, saved as JSON or pasted into a ticket.

import type { ClusterAnalysis } from "../model/analysis.js";
import type { Diagnosis, Finding, Health } from "../model/finding.js";

export interface CheckReport {
  /** ISO time of the snapshot. */
  generatedAt: string;
  seeds: string[];
  /** Collection wall time. */
  durationMs: number;
  analysis: ClusterAnalysis;
  diagnosis: Diagnosis;
  /** 0 healthy, 1 warnings only, 2 critical (3 "could not diagnose" never reaches a renderer). */
  exitCode: number;
}

/** Where a finding sits in the diagnosis: the one cause, what follows from it, or unrelated. */
export type FindingRole = "root-cause" | "consequence" | "other";

export interface PlacedFinding {
  finding: Finding;
  role: FindingRole;
}

/** Every finding once, root cause first, in the order the diagnosis gave them. */
export function placeFindings(diagnosis: Diagnosis): PlacedFinding[] {
  const placed: PlacedFinding[] = [];
  if (diagnosis.rootCause) placed.push({ finding: diagnosis.rootCause, role: "root-cause" });
  for (const finding of diagnosis.consequences) placed.push({ finding, role: "consequence" });
  for (const finding of diagnosis.otherFindings) placed.push({ finding, role: "other" });
  return placed;
}

export const HEALTH_LABEL: Record<Health, string> = {
  healthy: "HEALTHY",
  warning: "WARNING",
  critical: "CRITICAL",
};

/**
 * The verdict in words, without the health label: the root cause's summary when there is one, else
 * the codes of what needs attention, else that nothing was found.
 */
export function verdictText(diagnosis: Diagnosis): string {
  if (diagnosis.rootCause) return diagnosis.rootCause.summary;
  const actionable = diagnosis.otherFindings.filter((finding) => finding.severity !== "info");
  if (actionable.length === 0) return "no problem found";
  const codes = [...new Set(actionable.map((finding) => finding.code))];
  return `${plural(actionable.length, "finding")}, no single root cause: ${codes.join(", ")}`;
}

/** "1 finding", "3 findings". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
