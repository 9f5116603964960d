// `check --format markdown`: the report as an incident ticket, root cause first, raw lines in code
// so they paste back exactly, fixes as code blocks.

import type { Finding } from "../../model/finding.js";
import { HEALTH_LABEL, plural, verdictText, type CheckReport } from "../report.js";
import { codeBlock, codeSpan, cellCode, escapeText, table } from "./syntax.js";
import { linkSection, nodeTable } from "./tables.js";
import { groupProblems, nodeList } from "../problems.js";

export function renderMarkdown(report: CheckReport): string {
  const { diagnosis } = report;
  const blocks = [
    [`# ${HEALTH_LABEL[diagnosis.health]}: ${escapeText(verdictText(diagnosis))}`, "", context(report)],
    rootCauseSection(report),
    otherFindingsSection(report),
    nodeTable(report.analysis),
    linkSection(report.analysis),
    problemSection(report),
  ].filter((lines) => lines.length > 0);
  return `${blocks.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

function context(report: CheckReport): string {
  const seeds = report.seeds.map(codeSpan).join(", ");
  const nodes = plural(report.analysis.nodes.length, "node");
  return `busdoctor check of ${nodes} (seeds ${seeds}), snapshot ${report.generatedAt}, collected in ${report.durationMs} ms, exit code ${report.exitCode}.`;
}

function rootCauseSection({ diagnosis }: CheckReport): string[] {
  const { rootCause, consequences } = diagnosis;
  if (rootCause === null) return [];
  const follows = consequences.length > 0 ? "; the rest follows from it." : "";
  const lines = [
    `## Root cause: ${codeSpan(rootCause.code)} (${rootCause.severity})`,
    "",
    `**${escapeText(rootCause.summary)}**${follows}`,
    ...findingBody(rootCause),
  ];
  if (consequences.length > 0) {
    lines.push("", "### Consequences", "", ...consequences.map(consequenceItem));
  }
  return lines;
}

function consequenceItem(finding: Finding): string {
  const nodes = finding.nodes.length > 0 ? ` (${finding.nodes.map(codeSpan).join(", ")})` : "";
  return `- ${codeSpan(finding.code)} ${finding.severity}: ${escapeText(finding.summary)}${nodes}`;
}

function otherFindingsSection({ diagnosis }: CheckReport): string[] {
  if (diagnosis.otherFindings.length === 0) return [];
  const title = diagnosis.rootCause ? "## Other findings" : "## Findings";
  return [
    title,
    ...diagnosis.otherFindings.flatMap((finding) => [
      "",
      `### ${codeSpan(finding.code)} (${finding.severity})`,
      "",
      escapeText(finding.summary),
      ...findingBody(finding),
    ]),
  ];
}

/** Nodes, explanation, evidence table and one code block per fix. */
function findingBody(finding: Finding): string[] {
  const lines: string[] = [];
  if (finding.nodes.length > 0) lines.push("", `Nodes: ${finding.nodes.map(codeSpan).join(", ")}`);
  if (finding.explanation.length > 0) lines.push("", escapeText(finding.explanation));
  if (finding.evidence.length > 0) {
    const rows = finding.evidence.map((evidence) => [
      cellCode(evidence.source),
      escapeText(evidence.what),
      cellCode(evidence.detail),
    ]);
    lines.push("", "**Evidence**", "", ...table(["From", "What", "Exact value"], rows));
  }
  for (const fix of finding.fix) {
    lines.push("", `**Fix: ${escapeText(fix.where)}**`, "", ...codeBlock(fix.lines));
  }
  return lines;
}

function problemSection({ analysis }: CheckReport): string[] {
  const groups = groupProblems(analysis);
  if (groups.length === 0) return [];
  return [
    "## Replies not read",
    "",
    ...groups.map((group) => `- ${escapeText(nodeList(group.nodes))}: ${codeSpan(group.problem)}`),
  ];
}
