// Incidents as the page shows them: the open ones with their alerts' evidence, and the marks their
// spans leave on the charts. Pure; copies what it keeps, since the watch's state machine goes on
// changing its own incident objects after a sample.
import { STEP_NAMES } from "../render/timeline.js";
import type { Alert, Incident } from "../model/events.js";
import type { WireAlert, WireIncident, WireMark } from "./wire.js";

/** Bounds on what one incident sends the page: a flapping node must not grow the payload forever. */
const MAX_STEPS = 100;
const MAX_ALERTS = 50;
const MAX_EVIDENCE = 12;

/** The phase the monitor gives an incident, when its version names one (the field is optional). */
function phaseOf(incident: Incident): string | null {
  const phase: unknown = (incident as Incident & { phase?: unknown }).phase;
  return typeof phase === "string" ? phase : null;
}

type AlertFields = Pick<Alert, "id" | "code" | "severity" | "nodes" | "summary" | "startedAt" | "endedAt" | "evidence">;

function wireAlert(alert: AlertFields): WireAlert {
  return {
    id: alert.id,
    code: alert.code,
    severity: alert.severity,
    nodes: [...alert.nodes],
    summary: alert.summary,
    startedAt: alert.startedAt,
    endedAt: alert.endedAt,
    evidence: alert.evidence.slice(0, MAX_EVIDENCE).map(({ source, what, detail }) => ({ source, what, detail })),
  };
}

export function wireIncident(incident: Incident, alerts: readonly AlertFields[]): WireIncident {
  return {
    id: incident.id,
    openedAt: incident.openedAt,
    closedAt: incident.closedAt,
    title: incident.title,
    cause: incident.cause === null ? null : { code: incident.cause.code, nodes: [...incident.cause.nodes], summary: incident.cause.summary },
    nodes: [...incident.nodes],
    phase: phaseOf(incident),
    steps: incident.steps
      .slice(-MAX_STEPS)
      .map((step) => ({ kind: step.kind, label: STEP_NAMES[step.kind] ?? step.kind, at: step.at, nodes: [...step.nodes], detail: step.detail })),
    alerts: alerts.slice(-MAX_ALERTS).map(wireAlert),
  };
}

/** The open incidents of a sample, each with its alerts (firing or resolved) from the watch's state. */
export function openIncidents(open: readonly Incident[], alertsById: ReadonlyMap<string, Alert>): WireIncident[] {
  return open.map((incident) =>
    wireIncident(
      incident,
      incident.alertIds.flatMap((id) => alertsById.get(id) ?? []),
    ),
  );
}

/** Marks for the charts: every incident span that overlaps [since, now], newest last, at most `limit`. */
export function updateMarks(marks: readonly WireMark[], incidents: readonly Incident[], since: number, limit: number): WireMark[] {
  const byId = new Map(marks.map((mark) => [mark.id, mark]));
  for (const incident of incidents)
    byId.set(incident.id, { id: incident.id, code: incident.cause?.code ?? null, from: incident.openedAt, to: incident.closedAt });
  return [...byId.values()]
    .filter((mark) => mark.to === null || mark.to >= since)
    .sort((a, b) => a.from - b.from)
    .slice(-limit);
}
