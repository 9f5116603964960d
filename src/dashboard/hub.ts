// The dashboard's server-side state: a watch sink that keeps the charts' history and the latest sample,
// and streams each sample to the open pages. Without a page it only appends one small point per sample;
// the full state (analysis, matrix, shards, slots) is built when a page is there or asks for it.
import type { Snapshot } from "../model/snapshot.js";
import type { Incident, StepIncidents } from "../model/events.js";
import type { SampleSignals } from "../model/signals.js";
import { openIncidents, updateMarks, wireIncident } from "./incidents.js";
import { buildState, roleChanges, wirePoint, type Capture } from "./state.js";
import { DEFAULT_STREAM_LIMITS, EventStream, formatEvent, resumeFrom, type StreamLimits } from "./stream.js";
import {
  DASHBOARD_API_VERSION,
  type WireIncident,
  type WireIncidentList,
  type WireMark,
  type WirePoint,
  type WireReset,
  type WireRoleChange,
  type WireState,
} from "./wire.js";

/** Past incidents, newest first: the history database's reader (HistoryStore) fits. */
/**
 * What the dashboard reads of one watch step: the fields of watch/machine.ts's StepOutput it draws
 * (declared here so the dashboard does not import the watch, which serves it).
 */
export interface ObservedStep extends StepIncidents {
  signals: SampleSignals;
  thresholdMs: number;
  roundTripMs: number;
}

export interface IncidentSource {
  recentIncidents(limit: number): Incident[];
}

export interface DashboardOptions {
  intervalMs: number;
  history: IncidentSource | null;
  /** How far back the charts go. */
  seriesMs: number;
  /** Samples keep being serialized this long after the last page left, so that it can resume. */
  resumeWindowMs: number;
  streamLimits: StreamLimits;
}

const DEFAULT_SERIES_MS = 15 * 60_000;
const MAX_POINTS = 3600;
const MAX_MARKS = 50;
const MAX_ROLE_CHANGES = 30;
/** Incidents this run saw close, for /api/incidents without a history database. */
const MAX_MEMORY_INCIDENTS = 50;
const INCIDENT_LIST_LIMIT = 30;

export class Dashboard {
  readonly stream: EventStream;
  private seq = 0;
  private readonly series: WirePoint[] = [];
  private readonly maxPoints: number;
  private marks: WireMark[] = [];
  private changes: WireRoleChange[] = [];
  private roles = new Map<string, WireRoleChange["to"]>();
  private capture: Capture | null = null;
  private state: WireState | null = null;
  private readonly closedHere: WireIncident[] = [];
  private openBefore = new Map<number, WireIncident>();

  constructor(private readonly options: DashboardOptions) {
    this.stream = new EventStream(options.streamLimits);
    this.maxPoints = Math.min(MAX_POINTS, Math.max(2, Math.ceil(options.seriesMs / Math.max(1, options.intervalMs))));
  }

  static withDefaults(intervalMs: number, history: IncidentSource | null): Dashboard {
    return new Dashboard({ intervalMs, history, seriesMs: DEFAULT_SERIES_MS, resumeWindowMs: 2 * 60_000, streamLimits: DEFAULT_STREAM_LIMITS });
  }

  /** The watch sink. */
  observe(output: ObservedStep, snapshot: Snapshot): void {
    this.seq += 1;
    const { signals } = output;
    const point = wirePoint(signals);
    this.series.push(point);
    if (this.series.length > this.maxPoints) this.series.shift();

    this.changes = [...this.changes, ...roleChanges(this.roles, signals)].slice(-MAX_ROLE_CHANGES);
    this.roles = new Map(signals.nodes.map((node) => [node.address, node.role === null ? null : node.role === "slave" ? "replica" : "master"]));

    const incidents = openIncidents(output.state.book.open, output.state.alertsById);
    const closed = output.events.flatMap((event) => (event.type === "incident-closed" ? [event.incident] : []));
    for (const incident of closed) {
      // Its alerts left the watch's state when it closed: take them from the last sample it was open in.
      const alerts = this.openBefore.get(incident.id)?.alerts ?? [];
      this.closedHere.push({ ...wireIncident(incident, []), alerts });
    }
    this.closedHere.splice(0, Math.max(0, this.closedHere.length - MAX_MEMORY_INCIDENTS));
    this.openBefore = new Map(incidents.map((incident) => [incident.id, incident]));
    this.marks = updateMarks(this.marks, [...output.state.book.open, ...closed], this.series[0]?.at ?? signals.at, MAX_MARKS);

    this.capture = { at: signals.at, snapshot, links: signals.links, thresholdMs: output.thresholdMs, roundTripMs: output.roundTripMs, incidents };
    this.state = null;
    if (!this.stream.wanted(Date.now(), this.options.resumeWindowMs)) {
      this.stream.ring.clear();
      return;
    }
    const text = formatEvent(this.stream.boot, this.seq, "sample", { seq: this.seq, point, state: this.latestState() });
    this.stream.ring.push(this.seq, text);
    this.stream.write(text);
  }

  /** The latest sample's state, built on first use. */
  latestState(): WireState | null {
    if (this.state === null && this.capture !== null) {
      this.state = buildState(this.capture, { intervalMs: this.options.intervalMs, roleChanges: this.changes, marks: this.marks });
    }
    return this.state;
  }

  /** GET /api/snapshot, and the `reset` event. */
  reset(): WireReset {
    return { version: DASHBOARD_API_VERSION, seq: this.seq, series: this.series, state: this.latestState() };
  }

  /** What a (re)connecting page gets first: the samples it missed, or a reset. */
  initialEvents(lastEventId: string | undefined): string[] {
    const from = resumeFrom(lastEventId, this.stream.boot);
    const missed = from === null ? null : this.stream.ring.after(from, this.seq);
    return missed ?? [formatEvent(this.stream.boot, this.seq, "reset", this.reset())];
  }

  /** GET /api/incidents: from the history database when there is one, else this run's. */
  incidents(limit = INCIDENT_LIST_LIMIT): WireIncidentList {
    const open = this.capture?.incidents ?? [];
    if (this.options.history === null) {
      const all = [...open, ...this.closedHere].sort((a, b) => b.openedAt - a.openedAt || b.id - a.id);
      return { version: DASHBOARD_API_VERSION, source: "memory", incidents: all.slice(0, limit) };
    }
    const openById = new Map(open.map((incident) => [incident.id, incident]));
    // The database has every step and the alerts' codes; the open ones' evidence is fresher in memory.
    const stored = this.options.history.recentIncidents(limit).map((incident) => openById.get(incident.id) ?? wireIncident(incident, []));
    return { version: DASHBOARD_API_VERSION, source: "history", incidents: stored };
  }

  close(): void {
    this.stream.close();
  }
}
