// How events read: one JSON object per alert event for machines (--json, webhooks), short log lines
// for people. Pure.
import pc from "picocolors";
import type { Evidence, Severity } from "../model/finding.js";
import type { Alert, AlertCause, AlertCode, Incident, WatchEvent } from "../model/events.js";

const EVENT_SCHEMA_VERSION = 1;

/** The documented JSON form of a firing or resolved event (docs/watch.md). */
export interface AlertEventJson {
  schemaVersion: typeof EVENT_SCHEMA_VERSION;
  /** Unique per event: receivers can drop a delivery they already have. */
  eventId: string;
  event: "firing" | "resolved";
  id: string;
  code: AlertCode;
  severity: Severity;
  nodes: string[];
  at: string;
  summary: string;
  evidence: Evidence[];
  cause: AlertCause | null;
  startedAt: string;
  endedAt: string | null;
  incident: { id: number; title: string; cause: AlertCause | null; role: "root-cause" | "consequence" };
  /** The `cluster` label of the watch that raised it (--cluster-name, or the name in clusters.yaml). */
  cluster?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The incident's first alert, or its early warning, is its root cause; the others follow from it. */
function roleOf(alert: Alert, incident: Incident): "root-cause" | "consequence" {
  return alert.code === "EARLY_WARNING" || incident.alertIds[0] === alert.id ? "root-cause" : "consequence";
}

export function alertEventJson(event: Extract<WatchEvent, { type: "firing" | "resolved" }>): AlertEventJson {
  const { alert, incident } = event;
  return {
    schemaVersion: EVENT_SCHEMA_VERSION,
    eventId: `${alert.id}:${event.type}`,
    event: event.type,
    id: alert.id,
    code: alert.code,
    severity: alert.severity,
    nodes: alert.nodes,
    at: iso(event.at),
    summary: alert.summary,
    evidence: alert.evidence,
    cause: alert.cause,
    startedAt: iso(alert.startedAt),
    endedAt: alert.endedAt === null ? null : iso(alert.endedAt),
    incident: { id: incident.id, title: incident.title, cause: incident.cause, role: roleOf(alert, incident) },
  };
}

export function isAlertEvent(event: WatchEvent): event is Extract<WatchEvent, { type: "firing" | "resolved" }> {
  return event.type === "firing" || event.type === "resolved";
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

interface Style {
  bad: (text: string) => string;
  warn: (text: string) => string;
  good: (text: string) => string;
  dim: (text: string) => string;
}

export function logStyle(color: boolean): Style {
  const colors = pc.createColors(color);
  return { bad: colors.red, warn: colors.yellow, good: colors.green, dim: colors.dim };
}

/** Log lines for one event (none for events only the history keeps). */
export function logLines(event: WatchEvent, style: Style): string[] {
  const stamp = style.dim(iso(event.at));
  switch (event.type) {
    case "firing": {
      const { alert, incident } = event;
      const paint = alert.severity === "critical" ? style.bad : style.warn;
      const role = roleOf(alert, incident) === "root-cause" ? "" : ` (follows from incident #${incident.id})`;
      const lines = [
        `${stamp} ${paint("FIRING")}   ${alert.code} ${alert.severity} ${alert.nodes.join(", ")}: ${alert.summary} [incident #${incident.id}]${role}`,
      ];
      if (alert.cause) lines.push(`    cause ${alert.cause.code}: ${alert.cause.summary}`);
      for (const evidence of alert.evidence.slice(0, 3)) lines.push(style.dim(`    ${evidence.source} ${evidence.what}: ${evidence.detail}`));
      return lines;
    }
    case "resolved": {
      const { alert } = event;
      return [
        `${stamp} ${style.good("RESOLVED")} ${alert.code} ${alert.nodes.join(", ")} after ${seconds(event.at - alert.startedAt)} [incident #${alert.incidentId}]`,
      ];
    }
    case "incident-opened":
      return [`${stamp} INCIDENT #${event.incident.id} opened: ${event.incident.title}`];
    case "incident-step":
      if (event.step.kind === "early-warning" || event.step.kind === "recovery") return [];
      return [style.dim(`${stamp}   #${event.incident.id} ${event.step.kind}: ${event.step.detail}`)];
    case "incident-closed":
      return [`${stamp} INCIDENT #${event.incident.id} closed after ${seconds(event.at - event.incident.openedAt)}: ${event.incident.title}`];
  }
}
