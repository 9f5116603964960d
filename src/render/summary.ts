// The compact report's parts, shared by the terminal and markdown renderers: what the verdict is based
// on, the one fix per cause for the layer the evidence points at (each fix block once per report), and
// the few evidence lines that prove it. `--verbose` and the JSON keep everything.
import type { Evidence, Finding, Fix } from "../model/finding.js";
import { plural, type CheckReport } from "./report.js";

/** Evidence lines the compact report shows. */
export const KEY_EVIDENCE_LINES = 5;

/**
 * The commands the "based on" line names, each with the commands it stands for: PING and CLUSTER MYID
 * go without saying unless they failed, and both CONFIG GETs read as one.
 */
const COMMAND_GROUPS: ReadonlyArray<readonly [label: string, commands: readonly string[]]> = [
  ["PING", ["PING"]],
  ["CLUSTER NODES", ["CLUSTER NODES"]],
  ["CLUSTER INFO", ["CLUSTER INFO"]],
  ["INFO", ["INFO"]],
  ["CLUSTER LINKS", ["CLUSTER LINKS"]],
  ["CONFIG GET", ["CONFIG GET cluster-node-timeout", "CONFIG GET cluster-port"]],
];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Which commands were read from how many of the nodes that answered. */
function commandCounts(report: CheckReport): string {
  const answered = report.diagnosis.coverage.nodes.filter((node) => node.read.length > 0);
  if (answered.length === 0) return "no command answered";
  const counts = COMMAND_GROUPS.map(([label, commands]) => ({
    label,
    count: answered.filter((node) => commands.every((command) => node.read.includes(command) || !node.notRead.some((entry) => entry.command === command)))
      .length,
  }));
  const everywhere = counts.filter((entry) => entry.count === answered.length && entry.label !== "PING").map((entry) => entry.label);
  const partly = counts.filter((entry) => entry.count < answered.length).map((entry) => `${entry.label} from ${entry.count}`);
  const all = answered.length === 1 ? "the one that answered" : `all ${answered.length} that answered`;
  return [everywhere.length > 0 ? `${everywhere.join(", ")} from ${all}` : "", ...partly].filter((part) => part !== "").join("; ");
}

/** What the verdict is based on: nodes and commands read, the looks, what is missing and what was assumed. */
export function basisLines(report: CheckReport): string[] {
  const { analysis, diagnosis } = report;
  const { coverage } = diagnosis;
  const viewed = analysis.views.filter((view) => view.nodes !== null).length;
  // Why a second look was taken is in --verbose and the JSON (coverage.looks.reasons).
  const looks = coverage.looks.count === 2 ? `two looks ${seconds(coverage.looks.intervalMs ?? 0)} apart` : "one look";
  const lines = [`${viewed} of ${plural(analysis.nodes.length, "node")} gave their view; read ${commandCounts(report)}; ${looks}`];
  for (const missing of coverage.missing) lines.push(`missing: ${missing}`);
  if (coverage.level === "insufficient") lines.push(`needed at least: ${coverage.minimum}`);
  for (const assumption of coverage.assumptions) lines.push(`assumed: ${assumption}`);
  return lines;
}

/**
 * One line per evidence on a terminal: a CLUSTER NODES cell ("peer: state | raw line") reads
 * "observer -> peer: state", a probe "busdoctor probe: ...". --verbose, markdown and the JSON keep the raw lines.
 */
export function oneLine(evidence: Evidence): Evidence {
  const cut = evidence.what === "CLUSTER NODES" ? evidence.detail.indexOf(" | ") : -1;
  if (cut >= 0) return { source: `${evidence.source} ->`, what: "", detail: evidence.detail.slice(0, cut) };
  return evidence.what.startsWith("TCP probe") ? { ...evidence, what: "probe" } : evidence;
}

/** The evidence that proves the causes, a few lines: the root cause's first, then each co-root cause's. */
export function keyEvidence(report: CheckReport, limit = KEY_EVIDENCE_LINES): { shown: Evidence[]; total: number } {
  const { rootCause, coRootCauses, phase } = report.diagnosis;
  const causes = [rootCause, ...coRootCauses].filter((finding): finding is Finding => finding !== null);
  // While recovering, what proves it is the phase's evidence (links healed between the looks).
  const lead = phase.name === "recovering" ? phase.evidence : [];
  const all = [...lead, ...(causes.length > 0 ? causes.flatMap((finding) => finding.evidence) : phase.evidence.filter(() => lead.length === 0))];
  const each = Math.max(2, Math.floor((limit - lead.length) / Math.max(1, causes.length)));
  const picked = [...lead, ...causes.flatMap((finding) => finding.evidence.slice(0, each))].slice(0, limit);
  return { shown: picked, total: all.length };
}

/** "AWS security group of the nodes (the bus has...)" -> "AWS security group": a place named, not explained. */
function shortPlace(where: string): string {
  return where
    .replace(/\s*\(.*$/, "")
    .replace(/ (of|on|selecting) the .*$/, "")
    .replace(/ and .*$/, "");
}

function fixKey(fix: Fix): string {
  return `${fix.where}\n${fix.lines.join("\n")}`;
}

/** Fix blocks once each, in the order given. */
export function uniqueFixes(fixes: readonly Fix[]): Fix[] {
  const seen = new Set<string>();
  return fixes.filter((fix) => {
    const key = fixKey(fix);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The fix to apply first: each cause's first fix block (the layer its evidence points at), once per
 * report; and the other places the same fixes could be needed, by name only.
 */
export function leadFixes(report: CheckReport): { fixes: Fix[]; elsewhere: string[] } {
  const { rootCause, coRootCauses, consequences } = report.diagnosis;
  const causes = [rootCause, ...coRootCauses].filter((finding): finding is Finding => finding !== null && finding.fix.length > 0);
  const sources = causes.length > 0 ? causes : consequences.filter((finding) => finding.fix.length > 0).slice(0, 1);
  const fixes = uniqueFixes(sources.map((finding) => finding.fix[0] as Fix));
  const lead = new Set(fixes.map((fix) => fix.where));
  const elsewhere = [
    ...new Set(
      sources
        .flatMap((finding) => finding.fix.slice(1).map((fix) => fix.where))
        .filter((where) => !lead.has(where))
        .map(shortPlace),
    ),
  ];
  return { fixes, elsewhere };
}
