// The watch's history in an embedded SQLite database (better-sqlite3): incidents with their steps and
// alerts, and the signals, downsampled (every sample while an incident is open, one every `stepMs`
// otherwise; of the links only those that are not healthy). WAL mode with synchronous=NORMAL: every
// sample is one transaction, and a monitor killed with -9 leaves a consistent database behind.
import type Database from "better-sqlite3";
import type { Alert, Incident, IncidentRecord, IncidentStep, StoredAlert, WatchEvent } from "../model/events.js";
import { linkIsNotable, type SampleSignals } from "../model/signals.js";
import { lockHistory, type HistoryLock } from "./lock.js";
import { openHistoryDatabase } from "./schema.js";

interface IncidentRow {
  id: number;
  opened_at: number;
  closed_at: number | null;
  title: string;
  cause: string | null;
  nodes: string;
}

interface AlertRow {
  id: string;
  incident_id: number;
  code: Alert["code"];
  severity: Alert["severity"];
  nodes: string;
  summary: string;
  cause: string | null;
  evidence: string;
  started_at: number;
  ended_at: number | null;
}

interface StepRow {
  at: number;
  kind: IncidentStep["kind"];
  nodes: string;
  detail: string;
}

export interface HistoryOptions {
  /** Signals are kept at most this often outside incidents. */
  stepMs: number;
  /** Rows older than this are deleted. */
  retentionMs: number;
}

/** How often old rows are pruned. */
const PRUNE_EVERY_MS = 60 * 60_000;

export class HistoryStore {
  private lastSignalsAt = 0;
  private lastPruneAt = 0;

  private constructor(
    private readonly db: Database.Database,
    private readonly options: HistoryOptions,
    private readonly lock: HistoryLock | null,
  ) {}

  /**
   * Opens the database at `path` and brings its schema up to date. `writer`: creates it if needed and
   * takes the one-writer lock (lock.ts), refusing when another watch holds it; else opens it to read.
   */
  static open(path: string, options: HistoryOptions, writer = true): HistoryStore {
    const lock = writer ? lockHistory(path) : null;
    try {
      return new HistoryStore(openHistoryDatabase(path, writer), options, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** The id the next incident gets: ids go on across restarts. */
  nextIncidentId(): number {
    const row = this.db.prepare("SELECT MAX(id) AS id FROM incidents").get() as { id: number | null };
    return (row.id ?? 0) + 1;
  }

  private saveIncident(incident: Incident): void {
    this.db
      .prepare(
        `INSERT INTO incidents (id, opened_at, closed_at, title, cause, nodes) VALUES (@id, @openedAt, @closedAt, @title, @cause, @nodes)
         ON CONFLICT (id) DO UPDATE SET closed_at = excluded.closed_at, title = excluded.title, cause = excluded.cause, nodes = excluded.nodes`,
      )
      .run({
        id: incident.id,
        openedAt: incident.openedAt,
        closedAt: incident.closedAt,
        title: incident.title,
        cause: incident.cause === null ? null : JSON.stringify(incident.cause),
        nodes: JSON.stringify(incident.nodes),
      });
  }

  private saveAlert(alert: Alert): void {
    this.db
      .prepare(
        `INSERT INTO alerts (id, incident_id, code, severity, nodes, summary, cause, evidence, started_at, ended_at)
         VALUES (@id, @incidentId, @code, @severity, @nodes, @summary, @cause, @evidence, @startedAt, @endedAt)
         ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, summary = excluded.summary, cause = excluded.cause,
           evidence = excluded.evidence, ended_at = excluded.ended_at`,
      )
      .run({
        id: alert.id,
        incidentId: alert.incidentId,
        code: alert.code,
        severity: alert.severity,
        nodes: JSON.stringify(alert.nodes),
        summary: alert.summary,
        cause: alert.cause === null ? null : JSON.stringify(alert.cause),
        evidence: JSON.stringify(alert.evidence),
        startedAt: alert.startedAt,
        endedAt: alert.endedAt,
      });
  }

  private saveSignals(signals: SampleSignals): void {
    const node = this.db.prepare(
      `INSERT INTO node_signals (at, node, answering, cluster_state, slots_pfail, slots_fail, known_nodes, connected_clients, sent_per_second, received_per_second)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const n of signals.nodes) {
      node.run(
        signals.at,
        n.address,
        n.answering ? 1 : 0,
        n.clusterState,
        n.slotsPfail,
        n.slotsFail,
        n.knownNodes,
        n.connectedClients,
        n.messageRates?.["sent"] ?? null,
        n.messageRates?.["received"] ?? null,
      );
    }
    const link = this.db.prepare(
      "INSERT INTO link_signals (at, observer, peer, ping_pending_ms, pong_age_ms, flag, link_recreations, failure_reports) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    for (const l of signals.links) {
      // A healthy link has no row: a PING pending for a few ms is its normal state.
      if (!linkIsNotable(l)) continue;
      link.run(signals.at, l.observer, l.peer, l.pingPendingMs, l.pongAgeMs, l.flag, l.linkRecreations, l.failureReports);
    }
  }

  private prune(now: number): void {
    const before = now - this.options.retentionMs;
    this.db.prepare("DELETE FROM node_signals WHERE at < ?").run(before);
    this.db.prepare("DELETE FROM link_signals WHERE at < ?").run(before);
    const old = "SELECT id FROM incidents WHERE closed_at IS NOT NULL AND closed_at < ?";
    this.db.prepare(`DELETE FROM steps WHERE incident_id IN (${old})`).run(before);
    this.db.prepare(`DELETE FROM alerts WHERE incident_id IN (${old})`).run(before);
    this.db.prepare("DELETE FROM incidents WHERE closed_at IS NOT NULL AND closed_at < ?").run(before);
  }

  /** Everything one sample produced, in one transaction. */
  record(signals: SampleSignals, events: readonly WatchEvent[], incidentsOpen: number): void {
    const write = this.db.transaction(() => {
      for (const event of events) {
        this.saveIncident(event.incident);
        if (event.type === "firing" || event.type === "resolved") this.saveAlert(event.alert);
        if (event.type === "incident-step") {
          this.db
            .prepare("INSERT INTO steps (incident_id, at, kind, nodes, detail) VALUES (?, ?, ?, ?, ?)")
            .run(event.incident.id, event.step.at, event.step.kind, JSON.stringify(event.step.nodes), event.step.detail);
        }
      }
      if (incidentsOpen > 0 || signals.at - this.lastSignalsAt >= this.options.stepMs) {
        this.saveSignals(signals);
        this.lastSignalsAt = signals.at;
      }
      if (signals.at - this.lastPruneAt >= PRUNE_EVERY_MS) {
        this.prune(signals.at);
        this.lastPruneAt = signals.at;
      }
    });
    write();
  }

  private incidentFrom(row: IncidentRow): IncidentRecord {
    const steps = (this.db.prepare("SELECT at, kind, nodes, detail FROM steps WHERE incident_id = ? ORDER BY at, rowid").all(row.id) as StepRow[]).map(
      (step): IncidentStep => ({ at: step.at, kind: step.kind, nodes: JSON.parse(step.nodes) as string[], detail: step.detail }),
    );
    const alerts = (this.db.prepare("SELECT * FROM alerts WHERE incident_id = ? ORDER BY started_at, rowid").all(row.id) as AlertRow[]).map(
      (alert): StoredAlert => ({
        id: alert.id,
        incidentId: alert.incident_id,
        code: alert.code,
        severity: alert.severity,
        nodes: JSON.parse(alert.nodes) as string[],
        summary: alert.summary,
        cause: alert.cause === null ? null : (JSON.parse(alert.cause) as Alert["cause"]),
        evidence: JSON.parse(alert.evidence) as Alert["evidence"],
        startedAt: alert.started_at,
        endedAt: alert.ended_at,
      }),
    );
    return {
      incident: {
        id: row.id,
        openedAt: row.opened_at,
        closedAt: row.closed_at,
        title: row.title,
        cause: row.cause === null ? null : (JSON.parse(row.cause) as Incident["cause"]),
        nodes: JSON.parse(row.nodes) as string[],
        alertIds: alerts.map((alert) => alert.id),
        steps,
      },
      alerts,
    };
  }

  /** One incident, or the latest when `id` is null; null when there is none. */
  incident(id: number | null): IncidentRecord | null {
    const row = (
      id === null
        ? this.db.prepare("SELECT * FROM incidents ORDER BY opened_at DESC, id DESC LIMIT 1").get()
        : this.db.prepare("SELECT * FROM incidents WHERE id = ?").get(id)
    ) as IncidentRow | undefined;
    return row === undefined ? null : this.incidentFrom(row);
  }

  /** The latest incidents, newest first (without their steps' details beyond the title). */
  recentIncidents(limit: number): Incident[] {
    const rows = this.db.prepare("SELECT * FROM incidents ORDER BY opened_at DESC, id DESC LIMIT ?").all(limit) as IncidentRow[];
    return rows.map((row) => this.incidentFrom(row).incident);
  }

  close(): void {
    this.db.close();
    this.lock?.release();
  }
}
