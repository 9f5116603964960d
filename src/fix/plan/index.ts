// planFix(evidence, diagnosis): the recovery plan, purely from what was read. Order: opt-in
// mitigations (relief while the cause is being fixed), the bus path, time for Redis to reconcile, then
// Redis-side repairs once nothing changes by itself any more, and last what can lose keys.
import type { DiagnosisResult } from "../../diagnose/index.js";
import type { FixEvidence } from "../evidence.js";
import type { ExtraRead, Plan, Step, StepCode } from "../model.js";
import { answeringViews, openSlots, readCluster, type ClusterReading } from "../reading.js";
import { openBusSteps, waitStep } from "./bus.js";
import { EMPTY, mergeParts, rootCauses, type PlanContext, type StepDraft } from "./context.js";
import { membershipPlan } from "./membership.js";
import { MITIGATIONS, mitigationSteps } from "./mitigations.js";
import { rejoinSteps } from "./rejoin.js";
import { majorityViews, orphanPlan, uncoveredOwners } from "./coverage.js";
import { openSlotsPlan } from "./openSlots.js";
import { splitBrainPlan } from "./splitBrain.js";

export interface PlanInput {
  evidence: FixEvidence;
  /** diagnose(evidence.current.snapshot): the analysis, the root causes and the phase the plan follows. */
  diagnosed: DiagnosisResult;
}

/** Redis's default cluster-node-timeout, assumed when CONFIG GET was denied everywhere. */
const DEFAULT_NODE_TIMEOUT_MS = 15_000;

/** Data-risk steps come last, in this order; everything else keeps the order it was planned in. */
const DATA_RISK_ORDER: readonly StepCode[] = ["FINISH_MIGRATION", "FORCE_FAILOVER", "ASSIGN_ORPHAN_SLOTS", "RESOLVE_SPLIT_BRAIN", "RESET_NODE", "RESTART_NODE"];

export function planFix({ evidence, diagnosed }: PlanInput): Plan {
  const { phase } = diagnosed.diagnosis;
  const current = readCluster(evidence.current, diagnosed.analysis);
  const earlier = evidence.earlier ? readCluster(evidence.earlier) : null;
  const context: PlanContext = {
    current,
    earlier,
    diagnosis: diagnosed.diagnosis,
    phase,
    views: answeringViews(current.analysis),
    settings: evidence.current.snapshot.settings,
    nodeTimeoutMs: current.analysis.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS,
    hostFirewalls: evidence.hostFirewalls,
  };
  const notes: string[] = [];
  const openBus = openBusSteps(context);
  const wait = waitStep(context, openBus.length > 0);
  const settled = phase.name === "settled";
  if (!settled) notes.push(`the cluster is ${phase.name} (${phase.summary}): Redis-side repairs wait until nothing changes by itself any more`);
  // Refusals explain what not to do whatever the phase; repairs wait until it has settled.
  const membership = membershipPlan(context);
  const majority = majorityViews(context);
  const slots = mergeParts([
    settled ? openSlotsPlan(context) : EMPTY,
    ...uncoveredOwners(majority).map((owner) => orphanPlan(context, owner, majority)),
    splitBrainPlan(context),
  ]);
  const drafts: StepDraft[] = [
    ...mitigationSteps(context),
    ...openBus,
    ...(wait ? [wait] : []),
    ...(settled ? membership.steps : []),
    ...slots.steps.filter((step) => step.class !== "data-risk"),
    ...[...slots.steps.filter((step) => step.class === "data-risk"), ...rejoinSteps(context)].sort(
      (a, b) => DATA_RISK_ORDER.indexOf(a.code) - DATA_RISK_ORDER.indexOf(b.code),
    ),
  ];
  const steps: Step[] = drafts.map((draft, index) => ({ number: index + 1, ...draft }));
  const snapshot = evidence.current.snapshot;
  return {
    basedOn: {
      takenAtMs: snapshot.takenAtMs,
      nodes: snapshot.nodes.length,
      answered: context.views.length,
      causes: rootCauses(diagnosed.diagnosis).map((finding) => finding.code),
      earlierTakenAtMs: evidence.earlier?.snapshot.takenAtMs ?? null,
    },
    phase,
    steps,
    refusals: [...membership.refusals, ...slots.refusals],
    notes: [...notes, ...slots.notes],
  };
}

/** At most this many open slots are counted: an interrupted reshard leaves one; hundreds mean something else. */
const MAX_COUNTED_SLOTS = 32;

/**
 * The read-only commands a plan needs beyond the snapshot: key counts of every open slot on every
 * master, and the mitigations' current values on nodes that report cluster_state:fail.
 */
export function extraReadsFor(reading: ClusterReading): Array<{ address: string; read: ExtraRead }> {
  const views = answeringViews(reading.analysis);
  const masters = views.filter((view) => view.own.role === "master").map((view) => view.node.address);
  const slots = [...new Set(openSlots(views).map((open) => open.slot))].sort((a, b) => a - b).slice(0, MAX_COUNTED_SLOTS);
  const reads = slots.flatMap((slot) => masters.map((address) => ({ address, read: { kind: "countkeysinslot", slot } as ExtraRead })));
  if (uncoveredOwners(majorityViews({ current: reading, views })).length > 0) {
    for (const view of views.filter((candidate) => candidate.view.info?.state === "fail")) {
      for (const { parameter } of MITIGATIONS) reads.push({ address: view.node.address, read: { kind: "config-get", parameter } });
    }
  }
  return reads;
}

/** Whether two readings seconds apart are needed to prove a slot idle. */
export function needsSecondReading(reading: ClusterReading): boolean {
  return openSlots(answeringViews(reading.analysis)).length > 0;
}
