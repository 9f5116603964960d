// Findings in the terminal: the root cause with what follows from it, then every other finding.
// Raw lines (evidence details, fix commands) are never wrapped: they must paste back exactly.

import type { Diagnosis, Finding } from "../../model/finding.js";
import { wrap } from "./layout.js";
import type { Style } from "./style.js";

export function renderRootCause(diagnosis: Diagnosis, style: Style, width: number): string[] {
  const { rootCause, consequences } = diagnosis;
  if (rootCause === null) return [];
  const paint = style.severity(rootCause.severity);
  const summary = consequences.length > 0 ? `${rootCause.summary}; the rest follows from it.` : rootCause.summary;
  const lines = [
    `${style.heading(paint("ROOT CAUSE"))}  ${paint(rootCause.code)} (${rootCause.severity})`,
    ...wrap(summary, width, "  "),
    ...findingBody(rootCause, style, width, "  "),
  ];
  if (consequences.length > 0) {
    lines.push("  Follows from it:", ...consequenceLines(consequences, style, width));
  }
  return lines;
}

export function renderOtherFindings(diagnosis: Diagnosis, style: Style, width: number): string[] {
  if (diagnosis.otherFindings.length === 0) return [];
  const title = diagnosis.rootCause ? "OTHER FINDINGS" : "FINDINGS";
  return [
    style.heading(title),
    ...diagnosis.otherFindings.flatMap((finding, index) => [
      ...(index > 0 ? [""] : []),
      `  ${style.severity(finding.severity)(`${finding.severity.toUpperCase()}  ${finding.code}`)}`,
      ...wrap(finding.summary, width, "    "),
      ...findingBody(finding, style, width, "    "),
    ]),
  ];
}

/** "CODE  summary" per consequence, summaries wrapped under themselves. */
function consequenceLines(consequences: Finding[], style: Style, width: number): string[] {
  const codeWidth = Math.max(...consequences.map((finding) => finding.code.length));
  const hang = " ".repeat(4 + codeWidth + 2);
  return consequences.flatMap((finding) => {
    const [first = hang, ...rest] = wrap(finding.summary, width, hang);
    const code = style.severity(finding.severity)(finding.code.padEnd(codeWidth));
    return [`    ${code}  ${first.slice(hang.length)}`, ...rest];
  });
}

/** Nodes, evidence, explanation and fixes of one finding, indented under its heading. */
function findingBody(finding: Finding, style: Style, width: number, indent: string): string[] {
  const lines: string[] = [];
  if (finding.nodes.length > 0) lines.push(...wrap(`Nodes: ${finding.nodes.join(", ")}`, width, `${indent}  `, indent));
  if (finding.evidence.length > 0) {
    lines.push(`${indent}Evidence:`);
    for (const evidence of finding.evidence) {
      const label = `${indent}  ${evidence.source} ${evidence.what}:`;
      // One line when it fits; otherwise the raw detail goes on its own line, whole.
      if (label.length + 1 + evidence.detail.length <= width) lines.push(`${style.dim(label)} ${evidence.detail}`);
      else lines.push(style.dim(label), `${indent}    ${evidence.detail}`);
    }
  }
  if (finding.explanation.length > 0) lines.push(...wrap(`Why: ${finding.explanation}`, width, `${indent}  `, indent));
  for (const fix of finding.fix) {
    lines.push(`${indent}Fix (${fix.where}):`, ...fix.lines.map((line) => `${indent}    ${line}`));
  }
  return lines;
}
