// How long a healthy bus PING waits for its PONG here, learnt from the samples themselves: a ping seen
// pending in one sample and answered by the next waited at least that long. On a LAN this is a
// millisecond or two, so samples almost never catch one; under heavy client load, pongs come later and
// the early-warning threshold rises with them. Pure.
import type { LinkSignals } from "../model/signals.js";

export interface RoundTripMemory {
  /** A decaying maximum of the answered pings' observed waits, in ms. */
  estimateMs: number;
  at: number | null;
  /** "observer|peer" -> the pending ping seen in the previous sample (observer clock) and its wait then. */
  pending: Map<string, { pingSentMs: number; waitedMs: number }>;
}

/** The estimate halves in about a minute without new slow pongs. */
const HALF_LIFE_MS = 60_000;
/** Below this the estimate is noise: loopback and LAN round trips are well under it. */
const MIN_ESTIMATE_MS = 1;
/** A pending ping is a fault when it waited this many round trips... */
const ROUND_TRIPS = 10;
/** ...and at least this long: Redis itself needs the full node timeout, so 250 ms is still early. */
const EARLY_FLOOR_MS = 250;

export function emptyRoundTrip(): RoundTripMemory {
  return { estimateMs: MIN_ESTIMATE_MS, at: null, pending: new Map() };
}

/**
 * Learns from pings answered since the previous sample. Only waits below `thresholdMs` are learnt: a
 * ping that waited past it was a fault (or a hung node) and must not teach the monitor to ignore the next.
 */
export function learnRoundTrip(memory: RoundTripMemory, links: readonly LinkSignals[], at: number, thresholdMs: number): RoundTripMemory {
  let estimate = memory.estimateMs;
  if (memory.at !== null) estimate = Math.max(MIN_ESTIMATE_MS, estimate * 0.5 ** ((at - memory.at) / HALF_LIFE_MS));
  const pending = new Map<string, { pingSentMs: number; waitedMs: number }>();
  for (const link of links) {
    const key = `${link.observer}|${link.peer}`;
    const before = memory.pending.get(key);
    if (before && link.pongRecvMs !== null && link.pongRecvMs >= before.pingSentMs && before.waitedMs < thresholdMs) {
      estimate = Math.max(estimate, before.waitedMs);
    }
    if (link.pingSentMs !== null && link.pingPendingMs !== null) pending.set(key, { pingSentMs: link.pingSentMs, waitedMs: link.pingPendingMs });
  }
  return { estimateMs: estimate, at, pending };
}

/** The early-warning threshold: well past the observed round trip, never past `check`'s own threshold. */
export function earlyThresholdMs(memory: RoundTripMemory, checkThresholdMs: number): number {
  return Math.min(checkThresholdMs, Math.max(EARLY_FLOOR_MS, ROUND_TRIPS * memory.estimateMs));
}
