// What a plan leaves to do, as a health (only src/cli turns it into an exit code): data-risk steps
// left are critical, safe or mitigation steps a warning, nothing left healthy.
import type { Health } from "../model/finding.js";
import type { ApplyOutcome } from "./apply.js";
import type { Plan } from "./model.js";

export function planHealth(plan: Plan): Health {
  if (plan.steps.some((step) => step.class === "data-risk")) return "critical";
  return plan.steps.length > 0 ? "warning" : "healthy";
}

/** After --apply: a step that did not have its effect is critical; otherwise what remains decides. */
export function applyHealth(outcome: ApplyOutcome, remaining: Plan): Health {
  const reason = outcome.stopped?.reason;
  if (reason === "precondition" || reason === "no-change" || reason === "command-failed") return "critical";
  return planHealth(remaining);
}
