// The terminal report. Compact (default): the verdict, the phase and what it is based on, the causes,
// the one fix, a few lines of evidence, then the node table and the links that are not ok: the first
// screen (about 25 lines at 100 columns) tells what broke, where, since when and what to do.
// --verbose: every finding in full, the link grid, what each node answered.

import type { CheckReport } from "../report.js";
import { renderAllFindings, renderCauses, renderKeyEvidence, renderLeadFix, renderNotes } from "./findings.js";
import { renderLinkSummary, renderMatrix } from "./matrix.js";
import { renderNodeTable } from "./nodeTable.js";
import { groupProblems, nodeList } from "../problems.js";
import { createStyle, type Style } from "./style.js";
import { renderVerdict } from "./verdict.js";

export interface TerminalOptions {
  /** Colour with ANSI codes; the caller decides (on a TTY, NO_COLOR unset...). */
  color: boolean;
  /** Prose wraps at this width; tables and raw lines never do. Default 100. */
  width?: number;
  /** Everything: every finding with all its evidence and fixes, the link grid, per-node coverage. */
  verbose?: boolean;
}

export const DEFAULT_WIDTH = 100;

export function renderTerminal(report: CheckReport, options: TerminalOptions): string {
  const style = createStyle(options.color);
  const width = options.width ?? DEFAULT_WIDTH;
  const verbose = options.verbose === true;
  const sections = verbose
    ? [
        renderVerdict(report, style, width, true),
        renderAllFindings(report.diagnosis, style, width),
        renderNodeTable(report.analysis, style),
        renderMatrix(report.analysis, style, width),
        renderProblems(report, style),
        renderCoverage(report, style),
      ]
    : [
        renderVerdict(report, style, width, false),
        renderCauses(report.diagnosis, style, width),
        renderLeadFix(report, style, width),
        renderKeyEvidence(report, style, width),
        renderNotes(report.diagnosis, style, width),
        renderNodeTable(report.analysis, style),
        renderLinkSummary(report.analysis, style),
        renderProblems(report, style),
      ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join("\n"))
    .join("\n\n")}\n`;
}

function renderProblems(report: CheckReport, style: Style): string[] {
  const groups = groupProblems(report.analysis);
  if (groups.length === 0) return [];
  return [
    `${style.heading("NOT READ")}  replies busdoctor could not use (the diagnosis used the rest)`,
    ...groups.map((group) => `  ${nodeList(group.nodes)}: ${group.problem}`),
  ];
}

/** --verbose: what each node answered. */
function renderCoverage(report: CheckReport, style: Style): string[] {
  const { coverage } = report.diagnosis;
  return [
    `${style.heading("READ")}  per node (coverage ${coverage.level})`,
    ...coverage.nodes.map((node) => {
      const missing = node.notRead.map((entry) => `${entry.command} (${entry.reason})`);
      return `  ${node.address}: ${node.read.join(", ") || "nothing"}${missing.length > 0 ? `; not read: ${missing.join(", ")}` : ""}`;
    }),
  ];
}
