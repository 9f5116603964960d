// What every renderer reads: one `check` run, already diagnosed (src/check builds it); renderers only
// turn it into text, so the same report can be printed, saved as JSON or pasted into a ticket. The
// report says its health, not an exit code: the formats that state the exit code get it from the CLI.

import type { ClusterAnalysis } from "../model/analysis.js";
import type { Diagnosis, Finding, Health } from "../model/finding.js";

export interface CheckReport {
  /** ISO time of the snapshot (the second look's when there were two). */
  generatedAt: string;
  seeds: string[];
  /** Collection wall time of the (last) look. */
  durationMs: number;
  /** With two looks: the first look's collection time, and the wait between them (waiting, not work). */
  firstLookMs: number | null;
  waitedMs: number | null;
  analysis: ClusterAnalysis;
  diagnosis: Diagnosis;
}

/** Where a finding sits in the diagnosis: the cause, an independent cause beside it, what follows, a note. */
export type FindingRole = "root-cause" | "co-root-cause" | "consequence" | "other";

export interface PlacedFinding {
  finding: Finding;
  role: FindingRole;
}

/** Every finding once, root cause first, in the order the diagnosis gave them. */
export function placeFindings(diagnosis: Diagnosis): PlacedFinding[] {
  const placed: PlacedFinding[] = [];
  if (diagnosis.rootCause) placed.push({ finding: diagnosis.rootCause, role: "root-cause" });
  for (const finding of diagnosis.coRootCauses) placed.push({ finding, role: "co-root-cause" });
  for (const finding of diagnosis.consequences) placed.push({ finding, role: "consequence" });
  for (const finding of diagnosis.otherFindings) placed.push({ finding, role: "other" });
  return placed;
}

export const HEALTH_LABEL: Record<Health, string> = {
  healthy: "HEALTHY",
  warning: "WARNING",
  critical: "CRITICAL",
  unknown: "COULD NOT DIAGNOSE",
};

/**
 * The verdict in words, without the health label: what broke (the root cause, and how many independent
 * causes beside it), or that Redis is recovering, or what could not be read, or that nothing was found.
 */
export function verdictText(diagnosis: Diagnosis): string {
  const { rootCause, coRootCauses, phase, coverage } = diagnosis;
  if (diagnosis.health === "unknown") return `too little could be read to diagnose: ${coverage.missing[0] ?? "no node gave its view"}`;
  if (phase.name === "recovering") return phase.summary;
  if (rootCause) {
    const more =
      coRootCauses.length === 0
        ? ""
        : `; and ${plural(coRootCauses.length, "more independent cause")}: ${coRootCauses.map((finding) => finding.code).join(", ")}`;
    return `${rootCause.summary}${more}`;
  }
  if (coverage.level === "partial") return `no problem found in what could be read, but ${coverage.missing[0] ?? "some views are missing"}`;
  return "no problem found";
}

/** "1 finding", "3 findings". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
