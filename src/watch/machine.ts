// The monitor's decisions, as one pure function of (previous state, new sample): signals, the early
// warning, the classic warning signs, alerts firing and resolving, incidents and their timelines.
// The loop around it (sampling, printing, webhooks, metrics, history) only carries out what it says.
// The state is consumed: pass the returned one to the next call.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { ProbeResult, Snapshot } from "../model/snapshot.js";
import { linkThresholds } from "../diagnose/analyze/linkState.js";
import { advanceGossipWindow, classicReadings, rememberClients, type GossipWindow } from "./classic.js";
import { earlyPicture, type EarlyPicture } from "./early.js";
import { applyHold, causeFindings, countUnresponsive, earlyReadings, HOLD_RECHECK_MS } from "./earlyReadings.js";
import type { Alert, Incident, Reading, WatchEvent } from "../model/events.js";
import {
  addStep,
  allResolved,
  emptyIncidentBook,
  firstPendingPing,
  incidentFor,
  openIncident,
  phaseSteps,
  signalSteps,
  type IncidentBook,
} from "./incidents.js";
import { previousLook, rememberBusAnswered, rememberBusProbes } from "./looks.js";
import { unreadableReadings } from "./unreadable.js";
import { earlyThresholdMs, emptyRoundTrip, learnRoundTrip, type RoundTripMemory } from "./roundTrip.js";
import { emptySignalMemory, quietestPending, readSignals, type SignalMemory } from "./signals.js";
import type { SampleSignals } from "../model/signals.js";
import { track, type Tracked, type TrackerState } from "./tracker.js";

/** A pending ping this many observed round trips old (and at least NOTICE_FLOOR_MS) gets a follow-up sample. */
const NOTICE_ROUND_TRIPS = 3;
const NOTICE_FLOOR_MS = 50;

export interface WatchState {
  signalMemory: SignalMemory;
  roundTrip: RoundTripMemory;
  previous: SampleSignals | null;
  gossip: GossipWindow;
  clientsWhileOk: Map<string, number>;
  tracker: TrackerState;
  book: IncidentBook;
  /** Alerts of open incidents (firing or resolved), by id; and the firing one of each condition key. */
  alertsById: Map<string, Alert>;
  firingByKey: Map<string, Alert>;
  /** Since when the early warning has been held back for want of evidence. */
  holdSince: number | null;
  /** Consecutive samples in which each node took longer than the timeout to answer. */
  unresponsiveRounds: Map<string, number>;
  /** The last bus probe of each node (kept open once seen, see looks.ts): the first look's probes. */
  busProbes: Map<string, ProbeResult>;
  /** Nodes whose bus port answered in any earlier sample: a silent probe of theirs is news. */
  busAnswered: Set<string>;
  /** The previous sample: the first look `diagnose` compares this one with. */
  previousSnapshot: Snapshot | null;
  /** `check`'s pending threshold for the cluster's node timeout, as of the previous sample. */
  checkThresholdMs: number;
  /** Directed links broken in the previous sample ("observer>peer"). */
  brokenBefore: Set<string>;
  /**
   * The bus healed and Redis is converging: the causes the picture names are the fault's leftovers
   * (PINGs sent before the heal), so no early warning fires until a link newly breaks.
   */
  recovering: boolean;
}

export function initialState(nextIncidentId = 1): WatchState {
  return {
    signalMemory: emptySignalMemory(),
    roundTrip: emptyRoundTrip(),
    previous: null,
    gossip: new Map(),
    clientsWhileOk: new Map(),
    tracker: new Map(),
    book: emptyIncidentBook(nextIncidentId),
    alertsById: new Map(),
    firingByKey: new Map(),
    holdSince: null,
    unresponsiveRounds: new Map(),
    busProbes: new Map(),
    busAnswered: new Set(),
    previousSnapshot: null,
    checkThresholdMs: linkThresholds(null).pendingMs,
    brokenBefore: new Set(),
    recovering: false,
  };
}

export interface StepOutput {
  state: WatchState;
  events: WatchEvent[];
  signals: SampleSignals;
  thresholdMs: number;
  roundTripMs: number;
  /** Nodes whose bus port should be probed again: the ones the early warning suspects or is about to. */
  probeBusOf: string[];
  /** Sample again this soon instead of at the next tick, or null. */
  followUpInMs: number | null;
  firing: Alert[];
}

/** Nodes the views list, by id, handshakes aside: what every node's cluster_known_nodes should reach. */
function expectedNodeCount(analysis: ClusterAnalysis): number {
  const ids = new Set<string>();
  for (const view of analysis.views) for (const entry of view.nodes ?? []) if (!entry.flags.includes("handshake")) ids.add(entry.id);
  return ids.size;
}

function alertId(incident: Incident, code: string): string {
  const base = `${incident.id}-${code.toLowerCase().replaceAll("_", "-")}`;
  const repeats = incident.alertIds.filter((id) => id === base || id.startsWith(`${base}.`)).length;
  return repeats === 0 ? base : `${base}.${repeats + 1}`;
}

/**
 * Whether a new reading may replace the cause an early warning names: one about the same or fewer of
 * its nodes, backed by as many broken links; the same cause grown to more nodes (a second node blocked
 * by the same rule, one more node down); or a wider one (a partition found behind a blocked node)
 * backed by twice as many. A node that misses one sample (a slow reply) must not rename the fault.
 */
function sharper(alert: Alert, reading: Reading): boolean {
  const before = alert.cause?.nodes ?? alert.nodes;
  const after = reading.cause?.nodes ?? reading.nodes;
  if (after.every((node) => before.includes(node))) return reading.support >= alert.support;
  if (alert.cause?.code === reading.cause?.code && before.every((node) => after.includes(node))) return true;
  return after.some((node) => before.includes(node)) && reading.support >= 2 * Math.max(1, alert.support);
}

function sameCause(a: Reading["cause"], b: Reading["cause"]): boolean {
  return a?.code === b?.code && a?.nodes.join(",") === b?.nodes.join(",");
}

/**
 * Recovering starts when diagnose says so (links answer again, none newly broken) and lasts until a
 * link newly breaks (a new fault) or the cluster is settled with nothing broken.
 */
function stillRecovering(state: WatchState, picture: EarlyPicture): { recovering: boolean; broken: Set<string> } {
  const broken = new Set(picture.broken.map((cell) => `${cell.observer}>${cell.peer}`));
  const newlyBroken = [...broken].some((key) => !state.brokenBefore.has(key));
  const { phase } = picture.diagnosis;
  if (phase.name === "recovering") return { recovering: true, broken };
  if (newlyBroken || (phase.name === "settled" && broken.size === 0)) return { recovering: false, broken };
  return { recovering: state.recovering, broken };
}

export function step(state: WatchState, snapshot: Snapshot): StepOutput {
  const at = snapshot.finishedAtMs;
  const thresholdMs = earlyThresholdMs(state.roundTrip, state.checkThresholdMs);
  const picture = earlyPicture(snapshot, previousLook(state.previousSnapshot, state.busProbes), thresholdMs, state.busAnswered);
  const { analysis } = picture;
  state.busProbes = rememberBusProbes(state.busProbes, snapshot);
  state.busAnswered = rememberBusAnswered(state.busAnswered, snapshot);
  state.previousSnapshot = snapshot;
  state.checkThresholdMs = linkThresholds(analysis.nodeTimeoutMs).pendingMs;
  const healing = stillRecovering(state, picture);
  state.recovering = healing.recovering;
  state.brokenBefore = healing.broken;
  const signals = readSignals(analysis, snapshot, state.signalMemory);
  state.unresponsiveRounds = countUnresponsive(state.unresponsiveRounds, analysis);
  const roundTripMs = state.roundTrip.estimateMs;
  state.roundTrip = learnRoundTrip(state.roundTrip, signals.links, signals.at, thresholdMs);
  state.gossip = advanceGossipWindow(state.gossip, signals);

  const readings = earlyReadings(state.tracker, picture, state.unresponsiveRounds, roundTripMs, analysis.nodeTimeoutMs, state.recovering);
  const held = applyHold(state.holdSince, new Set(state.firingByKey.keys()), picture, readings, at);
  state.holdSince = held.holdSince;
  const classic = classicReadings({
    signals,
    previous: state.previous,
    window: state.gossip,
    expectedNodes: expectedNodeCount(analysis),
    firing: new Set(state.firingByKey.keys()),
    clientsWhileOk: state.clientsWhileOk,
  });
  state.clientsWhileOk = rememberClients(state.clientsWhileOk, signals);
  const { transitions } = track(state.tracker, [...held.readings, ...classic, ...unreadableReadings(picture.diagnosis, analysis)], at);
  const events: WatchEvent[] = [];

  for (const transition of transitions) {
    const { tracked } = transition;
    if (transition.kind === "fire") events.push(...fire(state, tracked, signals, at));
    else if (transition.kind === "update") events.push(...update(state, tracked, at));
    else events.push(...resolve(state, tracked, at));
  }
  // For an incident, a cluster where the diagnosis finds nothing any more is resolved (its alerts may
  // still be running out their clear samples).
  const phase = state.recovering ? "recovering" : picture.diagnosis.health === "healthy" ? "resolved" : picture.diagnosis.phase.name;
  for (const incident of state.book.open) {
    for (const added of signalSteps(incident, signals, state.previous)) events.push({ type: "incident-step", at, incident, step: added });
    for (const added of phaseSteps(incident, phase, picture.diagnosis.phase.summary, at)) events.push({ type: "incident-step", at, incident, step: added });
  }
  events.push(...closeFinished(state, at));
  state.previous = signals;

  const noticeMs = Math.max(NOTICE_FLOOR_MS, NOTICE_ROUND_TRIPS * roundTripMs);
  const quiet = quietestPending(signals, thresholdMs);
  const noticed = quiet !== null && quiet.pendingMs >= noticeMs;
  const followUps = [held.holding ? HOLD_RECHECK_MS : null, noticed ? thresholdMs - quiet.pendingMs + 25 : null].filter((ms) => ms !== null);
  // Both ends of a ping about to cross the threshold get probed now, so the sample that sees it cross
  // already knows whether the bus port still answers (the inbound side of a block, see looks.ts).
  const suspects = [...(picture.suspect ? [picture.suspect] : []), ...(noticed ? [quiet.observer, quiet.peer] : [])];
  return {
    state,
    events,
    signals,
    thresholdMs,
    roundTripMs,
    probeBusOf: [...new Set([...suspects, ...causeFindings(picture, state.unresponsiveRounds).flatMap((finding) => finding.nodes)])],
    followUpInMs: followUps.length === 0 ? null : Math.max(25, Math.min(...followUps)),
    firing: [...state.firingByKey.values()],
  };
}

function stepEvents(state: WatchState, incidentId: number, kind: Parameters<typeof addStep>[1], at: number, nodes: string[], detail: string): WatchEvent[] {
  const incident = state.book.open.find((candidate) => candidate.id === incidentId);
  const added = incident ? addStep(incident, kind, at, nodes, detail) : null;
  return incident && added ? [{ type: "incident-step", at, incident, step: added }] : [];
}

function fire(state: WatchState, tracked: Tracked, signals: SampleSignals, at: number): WatchEvent[] {
  const { reading } = tracked;
  const events: WatchEvent[] = [];
  let incident = incidentFor(state.book, reading);
  if (!incident) {
    incident = openIncident(state.book, reading, at);
    events.push({ type: "incident-opened", at, incident });
  } else if (reading.cause && !incident.cause) {
    // The early warning names a cause for an incident its consequences opened.
    incident.cause = reading.cause;
    incident.title = reading.cause.summary;
    incident.nodes = reading.cause.nodes;
  }
  const alert: Alert = { ...reading, id: alertId(incident, reading.code), incidentId: incident.id, startedAt: at, endedAt: null };
  incident.alertIds.push(alert.id);
  state.alertsById.set(alert.id, alert);
  state.firingByKey.set(tracked.key, alert);
  if (reading.code === "EARLY_WARNING") {
    const first = firstPendingPing(signals.links, reading.cause?.nodes ?? reading.nodes, signals.at);
    if (first) {
      const { link } = first;
      events.push(
        ...stepEvents(
          state,
          incident.id,
          "first-pending-ping",
          first.at,
          [link.peer],
          `${link.observer} -> ${link.peer}: PING pending ${link.pingPendingMs} ms`,
        ),
      );
    }
    events.push(
      ...stepEvents(
        state,
        incident.id,
        "early-warning",
        at,
        reading.nodes,
        reading.cause ? `${reading.cause.code}: ${reading.cause.summary}` : reading.summary,
      ),
    );
  }
  events.push({ type: "firing", at, alert, incident });
  return events;
}

/**
 * A firing alert's latest reading. An early warning takes a new cause only when at least as many broken
 * links back it as backed the last one: while a fault spreads the cause gets sharper (a pair becomes a
 * node blocked both ways); while it heals, the last few pending pings must not rename it.
 */
function update(state: WatchState, tracked: Tracked, at: number): WatchEvent[] {
  const alert = state.firingByKey.get(tracked.key);
  if (!alert) return [];
  const { reading } = tracked;
  if (reading.code !== "EARLY_WARNING") {
    Object.assign(alert, { severity: reading.severity, nodes: reading.nodes, summary: reading.summary, evidence: reading.evidence, support: reading.support });
    return [];
  }
  if (!sharper(alert, reading)) return [];
  const refined = reading.cause !== null && !sameCause(alert.cause, reading.cause);
  Object.assign(alert, {
    severity: reading.severity,
    nodes: reading.nodes,
    summary: reading.summary,
    evidence: reading.evidence,
    cause: reading.cause,
    support: reading.support,
  });
  const incident = state.book.open.find((candidate) => candidate.id === alert.incidentId);
  if (!reading.cause || !incident) return [];
  // The same cause can read better with more evidence ("down or cut off" once peers stop hearing it).
  if (incident.cause?.code === reading.cause.code) incident.title = reading.cause.summary;
  if (!refined) return [];
  incident.cause = reading.cause;
  incident.title = reading.cause.summary;
  incident.nodes = [...new Set([...incident.nodes, ...reading.cause.nodes])];
  return stepEvents(state, incident.id, "cause-refined", at, reading.cause.nodes, `${reading.cause.code}: ${reading.cause.summary}`);
}

/** The early warning's resolution dates the heal: the first sample of the clear run that resolved it. */
function resolve(state: WatchState, tracked: Tracked, at: number): WatchEvent[] {
  const alert = state.firingByKey.get(tracked.key);
  if (!alert) return [];
  state.firingByKey.delete(tracked.key);
  alert.endedAt = at;
  const incident = state.book.open.find((candidate) => candidate.id === alert.incidentId);
  if (!incident) return [];
  const heal =
    tracked.code === "EARLY_WARNING"
      ? stepEvents(state, incident.id, "heal", tracked.clearSince ?? at, alert.nodes, "the pending pings were answered: bus traffic flows again")
      : [];
  return [...heal, { type: "resolved", at, alert, incident }];
}

function closeFinished(state: WatchState, at: number): WatchEvent[] {
  const events: WatchEvent[] = [];
  state.book.open = state.book.open.filter((incident) => {
    if (!allResolved(incident, state.alertsById)) return true;
    const recovery = addStep(incident, "recovery", at, incident.nodes, "every alert of the incident resolved");
    if (recovery) events.push({ type: "incident-step", at, incident, step: recovery });
    for (const added of phaseSteps(incident, "resolved", "resolved: every alert of the incident resolved", at))
      events.push({ type: "incident-step", at, incident, step: added });
    incident.closedAt = at;
    for (const id of incident.alertIds) state.alertsById.delete(id);
    events.push({ type: "incident-closed", at, incident });
    return false;
  });
  return events;
}
