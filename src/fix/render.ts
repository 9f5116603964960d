// The plan for a terminal, and each thing --apply does as one line. Everything shown here comes from
// servers (lines of CLUSTER NODES, error replies): control characters are escaped before printing.
import { createStyle } from "../render/terminal/style.js";
import { wrap } from "../render/terminal/layout.js";
import type { CommandResult } from "../model/snapshot.js";
import type { ApplyEvent, ApplyOutcome } from "./apply.js";
import { describeCheck, evaluateCheck } from "./checks.js";
import type { Plan, Step, StepClass } from "./model.js";
import type { ClusterReading } from "./reading.js";

/** Control characters (C0, DEL, C1) shown as \xNN: a reply must not move the cursor or recolour the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export interface RenderOptions {
  color: boolean;
  width: number;
}

const CLASS_LABEL: Record<StepClass, string> = { safe: "safe", mitigation: "mitigation, opt-in", "data-risk": "DATA RISK, never applied" };

function stepLines(step: Step, reading: ClusterReading | null, options: RenderOptions): string[] {
  const style = createStyle(options.color);
  const paint = step.class === "data-risk" ? style.critical : step.class === "mitigation" ? style.warning : style.good;
  const who = step.by === "busdoctor" ? "busdoctor --apply runs it" : "you run it";
  const field = (label: string, lines: readonly string[]): string[] =>
    lines.flatMap((line, index) => wrap(printable(line), options.width, " ".repeat(11), index === 0 ? `  ${label.padEnd(9)}` : " ".repeat(11)));
  // Commands are pasted: one per line, never wrapped.
  const commands = (label: string, lines: readonly string[]): string[] =>
    lines.map((line, index) => `${index === 0 ? `  ${label.padEnd(9)}` : " ".repeat(11)}${printable(line)}`);
  const check = (text: string, holds: boolean | null | undefined): string =>
    holds === undefined ? text : `${text} [${holds === true ? "holds now" : holds === false ? "not now" : "unknown now"}]`;
  const checks = (list: Step["preconditions"]): string[] =>
    list.length === 0 ? ["(none)"] : list.map((item) => check(describeCheck(item), reading ? evaluateCheck(item, reading).holds : undefined));
  return [
    "",
    `${style.heading(`Step ${step.number}`)} ${paint(`[${CLASS_LABEL[step.class]}]`)} ${printable(step.title)} ${style.dim(`(${step.code}, ${who})`)}`,
    ...(step.targets.length > 0 ? field("target", [step.targets.join(", ")]) : []),
    ...(step.where !== null ? field("where", [step.where]) : []),
    ...commands("run", step.commands),
    ...field(
      "why",
      step.why.map((evidence) => `${evidence.source} ${evidence.what}: ${evidence.detail}`),
    ),
    ...field("before", checks(step.preconditions)),
    ...field("expect", checks(step.expect)),
    ...field("verify", [step.verify]),
    ...field("risk", [step.risk]),
    ...(step.undo.length > 0 ? commands("undo", step.undo) : []),
    ...(step.alternatives.length > 0
      ? field(
          "or",
          step.alternatives.map((alternative) => `${alternative.where} (${alternative.lines.length} line(s), see --json)`),
        )
      : []),
  ];
}

export function renderPlan(plan: Plan, reading: ClusterReading | null, options: RenderOptions): string {
  const style = createStyle(options.color);
  const taken = new Date(plan.basedOn.takenAtMs).toISOString();
  const causes = plan.basedOn.causes.length > 0 ? plan.basedOn.causes.join(", ") : "none named";
  const lines = [
    style.heading(
      plan.steps.length === 0
        ? "busdoctor fix: nothing to do"
        : `busdoctor fix: ${plan.steps.length} step(s) (${plan.steps.filter((step) => step.class === "safe").length} safe, ${plan.steps.filter((step) => step.class === "mitigation").length} mitigation, ${plan.steps.filter((step) => step.class === "data-risk").length} data-risk)`,
    ),
    `based on ${plan.basedOn.answered} of ${plan.basedOn.nodes} node(s) answering at ${taken}${plan.basedOn.earlierTakenAtMs !== null ? ` and a reading at ${new Date(plan.basedOn.earlierTakenAtMs).toISOString()}` : ""}; root cause: ${causes}`,
    `phase: ${printable(plan.phase.summary)}`,
  ];
  for (const step of plan.steps) lines.push(...stepLines(step, reading, options));
  if (plan.refusals.length > 0) {
    lines.push("", style.heading("Refused: what a naive recovery would run, and why busdoctor will not"));
    for (const refusal of plan.refusals) {
      lines.push(`  ${style.critical(refusal.code)} on ${refusal.targets.join(", ")}`);
      lines.push(...refusal.commands.map((command) => `    ${style.dim(printable(command))}`));
      lines.push(...wrap(printable(refusal.why), options.width, "    "));
    }
  }
  if (plan.notes.length > 0) {
    lines.push("", style.heading("Notes"));
    for (const note of plan.notes) lines.push(...wrap(printable(note), options.width, "    ", "  - "));
  }
  if (plan.steps.length === 0 && plan.refusals.length === 0)
    lines.push("", "No step is needed: every node answered and nothing in the views calls for a repair.");
  return `${lines.join("\n")}\n`;
}

function resultText(result: CommandResult): string {
  return result.ok ? String(result.reply) : `ERROR ${result.error}`;
}

/** One line per event, for stderr while --apply runs. */
export function describeEvent(event: ApplyEvent): string {
  const step = `step ${event.step.number} (${event.step.code})`;
  switch (event.type) {
    case "step":
      return `${step}: ${printable(event.step.title)}`;
    case "skipped":
      return `${step}: skipped, ${event.why}`;
    case "checked": {
      const failed = event.results.filter((result) => result.holds !== true);
      const [passed, missed] =
        event.stage === "preconditions" ? ["preconditions hold", "preconditions do not hold"] : ["expected change seen", "expected change not seen yet"];
      if (failed.length === 0) return `${step}: ${passed} (${event.results.length} check(s))`;
      return `${step}: ${missed}: ${failed.map((result) => printable(result.seen)).join("; ")}`;
    }
    case "sent":
      return `${step}: ${event.address} ${event.command} -> ${printable(resultText(event.result))}`;
    case "waiting":
      return `${step}: waiting ${(event.ms / 1000).toFixed(1)} s`;
    case "done":
      return `${step}: done, expected change seen`;
    case "stopped":
      return `${step}: stopped (${event.reason}): ${printable(event.detail)}`;
  }
}

export function renderOutcome(outcome: ApplyOutcome): string {
  const applied = outcome.applied.length > 0 ? `applied step(s) ${outcome.applied.join(", ")}` : "applied nothing";
  const skipped = outcome.skipped.length > 0 ? `; skipped ${outcome.skipped.join(", ")}` : "";
  const stopped = outcome.stopped ? `; stopped at step ${outcome.stopped.step} (${outcome.stopped.reason})` : "";
  return `fix --apply ${applied}${skipped}${stopped}\n`;
}
