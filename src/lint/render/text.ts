// Human-readable lint output: one block per finding, the fix indented under it, a summary line.
import type { LintFinding, LintSeverity } from "../model.js";

export interface TextStyle {
  severity(severity: LintSeverity, text: string): string;
  dim(text: string): string;
}

export const PLAIN: TextStyle = { severity: (_, text) => text, dim: (text) => text };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function renderText(findings: LintFinding[], filesRead: number, style: TextStyle = PLAIN): string {
  const lines: string[] = [];
  for (const found of findings) {
    lines.push(`${found.file}:${found.line}:${found.column}: ${style.severity(found.severity, found.severity)} [${found.ruleId}] ${found.message}`);
    lines.push(style.dim("  fix:"));
    for (const fixLine of found.fix.split("\n")) lines.push(style.dim(`    ${fixLine}`));
  }
  const count = (severity: LintSeverity) => findings.filter((found) => found.severity === severity).length;
  const summary =
    filesRead === 0
      ? "No file busdoctor lint reads was found (Kubernetes/compose YAML, .tf, iptables-save, nft rulesets, firewalld zones, redis.conf)."
      : findings.length === 0
      ? `No bus port problems found in ${plural(filesRead, "file")}.`
      : `${plural(findings.length, "finding")} (${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${plural(count("note"), "note")}) in ${plural(filesRead, "file")} read.`;
  if (lines.length > 0) lines.push("");
  lines.push(summary);
  return `${lines.join("\n")}\n`;
}

export function renderJson(findings: LintFinding[]): string {
  const ordered = findings.map(({ ruleId, severity, file, line, column, message, fix }) => ({ ruleId, severity, file, line, column, message, fix }));
  return `${JSON.stringify({ findings: ordered }, null, 2)}\n`;
}
