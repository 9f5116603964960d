// `check --format markdown`: the report as an incident ticket. Compact (default): verdict, phase, what
// it is based on, the causes, the one fix and the key evidence, then the tables; --verbose: every
// finding in full. Raw lines in code so they paste back exactly, fixes as code blocks, each once.

import type { Finding, Fix } from "../../model/finding.js";
import { HEALTH_LABEL, plural, verdictText, type CheckReport } from "../report.js";
import { basisLines, keyEvidence, leadFixes, uniqueFixes } from "../summary.js";
import { codeBlock, codeSpan, cellCode, escapeText, table } from "./syntax.js";
import { linkSection, nodeTable } from "./tables.js";
import { groupProblems, nodeList } from "../problems.js";

export interface MarkdownOptions {
  verbose?: boolean;
}

/** `exitCode`: the process exit code the CLI gives this report, stated in the ticket. */
export function renderMarkdown(report: CheckReport, exitCode: number, options: MarkdownOptions = {}): string {
  const { diagnosis } = report;
  const verbose = options.verbose === true;
  const blocks = [
    [`# ${HEALTH_LABEL[diagnosis.health]}: ${escapeText(verdictText(diagnosis))}`, "", context(report, exitCode)],
    phaseAndBasis(report),
    ...(verbose ? allFindings(report) : [causesSection(report), fixSection(report), evidenceSection(report), notesSection(report)]),
    nodeTable(report.analysis),
    linkSection(report.analysis),
    problemSection(report),
  ].filter((lines) => lines.length > 0);
  return `${blocks.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

function context(report: CheckReport, exitCode: number): string {
  const seeds = report.seeds.map(codeSpan).join(", ");
  const nodes = plural(report.analysis.nodes.length, "node");
  return `busdoctor check of ${nodes} (seeds ${seeds}), snapshot ${report.generatedAt}, collected in ${report.durationMs} ms, exit code ${exitCode}.`;
}

function phaseAndBasis(report: CheckReport): string[] {
  const { diagnosis } = report;
  const [first = "", ...more] = basisLines(report);
  const lines = [`**Phase:** ${escapeText(diagnosis.phase.summary)}`, "", `**Based on:** ${escapeText(first)}`];
  for (const line of more) lines.push(`- ${escapeText(line)}`);
  return lines;
}

function item(finding: Finding): string {
  const nodes = finding.nodes.length > 0 ? ` (${finding.nodes.map(codeSpan).join(", ")})` : "";
  return `- ${codeSpan(finding.code)} ${finding.severity}: ${escapeText(finding.summary)}${nodes}`;
}

function causesSection({ diagnosis }: CheckReport): string[] {
  const { rootCause, coRootCauses, consequences } = diagnosis;
  if (rootCause === null) return [];
  const lines = [
    `## Root cause: ${codeSpan(rootCause.code)} (${rootCause.severity})`,
    "",
    `**${escapeText(rootCause.summary)}**`,
    "",
    `Nodes: ${rootCause.nodes.map(codeSpan).join(", ")}`,
  ];
  if (coRootCauses.length > 0) lines.push("", "### Also, independent of it (fix each)", "", ...coRootCauses.map(item));
  if (consequences.length > 0) lines.push("", "### Follows from it", "", ...consequences.map(item));
  return lines;
}

function fixBlock(fix: Fix): string[] {
  return ["", `**Fix: ${escapeText(fix.where)}**`, "", ...codeBlock(fix.lines)];
}

function fixSection(report: CheckReport): string[] {
  const { fixes, elsewhere } = leadFixes(report);
  if (fixes.length === 0) return [];
  const lines = ["## Fix", ...fixes.flatMap(fixBlock)];
  if (elsewhere.length > 0) lines.push("", `Or where the rule lives (\`--verbose\` shows each): ${escapeText(elsewhere.join("; "))}.`);
  return lines;
}

function evidenceTable(evidence: Finding["evidence"]): string[] {
  return table(
    ["From", "What", "Exact value"],
    evidence.map((line) => [cellCode(line.source), escapeText(line.what), cellCode(line.detail)]),
  );
}

function evidenceSection(report: CheckReport): string[] {
  const { shown, total } = keyEvidence(report);
  if (shown.length === 0) return [];
  const more = total > shown.length ? ` (${shown.length} of ${total} lines; \`--verbose\` or \`--json\` for all)` : "";
  return [`## Evidence${more}`, "", ...evidenceTable(shown)];
}

function notesSection({ diagnosis }: CheckReport): string[] {
  if (diagnosis.otherFindings.length === 0) return [];
  return [diagnosis.rootCause ? "## Notes" : "## Findings", "", ...diagnosis.otherFindings.map(item)];
}

/** --verbose: every finding with its evidence, explanation and fixes; each fix block once. */
function allFindings({ diagnosis }: CheckReport): string[][] {
  const printed = new Set<string>();
  const section = (title: string, findings: readonly Finding[]): string[] => {
    if (findings.length === 0) return [];
    return [
      title,
      ...findings.flatMap((finding) => {
        const lines = ["", `### ${codeSpan(finding.code)} (${finding.severity})`, "", `**${escapeText(finding.summary)}**`];
        if (finding.nodes.length > 0) lines.push("", `Nodes: ${finding.nodes.map(codeSpan).join(", ")}`);
        if (finding.explanation.length > 0) lines.push("", escapeText(finding.explanation));
        if (finding.evidence.length > 0) lines.push("", "**Evidence**", "", ...evidenceTable(finding.evidence));
        for (const fix of uniqueFixes(finding.fix)) {
          const key = `${fix.where}\n${fix.lines.join("\n")}`;
          lines.push(...(printed.has(key) ? ["", `**Fix: ${escapeText(fix.where)}**: as above.`] : fixBlock(fix)));
          printed.add(key);
        }
        return lines;
      }),
    ];
  };
  return [
    section("## Root cause", diagnosis.rootCause ? [diagnosis.rootCause] : []),
    section("## Co-root causes (fix each)", diagnosis.coRootCauses),
    section("## Follows from it", diagnosis.consequences),
    section(diagnosis.rootCause ? "## Other findings" : "## Findings", diagnosis.otherFindings),
  ];
}

function problemSection({ analysis }: CheckReport): string[] {
  const groups = groupProblems(analysis);
  if (groups.length === 0) return [];
  return ["## Replies not read", "", ...groups.map((group) => `- ${escapeText(nodeList(group.nodes))}: ${codeSpan(group.problem)}`)];
}
