// One cell of the link matrix: the observer's CLUSTER NODES line for a peer, read on the observer's
// own clock. Sample line (peer 127.0.0.3, ping pending since 1732600004200, last PONG 1732600001000):
//   3c1f...e2 127.0.0.3:6379@16379 master - 1732600004200 1732600001000 3 connected 10923-16383
import type { ClusterNodeEntry } from "../../model/cluster.js";
import type { LinkState } from "../../model/links.js";

export interface LinkThresholds {
  pendingMs: number;
  pongStaleMs: number;
}

/** Redis's default cluster-node-timeout, assumed when CONFIG GET is denied everywhere. */
export const DEFAULT_NODE_TIMEOUT_MS = 15_000;

/**
 * Redis pings every peer whose last PONG is older than node-timeout/2, and one random peer a second;
 * the PONG normally clears ping-sent within a round trip. So a ping pending for more than a second
 * (half the node timeout when that is shorter) is already a fault, long before PFAIL.
 */
export function linkThresholds(nodeTimeoutMs: number | null): LinkThresholds {
  const timeout = nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
  const pendingMs = Math.min(1000, Math.max(500, timeout / 2));
  return { pendingMs, pongStaleMs: timeout / 2 + pendingMs };
}

/**
 * One frozen `ok` state per PONG age: in a healthy cluster nearly every cell of the million in a
 * 1000-node matrix is `ok`, and their ages span only the node timeout, so a few thousand objects do.
 * One instance per analysis.
 */
export class SharedLinkStates {
  private readonly okByPongAge = new Map<number | null, LinkState>();

  ok(pongAgeMs: number | null): LinkState {
    let state = this.okByPongAge.get(pongAgeMs);
    if (state === undefined) this.okByPongAge.set(pongAgeMs, (state = Object.freeze({ kind: "ok", pongAgeMs })));
    return state;
  }
}

export function linkStateOf(entry: ClusterNodeEntry, nowMs: number, thresholds: LinkThresholds, shared: SharedLinkStates): LinkState {
  const pendingMs = entry.pingSentMs > 0 ? Math.max(0, nowMs - entry.pingSentMs) : null;
  const pongAgeMs = entry.pongRecvMs > 0 ? Math.max(0, nowMs - entry.pongRecvMs) : null;
  if (entry.flags.includes("fail")) return { kind: "fail", pendingMs, pongAgeMs };
  if (entry.flags.includes("fail?")) return { kind: "pfail", pendingMs, pongAgeMs };
  if (pendingMs !== null && pendingMs > thresholds.pendingMs) return { kind: "ping-pending", pendingMs };
  if (pendingMs === null && pongAgeMs !== null && pongAgeMs > thresholds.pongStaleMs) {
    return { kind: "pong-stale", pongAgeMs };
  }
  return shared.ok(pongAgeMs);
}

/**
 * Whether the observer currently cannot exchange bus messages with the peer. A `fail` flag alone is
 * not enough: after a heal the flag can outlive the fault while PONGs already flow again.
 */
export function isLinkBroken(state: LinkState, thresholds: LinkThresholds): boolean {
  switch (state.kind) {
    case "ping-pending":
    case "pong-stale":
      return true;
    case "pfail":
    case "fail": {
      const pending = state.pendingMs !== null && state.pendingMs > thresholds.pendingMs;
      const fresh = state.pongAgeMs !== null && state.pongAgeMs <= thresholds.pongStaleMs;
      return pending || !fresh;
    }
    case "ok":
    case "missing":
    case "unknown":
      return false;
  }
}

/** Whether the cell says anything either way (a missing or unknown cell is no evidence). */
export function isLinkKnown(state: LinkState): boolean {
  return state.kind !== "missing" && state.kind !== "unknown";
}
