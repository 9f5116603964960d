// Human-readable lint output: one block per finding (why busdoctor thinks this Redis is a cluster, the
// fix indented under it), the files not read and why, then a summary line. JSON: the same, as data.
import type { LintFinding, LintSeverity, NotRead } from "../model.js";

export interface TextStyle {
  severity(severity: LintSeverity, text: string): string;
  dim(text: string): string;
}

export const PLAIN: TextStyle = { severity: (_, text) => text, dim: (text) => text };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function place(entry: NotRead): string {
  return entry.line === undefined ? entry.file : `${entry.file}:${entry.line}:${entry.column ?? 1}`;
}

export function renderText(findings: readonly LintFinding[], filesRead: number, notRead: readonly NotRead[], style: TextStyle = PLAIN): string {
  const lines: string[] = [];
  for (const found of findings) {
    lines.push(`${found.file}:${found.line}:${found.column}: ${style.severity(found.severity, found.severity)} [${found.ruleId}] ${found.message}`);
    lines.push(style.dim(`  why: ${found.evidence}`));
    lines.push(style.dim("  fix:"));
    for (const fixLine of found.fix.split("\n")) lines.push(style.dim(`    ${fixLine}`));
  }
  if (notRead.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(`Not read (${notRead.length}):`);
    for (const entry of notRead) lines.push(`  ${place(entry)}: ${entry.reason}`);
  }
  const count = (severity: LintSeverity) => findings.filter((found) => found.severity === severity).length;
  const skipped = notRead.length > 0 ? `; ${notRead.length} not read (listed above)` : "";
  const summary =
    filesRead === 0
      ? `No file busdoctor lint reads was found (Kubernetes/compose/Ansible YAML, .tf, iptables/nft/firewalld/ufw rules, firewall scripts, redis.conf)${skipped}.`
      : findings.length === 0
        ? `No bus port problems found in ${plural(filesRead, "file")}${skipped}.`
        : `${plural(findings.length, "finding")} (${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${plural(count("note"), "note")}) in ${plural(filesRead, "file")} read${skipped}.`;
  if (lines.length > 0) lines.push("");
  lines.push(summary);
  return `${lines.join("\n")}\n`;
}

export function renderJson(findings: readonly LintFinding[], filesRead: number, notRead: readonly NotRead[]): string {
  const ordered = findings.map(({ ruleId, severity, file, line, column, message, fix, evidence, edits }) => ({
    ruleId,
    severity,
    file,
    line,
    column,
    message,
    fix,
    evidence,
    ...(edits ? { edits } : {}),
  }));
  return `${JSON.stringify({ findings: ordered, filesRead, notRead }, null, 2)}\n`;
}
