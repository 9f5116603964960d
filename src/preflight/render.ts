// Pure: the preflight report as text (one PASS/FAIL/SKIP line per check, per-node lines under the
// cluster checks, a closing verdict line) or as JSON.
import type { PreflightCheck, PreflightReport } from "./model.js";

const LABEL = { pass: "PASS", fail: "FAIL", skip: "SKIP" } as const;

function checkLines(check: PreflightCheck, nameWidth: number): string[] {
  const lines = [`${LABEL[check.status]}  ${check.name.padEnd(nameWidth)}  ${check.reason}`];
  const items = check.items ?? [];
  const nodeWidth = Math.max(0, ...items.map((item) => item.node.length));
  for (const item of items) {
    lines.push(`      ${LABEL[item.status]} ${item.node.padEnd(nodeWidth)}  ${item.reason}`);
    if (item.command !== undefined) lines.push(`           ${"".padEnd(nodeWidth)}  on its host, run: ${item.command}`);
  }
  return lines;
}

/** `exitCode`: the CLI's, stated on the result line. */
export function renderPreflightText(report: PreflightReport, exitCode: number): string {
  const nameWidth = Math.max(...report.checks.map((check) => check.name.length));
  const seed = report.cluster === null ? "" : ` (cluster seed ${report.cluster})`;
  const lines = [`preflight ${report.target}${seed}`, ...report.checks.flatMap((check) => checkLines(check, nameWidth))];
  const failed = report.checks.filter((check) => check.status === "fail").map((check) => check.name);
  const passed = report.checks.filter((check) => check.status === "pass").length;
  const skipped = report.checks.length - passed - failed.length;
  lines.push(
    failed.length > 0 ? `RESULT FAIL: ${failed.join(", ")} failed (exit ${exitCode})` : `RESULT PASS: ${passed} passed, ${skipped} skipped (exit ${exitCode})`,
  );
  return `${lines.join("\n")}\n`;
}

/** The report with the CLI's exit code last, as documented (docs/preflight.md). */
export function renderPreflightJson(report: PreflightReport, exitCode: number): string {
  return `${JSON.stringify({ ...report, exitCode }, null, 2)}\n`;
}
