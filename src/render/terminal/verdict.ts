// The top of the terminal report: the verdict, the phase (since when, what Redis does next), and what
// the verdict is based on.

import { HEALTH_LABEL, verdictText, type CheckReport } from "../report.js";
import { basisLines } from "../summary.js";
import { wrap } from "./layout.js";
import type { Style } from "./style.js";

export function renderVerdict(report: CheckReport, style: Style, width: number, verbose: boolean): string[] {
  const { diagnosis } = report;
  const label = HEALTH_LABEL[diagnosis.health];
  const lead = " ".repeat(label.length + 2);
  const [first = lead, ...rest] = wrap(verdictText(diagnosis), width, "  ", lead);
  const lines = [`${style.heading(style.health(diagnosis.health)(label))}  ${first.slice(lead.length)}`, ...rest];
  if (diagnosis.phase.name !== "recovering") lines.push(...wrap(`Phase: ${diagnosis.phase.summary}`, width, "    ", "  "));
  const basis = basisLines(report);
  lines.push(...wrap(`Based on: ${basis[0] ?? ""}`, width, "    ", "  ").map(style.dim));
  for (const line of basis.slice(1)) lines.push(...wrap(line, width, "    ", "    ").map(style.dim));
  if (verbose) {
    const timing = [`snapshot ${report.generatedAt}`, `collected in ${report.durationMs} ms`];
    if (report.firstLookMs !== null) timing.push(`first look ${report.firstLookMs} ms, then ${report.waitedMs ?? 0} ms waiting`);
    lines.push(...wrap(`${timing.join(", ")}; seeds ${report.seeds.join(", ")}`, width, "    ", "  ").map(style.dim));
  }
  return lines;
}
