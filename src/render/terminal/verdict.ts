// The first two lines of the terminal report: the verdict, then what was checked.

import { HEALTH_LABEL, plural, verdictText, type CheckReport } from "../report.js";
import { wrap } from "./layout.js";
import type { Style } from "./style.js";

export function renderVerdict(report: CheckReport, style: Style, width: number): string[] {
  const { diagnosis } = report;
  const label = style.heading(style.health(diagnosis.health)(HEALTH_LABEL[diagnosis.health]));
  const verdict = `${label}  ${verdictText(diagnosis)}`;
  const context = [
    plural(report.analysis.nodes.length, "node"),
    `seeds ${report.seeds.join(", ")}`,
    `snapshot ${report.generatedAt}`,
    `collected in ${report.durationMs} ms; ${findingCounts(report)}`,
  ].join(", ");
  return [verdict, ...wrap(context, width, "").map(style.dim)];
}

function findingCounts({ diagnosis }: CheckReport): string {
  const counts: string[] = [];
  if (diagnosis.rootCause) counts.push("1 root cause");
  if (diagnosis.consequences.length > 0) counts.push(plural(diagnosis.consequences.length, "consequence"));
  if (diagnosis.otherFindings.length > 0) {
    counts.push(plural(diagnosis.otherFindings.length, diagnosis.rootCause ? "other finding" : "finding"));
  }
  return counts.length === 0 ? "no findings" : counts.join(", ");
}
