// The terminal report: verdict, root cause with its consequences, nodes, bus links, other findings.

import type { CheckReport } from "../report.js";
import { renderOtherFindings, renderRootCause } from "./findings.js";
import { renderMatrix } from "./matrix.js";
import { renderNodeTable } from "./nodeTable.js";
import { groupProblems, nodeList } from "../problems.js";
import { createStyle } from "./style.js";
import { renderVerdict } from "./verdict.js";

export interface TerminalOptions {
  /** Colour with ANSI codes; the caller decides (on a TTY, NO_COLOR unset...). */
  color: boolean;
  /** Prose wraps at this width; tables and raw lines never do. Default 100. */
  width?: number;
}

export const DEFAULT_WIDTH = 100;

export function renderTerminal(report: CheckReport, options: TerminalOptions): string {
  const style = createStyle(options.color);
  const width = options.width ?? DEFAULT_WIDTH;
  const sections = [
    renderVerdict(report, style, width),
    renderRootCause(report.diagnosis, style, width),
    renderNodeTable(report.analysis, style),
    renderMatrix(report.analysis, style, width),
    renderOtherFindings(report.diagnosis, style, width),
    renderProblems(report, style),
  ].filter((lines) => lines.length > 0);
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

function renderProblems(report: CheckReport, style: ReturnType<typeof createStyle>): string[] {
  const groups = groupProblems(report.analysis);
  if (groups.length === 0) return [];
  return [
    `${style.heading("NOT READ")}  replies busdoctor could not use (the diagnosis used the rest)`,
    ...groups.map((group) => `  ${nodeList(group.nodes)}: ${group.problem}`),
  ];
}
