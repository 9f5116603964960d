// The terminal report: verdict, root cause with its consequences, nodes, bus links, other findings.

import type { CheckReport } from "../report.js";
import { renderOtherFindings, renderRootCause } from "./findings.js";
import { renderMatrix } from "./matrix.js";
import { renderNodeTable } from "./nodeTable.js";
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
  ].filter((lines) => lines.length > 0);
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}
