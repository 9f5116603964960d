// Findings in the terminal. Compact: the causes with one line per consequence, then the one fix per
// cause and a few lines of evidence, each once per report. Verbose: every finding with all its
// evidence, its explanation and every fix block (each block once). Raw fix lines are never wrapped:
// they must paste back exactly.

import type { Diagnosis, Finding, Fix } from "../../model/finding.js";
import { plural, verdictText, type CheckReport } from "../report.js";
import { keyEvidence, leadFixes, oneLine, uniqueFixes } from "../summary.js";
import { wrap } from "./layout.js";
import type { Style } from "./style.js";

/** "CODE  summary" per finding, summaries wrapped under themselves. */
function codeLines(findings: readonly Finding[], style: Style, width: number): string[] {
  const codeWidth = Math.max(...findings.map((finding) => finding.code.length));
  const hang = " ".repeat(4 + codeWidth + 2);
  return findings.flatMap((finding) => {
    const [first = hang, ...rest] = wrap(finding.summary, width, hang);
    const code = style.severity(finding.severity)(finding.code.padEnd(codeWidth));
    return [`    ${code}  ${first.slice(hang.length)}`, ...rest];
  });
}

/** The root cause's heading (its summary unless the headline already says it), the co-root causes, what follows. */
export function renderCauses(diagnosis: Diagnosis, style: Style, width: number): string[] {
  const { rootCause, coRootCauses, consequences } = diagnosis;
  if (rootCause === null) return [];
  const paint = style.severity(rootCause.severity);
  const said = verdictText(diagnosis).startsWith(rootCause.summary);
  const lines = [
    `${style.heading(paint("ROOT CAUSE"))}  ${paint(rootCause.code)} (${rootCause.severity})`,
    ...(said ? [] : wrap(rootCause.summary, width, "  ")),
  ];
  if (rootCause.nodes.length > 0) lines.push(...wrap(`Nodes: ${rootCause.nodes.join(", ")}`, width, "    ", "  "));
  if (coRootCauses.length > 0) lines.push("  Also, independent of it (fix each):", ...codeLines(coRootCauses, style, width));
  if (consequences.length > 0) lines.push("  Follows from it:", ...codeLines(consequences, style, width));
  return lines;
}

function fixBlock(fix: Fix, indent: string): string[] {
  return [`${indent}Fix (${fix.where}):`, ...fix.lines.map((line) => `${indent}    ${line}`)];
}

/** The one fix per cause, for the layer the evidence points at; the other layers by name. */
export function renderLeadFix(report: CheckReport, style: Style, width: number): string[] {
  const { fixes, elsewhere } = leadFixes(report);
  if (fixes.length === 0) return [];
  const lines = [style.heading("FIX"), ...fixes.flatMap((fix) => fixBlock(fix, "  "))];
  if (elsewhere.length > 0) lines.push(...wrap(`Or where the rule lives (--verbose shows each): ${elsewhere.join("; ")}`, width, "    ", "  ").map(style.dim));
  return lines;
}

/** A few evidence lines, with how many more --verbose shows. */
export function renderKeyEvidence(report: CheckReport, style: Style, width: number): string[] {
  const { shown: raw, total } = keyEvidence(report);
  const shown = raw.map(oneLine);
  if (shown.length === 0) return [];
  const more = total > shown.length ? ` (${shown.length} of ${total} lines; --verbose or --json for all)` : "";
  return [
    `${style.heading("EVIDENCE")}${style.dim(more)}`,
    ...shown.flatMap((evidence) => {
      const label = evidence.what === "" ? `  ${evidence.source}` : `  ${evidence.source} ${evidence.what}:`;
      const line = `${style.dim(label)} ${evidence.detail}`;
      return label.length + 1 + evidence.detail.length <= width ? [line] : [style.dim(label), `    ${evidence.detail}`];
    }),
  ];
}

/** Nodes, evidence, explanation and the fixes not printed yet, indented under a finding's heading. */
function findingBody(finding: Finding, style: Style, width: number, indent: string, printed: Set<string>): string[] {
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
  for (const fix of uniqueFixes(finding.fix)) {
    const key = `${fix.where}\n${fix.lines.join("\n")}`;
    if (printed.has(key)) lines.push(`${indent}Fix (${fix.where}): as above`);
    else lines.push(...fixBlock(fix, indent));
    printed.add(key);
  }
  return lines;
}

/** --verbose: every finding in full, each fix block printed once (later ones say "as above"). */
export function renderAllFindings(diagnosis: Diagnosis, style: Style, width: number): string[] {
  const printed = new Set<string>();
  const sections: string[][] = [];
  const { rootCause, coRootCauses, consequences, otherFindings } = diagnosis;
  const titled = (title: string, findings: readonly Finding[]): void => {
    if (findings.length === 0) return;
    sections.push([
      style.heading(title),
      ...findings.flatMap((finding, index) => [
        ...(index > 0 ? [""] : []),
        `  ${style.severity(finding.severity)(`${finding.severity.toUpperCase()}  ${finding.code}`)}`,
        ...wrap(finding.summary, width, "    "),
        ...findingBody(finding, style, width, "    ", printed),
      ]),
    ]);
  };
  titled("ROOT CAUSE", rootCause ? [rootCause] : []);
  titled(`CO-ROOT CAUSES (${plural(coRootCauses.length, "independent cause")}: fix each)`, coRootCauses);
  titled("FOLLOWS FROM IT", consequences);
  titled(rootCause ? "OTHER FINDINGS" : "FINDINGS", otherFindings);
  return sections.flatMap((section, index) => (index === 0 ? section : ["", ...section]));
}

/** Compact: notes that need no action, one line each, the first few. */
export function renderNotes(diagnosis: Diagnosis, style: Style, width: number, shown = 3): string[] {
  const notes = diagnosis.otherFindings;
  if (notes.length === 0) return [];
  const more = notes.length > shown ? [style.dim(`    ... and ${plural(notes.length - shown, "more note")} (--verbose)`)] : [];
  return [style.heading(diagnosis.rootCause ? "NOTES" : "FINDINGS"), ...codeLines(notes.slice(0, shown), style, width), ...more];
}
