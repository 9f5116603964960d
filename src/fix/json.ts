// `fix --json`: the plan in a documented shape (docs/fix.md, schema/fix-plan.schema.json). Every check
// carries its words and whether it holds on the reading the plan was made from.
import type { ApplyOutcome } from "./apply.js";
import { describeCheck, evaluateCheck } from "./checks.js";
import type { Check, Plan, Step } from "./model.js";
import type { ClusterReading } from "./reading.js";

export const FIX_SCHEMA_VERSION = 1;

export type JsonCheck = Check & { text: string; holdsNow: boolean | null; seenNow: string | null };

export interface JsonPlan {
  schemaVersion: typeof FIX_SCHEMA_VERSION;
  generatedAt: string;
  seeds: string[];
  exitCode: number;
  basedOn: Plan["basedOn"];
  phase: Plan["phase"];
  steps: Array<Omit<Step, "preconditions" | "expect"> & { preconditions: JsonCheck[]; expect: JsonCheck[] }>;
  refusals: Plan["refusals"];
  notes: string[];
  /** With --apply: what was done, and the steps a fresh plan still holds afterwards. */
  applied: { steps: number[]; skipped: number[]; stopped: ApplyOutcome["stopped"]; remaining: Array<Pick<Step, "code" | "class" | "title">> } | null;
}

function jsonCheck(check: Check, reading: ClusterReading | null): JsonCheck {
  const now = reading ? evaluateCheck(check, reading) : null;
  return { ...check, text: describeCheck(check), holdsNow: now?.holds ?? null, seenNow: now?.seen ?? null };
}

export interface Applied {
  outcome: ApplyOutcome;
  remaining: Plan;
}

export function planJson(plan: Plan, reading: ClusterReading | null, seeds: string[], exitCode: number, applied: Applied | null): JsonPlan {
  return {
    schemaVersion: FIX_SCHEMA_VERSION,
    generatedAt: new Date(plan.basedOn.takenAtMs).toISOString(),
    seeds,
    exitCode,
    basedOn: plan.basedOn,
    phase: plan.phase,
    steps: plan.steps.map((step) => ({
      ...step,
      preconditions: step.preconditions.map((check) => jsonCheck(check, reading)),
      expect: step.expect.map((check) => jsonCheck(check, reading)),
    })),
    refusals: plan.refusals,
    notes: plan.notes,
    applied: applied
      ? {
          steps: applied.outcome.applied,
          skipped: applied.outcome.skipped,
          stopped: applied.outcome.stopped,
          remaining: applied.remaining.steps.map((step) => ({ code: step.code, class: step.class, title: step.title })),
        }
      : null,
  };
}

export function renderPlanJson(json: JsonPlan): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}
