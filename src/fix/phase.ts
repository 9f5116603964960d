// The one place the planner learns which phase the cluster is in. The phase itself is the diagnosis's
// to decide (issue #7: developing / settled / recovering, timed from cluster-node-timeout); the planner
// only needs this much of it.
import type { DiagnosisResult } from "../diagnose/index.js";
import type { Snapshot } from "../model/snapshot.js";

/**
 * - developing: a fault is still unfolding (peers suspect a node, FAIL or a failover is still to come);
 * - recovering: the bus works again but Redis has not cleared every FAIL yet (it does so by itself,
 *   within 2 x cluster-node-timeout for a master that kept its slots);
 * - settled: nothing will change by itself any more.
 */
export type PhaseName = "developing" | "settled" | "recovering";

export interface FixPhase {
  name: PhaseName;
  /** When the cluster should have finished changing by itself (busdoctor's clock), null when settled. */
  waitUntilMs: number | null;
  /** One line: what the phase was read from. */
  basis: string;
}

/** What Redis waits before it clears FAIL of a master that still serves its slots (CLUSTER_FAIL_UNDO_TIME_MULT). */
export const FAIL_UNDO_TIME_MULT = 2;
/** Redis's default cluster-node-timeout, assumed when CONFIG GET was denied everywhere. */
const DEFAULT_NODE_TIMEOUT_MS = 15_000;

/**
 * Until the diagnosis reports its phase, read it here, narrowly: links broken and a suspect nobody
 * has failed yet (outside isolated nodes, which suspect everyone for ever) is developing; links healthy
 * and a node still flagged `fail` while it answers is recovering; anything else is settled.
 */
export function phaseOf(snapshot: Snapshot, { analysis, diagnosis }: DiagnosisResult): FixPhase {
  void diagnosis;
  const nodeTimeoutMs = analysis.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
  const waitUntilMs = snapshot.finishedAtMs + FAIL_UNDO_TIME_MULT * nodeTimeoutMs;
  const answering = new Set(analysis.nodes.filter((node) => node.response.kind === "answering").map((node) => node.address));
  const failed = new Set(analysis.links.filter((cell) => cell.state.kind === "fail").map((cell) => cell.peer));
  const isolatedObservers = new Set(
    analysis.nodes.filter((node) => node.clusterState === "fail" && analysis.links.filter((cell) => cell.observer === node.address).every((cell) => cell.state.kind === "pfail" || cell.state.kind === "fail" || cell.state.kind === "ping-pending")).map((node) => node.address),
  );
  const suspected = analysis.links.filter(
    (cell) => !isolatedObservers.has(cell.observer) && (cell.state.kind === "pfail" || cell.state.kind === "ping-pending") && !failed.has(cell.peer),
  );
  if (suspected.length > 0) {
    const cell = suspected[0];
    return { name: "developing", waitUntilMs, basis: `${cell?.observer} suspects ${cell?.peer} (${cell?.state.kind}) and no view has failed it yet` };
  }
  const broken = analysis.links.some((cell) => cell.state.kind === "pfail" || cell.state.kind === "ping-pending" || cell.state.kind === "pong-stale");
  const stillFailed = [...failed].filter((address) => answering.has(address));
  if (!broken && stillFailed.length > 0) {
    return { name: "recovering", waitUntilMs, basis: `every bus link answers, but ${stillFailed.join(", ")} is still flagged fail` };
  }
  return { name: "settled", waitUntilMs: null, basis: broken ? "bus links are broken and every view agrees on what failed" : "no node is suspected or flagged fail while it answers" };
}
