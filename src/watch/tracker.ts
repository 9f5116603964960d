// When a condition becomes an alert and when the alert is over. An alert fires once its condition held
// for `fireAfter` samples and resolves once it has been clear for `resolveAfter` samples. A condition that
// comes back soon after resolving is flapping: each flap doubles how long it must stay clear before the
// next resolution, so a link that drops every few seconds makes one long alert, not a stream of them.
// Pure: the state is consumed and returned.
import type { AlertCode, Reading } from "../model/events.js";

export interface Policy {
  fireAfter: number;
  resolveAfter: number;
}

/** The early warning and the hard failures fire on the first sample: latency is their point. */
const POLICIES: Record<AlertCode, Policy> = {
  EARLY_WARNING: { fireAfter: 1, resolveAfter: 3 },
  CLUSTER_STATE_FAIL: { fireAfter: 1, resolveAfter: 3 },
  SLOTS_PFAIL: { fireAfter: 1, resolveAfter: 3 },
  SLOTS_FAIL: { fireAfter: 1, resolveAfter: 3 },
  GOSSIP_ASYMMETRY: { fireAfter: 1, resolveAfter: 3 },
  // Membership gossip takes a few rounds to reach everyone after a node joins.
  KNOWN_NODES_LOW: { fireAfter: 3, resolveAfter: 3 },
  CLIENTS_UP_CLUSTER_DOWN: { fireAfter: 1, resolveAfter: 3 },
  // One reply lost to a busy host is no alert; two in a row are.
  NODE_UNREADABLE: { fireAfter: 2, resolveAfter: 3 },
};

/** A condition back within this long of its alert resolving is a flap. */
export const FLAP_WINDOW_MS = 60_000;
const MAX_FLAP_DOUBLINGS = 4;
/** A quiet condition's bookkeeping is kept this long after its alert resolved, to recognise a flap. */
const FORGET_AFTER_MS = 10 * 60_000;

export interface Tracked {
  key: string;
  code: AlertCode;
  activeRounds: number;
  clearRounds: number;
  firing: boolean;
  /** The last reading while active: what the alert says. */
  reading: Reading;
  flaps: number;
  lastResolvedAt: number | null;
  /** When the current run of clear samples began (null while active). */
  clearSince: number | null;
}

export type TrackerState = Map<string, Tracked>;

export type Transition = { kind: "fire"; tracked: Tracked } | { kind: "update"; tracked: Tracked } | { kind: "resolve"; tracked: Tracked };

function resolveAfter(tracked: Tracked): number {
  return POLICIES[tracked.code].resolveAfter * 2 ** Math.min(tracked.flaps, MAX_FLAP_DOUBLINGS);
}

export function track(state: TrackerState, readings: readonly Reading[], at: number): { state: TrackerState; transitions: Transition[] } {
  const transitions: Transition[] = [];
  const active = new Map(readings.map((reading) => [reading.key, reading]));
  for (const reading of readings) {
    let tracked = state.get(reading.key);
    if (!tracked) {
      tracked = {
        key: reading.key,
        code: reading.code,
        activeRounds: 0,
        clearRounds: 0,
        firing: false,
        reading,
        flaps: 0,
        lastResolvedAt: null,
        clearSince: null,
      };
      state.set(reading.key, tracked);
    }
    tracked.activeRounds += 1;
    tracked.clearRounds = 0;
    tracked.clearSince = null;
    tracked.reading = reading;
    if (tracked.firing) {
      transitions.push({ kind: "update", tracked });
    } else if (tracked.activeRounds >= POLICIES[reading.code].fireAfter) {
      const flapped = tracked.lastResolvedAt !== null && at - tracked.lastResolvedAt < FLAP_WINDOW_MS;
      tracked.flaps = flapped ? tracked.flaps + 1 : 0;
      tracked.firing = true;
      transitions.push({ kind: "fire", tracked });
    }
  }
  for (const [key, tracked] of state) {
    if (active.has(key)) continue;
    tracked.activeRounds = 0;
    tracked.clearRounds += 1;
    tracked.clearSince ??= at;
    if (tracked.firing && tracked.clearRounds >= resolveAfter(tracked)) {
      tracked.firing = false;
      tracked.lastResolvedAt = at;
      transitions.push({ kind: "resolve", tracked });
    } else if (!tracked.firing && (tracked.lastResolvedAt === null || at - tracked.lastResolvedAt > FORGET_AFTER_MS)) {
      state.delete(key);
    }
  }
  return { state, transitions };
}
