// Where the cluster stands in an incident, read from the evidence: a fault Redis has not acted on yet
// (developing), a state Redis has settled on (settled), or links that work again while flags, failovers
// or cluster_state have not caught up (recovering). Timings come from cluster-node-timeout: peers flag a
// node PFAIL once a PING waited that long, and clear FAIL of a master that kept its slots 2 x it later.
// Plain data: `busdoctor fix` and `watch` read it as the report prints it.
import type { SlotRange } from "./cluster.js";
import type { Evidence } from "./finding.js";

export const PHASE_NAMES = ["developing", "settled", "recovering"] as const;

export type PhaseName = (typeof PHASE_NAMES)[number];

/** What Redis does next on its own, and when (epoch ms on busdoctor's clock). */
export interface PhaseStep {
  what: string;
  atMs: number;
}

export interface Phase {
  name: PhaseName;
  /** One line: what is in flight and what Redis does next ("developing: ... Redis flags it PFAIL at ..."). */
  summary: string;
  evidence: Evidence[];
  /** cluster-node-timeout the timings use; `nodeTimeoutAssumed` when CONFIG GET was denied everywhere. */
  nodeTimeoutMs: number;
  nodeTimeoutAssumed: boolean;
  /** When the fault first showed (epoch ms, busdoctor's clock): the oldest unanswered PING or lost PONG. */
  faultSinceMs: number | null;
  next: PhaseStep | null;
  /** When a new check can tell more (or see it over); null when nothing is in flight. */
  lookAgainAtMs: number | null;
}

/**
 * A replica that took over a failed master's slots, read from the views: the old master flagged fail
 * with no slots left, the new one serving them with the higher config epoch.
 */
export interface Failover {
  oldMaster: string;
  newMaster: string;
  slots: SlotRange[];
  configEpoch: number;
  /** Answering replicas the new master has: none left means one more failure loses these slots. */
  replicas: string[];
}
