// An incident as a timeline: each step with its time, the time since the first step and since the
// previous one, then the incident's alerts. Pure: reads what the history store returns.
import type { Incident, IncidentRecord, IncidentStep, StepKind, StoredAlert } from "../model/events.js";

export const STEP_NAMES: Record<StepKind, string> = {
  "first-pending-ping": "first pending ping",
  "early-warning": "early warning",
  "cause-refined": "cause refined",
  pfail: "PFAIL",
  fail: "FAIL",
  "cluster-state-fail": "cluster_state fail",
  failover: "failover",
  heal: "heal",
  recovery: "recovery",
  phase: "phase",
};

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 23);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Steps in the order they happened; steps at the same instant keep the order they were recorded in. */
export function orderedSteps(incident: Incident): IncidentStep[] {
  return incident.steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => a.step.at - b.step.at || a.index - b.index)
    .map(({ step }) => step);
}

function status(incident: Incident): string {
  if (incident.closedAt === null) return "still open (or the monitor stopped before it ended)";
  return `recovered after ${seconds(incident.closedAt - incident.openedAt)}`;
}

function alertLine(alert: StoredAlert): string {
  const end = alert.endedAt === null ? "firing" : `${clock(alert.endedAt)} (${seconds(alert.endedAt - alert.startedAt)})`;
  return `  ${alert.code.padEnd(24)} ${alert.severity.padEnd(8)} ${alert.nodes.join(", ")}  ${clock(alert.startedAt)} -> ${end}`;
}

export function renderTimeline({ incident, alerts }: IncidentRecord): string {
  const lines = [`Incident #${incident.id}: ${incident.title}`];
  if (incident.cause) lines.push(`cause: ${incident.cause.code} on ${incident.cause.nodes.join(", ")}`);
  lines.push(`opened ${new Date(incident.openedAt).toISOString()}, ${status(incident)}`, "");
  const steps = orderedSteps(incident);
  const first = steps[0]?.at ?? incident.openedAt;
  let previous = first;
  lines.push(`  ${"time (UTC)".padEnd(12)}  ${"since start".padStart(11)}  ${"step".padStart(9)}  ${"".padEnd(19)}`.trimEnd());
  for (const step of steps) {
    lines.push(
      `  ${clock(step.at)}  ${`+${seconds(step.at - first)}`.padStart(11)}  ${`+${seconds(step.at - previous)}`.padStart(9)}  ${STEP_NAMES[step.kind].padEnd(19)} ${step.detail}`,
    );
    previous = step.at;
  }
  if (alerts.length > 0) lines.push("", "Alerts:", ...alerts.map(alertLine));
  return `${lines.join("\n")}\n`;
}

export function renderIncidentList(incidents: readonly Incident[]): string {
  if (incidents.length === 0) return "no incidents recorded\n";
  const lines = incidents.map((incident) => {
    const duration = incident.closedAt === null ? "open" : seconds(incident.closedAt - incident.openedAt);
    return `#${String(incident.id).padEnd(5)} ${new Date(incident.openedAt).toISOString()}  ${duration.padStart(8)}  ${(incident.cause?.code ?? "-").padEnd(22)} ${incident.title}`;
  });
  return `${lines.join("\n")}\n`;
}

/** The JSON form of `timeline --json`. */
export function timelineJson({ incident, alerts }: IncidentRecord): object {
  const steps = orderedSteps(incident);
  const first = steps[0]?.at ?? incident.openedAt;
  return {
    schemaVersion: 1,
    id: incident.id,
    title: incident.title,
    cause: incident.cause,
    nodes: incident.nodes,
    openedAt: new Date(incident.openedAt).toISOString(),
    closedAt: incident.closedAt === null ? null : new Date(incident.closedAt).toISOString(),
    steps: steps.map((step) => ({ ...step, at: new Date(step.at).toISOString(), sinceStartMs: step.at - first })),
    alerts: alerts.map((alert) => ({
      ...alert,
      startedAt: new Date(alert.startedAt).toISOString(),
      endedAt: alert.endedAt === null ? null : new Date(alert.endedAt).toISOString(),
    })),
  };
}
