// What every part of the planner reads: the current reading, the earlier one (open slots), the
// diagnosis with its root causes, the phase, and how to print a command a person can paste.
import type { Diagnosis, Finding } from "../../model/finding.js";
import type { Snapshot } from "../../model/snapshot.js";
import { clusterCliAddress, splitAddress } from "../../cluster/address.js";
import type { HostFirewall } from "../evidence.js";
import type { Refusal, Step } from "../model.js";
import type { Phase } from "../../model/phase.js";
import type { AnsweringView, ClusterReading } from "../reading.js";

export interface PlanContext {
  current: ClusterReading;
  earlier: ClusterReading | null;
  diagnosis: Diagnosis;
  phase: Phase;
  views: AnsweringView[];
  /** How the snapshot connected: printed commands carry the same --tls/--user (never a password). */
  settings: Snapshot["settings"];
  nodeTimeoutMs: number;
  /** What host-audit found on nodes' hosts (`--host-audit`), by node. */
  hostFirewalls: HostFirewall[];
}

/** A step before the plan numbers it. */
export type StepDraft = Omit<Step, "number">;

/** What one part of the planner contributes. */
export interface PartPlan {
  steps: StepDraft[];
  refusals: Refusal[];
  notes: string[];
}

export const EMPTY: PartPlan = { steps: [], refusals: [], notes: [] };

export function mergeParts(parts: readonly PartPlan[]): PartPlan {
  return { steps: parts.flatMap((part) => part.steps), refusals: parts.flatMap((part) => part.refusals), notes: parts.flatMap((part) => part.notes) };
}

/** The diagnosis's root cause and co-root causes (each enough on its own to break the cluster). */
export function rootCauses(diagnosis: Diagnosis): Finding[] {
  return [...(diagnosis.rootCause ? [diagnosis.rootCause] : []), ...diagnosis.coRootCauses];
}

/** Every finding of the diagnosis with this code (root cause, consequence or other). */
export function findingsWith(diagnosis: Diagnosis, code: Finding["code"]): Finding[] {
  return [...rootCauses(diagnosis), ...diagnosis.consequences, ...diagnosis.otherFindings].filter((finding) => finding.code === code);
}

/** `redis-cli [--tls] [--user U] -h host -p port ARGS`: the password comes from REDISCLI_AUTH, never the line. */
export function redisCli(context: Pick<PlanContext, "settings">, address: string, args: readonly string[]): string {
  const [host, port] = splitAddress(address);
  const flags = [...(context.settings.tls ? ["--tls"] : []), ...(context.settings.user !== null ? ["--user", context.settings.user] : [])];
  return ["redis-cli", ...flags, "-h", host, "-p", port, ...args].join(" ");
}

export function clusterWide(context: Pick<PlanContext, "settings">, address: string, tool: string, extra: readonly string[] = []): string {
  const flags = [...(context.settings.tls ? ["--tls"] : []), ...(context.settings.user !== null ? ["--user", context.settings.user] : [])];
  return ["redis-cli", ...flags, "--cluster", tool, clusterCliAddress(address), ...extra].join(" ");
}

export const shortId = (id: string): string => id.slice(0, 8);
