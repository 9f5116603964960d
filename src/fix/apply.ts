// `fix --apply`: the plan's steps one at a time. Before each: its preconditions on a fresh reading;
// then its command; then re-collect until its expected change shows (or its time is up). The first
// step that cannot run, or whose change did not happen, ends the run. Data-risk steps never run,
// operator steps (a firewall) end the run for a person to do them, mitigations need --allow-mitigations.
import type { CommandResult } from "../model/snapshot.js";
import { evaluateChecks, readsFor, type CheckResult } from "./checks.js";
import type { Check, ExtraRead, Plan, Step, WriteAction } from "./model.js";
import type { ClusterReading } from "./reading.js";

export interface ApplyIo {
  /** A fresh reading of the cluster with these extra reads. */
  read(also: ReadonlyArray<{ address: string; read: ExtraRead }>): Promise<ClusterReading>;
  send(address: string, action: WriteAction): Promise<CommandResult>;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Asks before a step changes anything; true when --yes was given. */
  confirm(step: Step): Promise<boolean>;
  report(event: ApplyEvent): void;
}

export type StopReason =
  | "operator" // a person must do this step (a firewall rule)
  | "data-risk" // busdoctor never runs these
  | "declined" // the user answered no
  | "precondition" // a precondition did not hold right before the step
  | "command-failed" // a node answered the command with an error
  | "no-change"; // the expected change did not show in time

export type ApplyEvent =
  | { type: "step"; step: Step }
  | { type: "skipped"; step: Step; why: string }
  | { type: "checked"; step: Step; stage: "preconditions" | "expected"; results: CheckResult[] }
  | { type: "sent"; step: Step; address: string; command: string; result: CommandResult }
  | { type: "waiting"; step: Step; ms: number }
  | { type: "done"; step: Step }
  | { type: "stopped"; step: Step; reason: StopReason; detail: string };

export interface ApplyOutcome {
  applied: number[];
  skipped: number[];
  stopped: { step: number; reason: StopReason; detail: string } | null;
  /** The last reading taken, for the plan that remains. */
  last: ClusterReading | null;
}

export interface ApplyOptions {
  allowMitigations: boolean;
  /** How often the expected change is looked for while it may still come. */
  pollMs: number;
}

const holdsAll = (results: readonly CheckResult[]): boolean => results.every((result) => result.holds === true);

async function checked(
  io: ApplyIo,
  step: Step,
  checks: readonly Check[],
  stage: "preconditions" | "expected",
): Promise<{ reading: ClusterReading; results: CheckResult[] }> {
  const reading = await io.read(readsFor(checks));
  const results = evaluateChecks(checks, reading);
  io.report({ type: "checked", step, stage, results });
  return { reading, results };
}

/** The step's command on every target: FORGET all at once (the 60 s ban), the others in order. */
async function send(io: ApplyIo, step: Step, action: WriteAction, wire: string): Promise<string | null> {
  const one = async (address: string): Promise<string | null> => {
    const result = await io.send(address, action);
    io.report({ type: "sent", step, address, command: wire, result });
    return result.ok ? null : `${address} answered ${result.error}`;
  };
  if (action.kind === "forget") return (await Promise.all(step.targets.map(one))).find((error) => error !== null) ?? null;
  for (const address of step.targets) {
    const error = await one(address);
    if (error !== null) return error;
  }
  return null;
}

/** Why a step does not run now, or null when busdoctor may run it. */
function gate(step: Step, options: ApplyOptions): { stop: StopReason; detail: string } | { skip: string } | null {
  if (step.class === "data-risk")
    return { stop: "data-risk", detail: "busdoctor never runs a step that can lose keys: read it, decide, and run it yourself if you must" };
  if (step.action === null || step.by === "operator")
    return { stop: "operator", detail: "this step is yours to do (busdoctor cannot change firewalls or hosts); do it, then run busdoctor fix --apply again" };
  if (step.class === "mitigation" && !options.allowMitigations) return { skip: "a mitigation: pass --allow-mitigations to apply it" };
  return null;
}

export async function applyPlan(plan: Plan, options: ApplyOptions, io: ApplyIo, wireOf: (action: WriteAction) => string): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { applied: [], skipped: [], stopped: null, last: null };
  const stop = (step: Step, reason: StopReason, detail: string): ApplyOutcome => {
    io.report({ type: "stopped", step, reason, detail });
    return { ...outcome, stopped: { step: step.number, reason, detail } };
  };
  for (const step of plan.steps) {
    const action = step.action;
    const gated = gate(step, options);
    if (gated !== null && "skip" in gated) {
      io.report({ type: "skipped", step, why: gated.skip });
      outcome.skipped.push(step.number);
      continue;
    }
    if (gated !== null) return stop(step, gated.stop, gated.detail);
    if (action === null) return stop(step, "operator", "no action");
    io.report({ type: "step", step });
    if (!(await io.confirm(step))) return stop(step, "declined", "not confirmed");
    const before = step.preconditions.length === 0 ? null : await checked(io, step, step.preconditions, "preconditions");
    if (before) outcome.last = before.reading;
    const failing = before?.results.find((result) => result.holds !== true);
    if (failing) return stop(step, "precondition", `${failing.seen} (needed: ${failing.holds === null ? "a reading that could tell" : "the opposite"})`);
    if (action.kind === "wait") {
      const ms = action.untilMs === null ? action.forMs : Math.max(0, action.untilMs - io.now());
      io.report({ type: "waiting", step, ms });
      await io.sleep(ms);
    } else {
      const error = await send(io, step, action, wireOf(action));
      if (error !== null) return stop(step, "command-failed", error);
    }
    // Re-collect until the change shows: gossip and handshakes take a ping round or two.
    const deadline = io.now() + step.verifyWithinMs;
    for (;;) {
      const after = await checked(io, step, step.expect, "expected");
      outcome.last = after.reading;
      if (holdsAll(after.results)) break;
      if (io.now() >= deadline) {
        const missing = after.results.filter((result) => result.holds !== true).map((result) => result.seen);
        return stop(step, "no-change", `expected change did not happen within ${step.verifyWithinMs} ms: ${missing.join("; ")}`);
      }
      await io.sleep(options.pollMs);
    }
    io.report({ type: "done", step });
    outcome.applied.push(step.number);
  }
  return outcome;
}
