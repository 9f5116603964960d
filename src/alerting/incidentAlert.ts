// One alert per incident, in Prometheus and Alertmanager terms: what `--alertmanager` pushes and what
// `busdoctor_incident_info` carries for prometheus/busdoctor-alerts.yml to relay. Pure.
//
// Alertmanager knows an alert by its label set, so the labels are only what stays put while the incident
// lasts: the cluster and the node the incident started on. Everything that may change while it fires
// (the severity when a one-way link turns out to be a port blocked both ways, the cause as it sharpens,
// the nodes as the fault spreads) is an annotation: a changed label would close one alert and open another.
// Two replicas watching the same cluster name the same labels for a fault they both first see on the same
// node, so Alertmanager de-duplicates them.
import type { Severity } from "../model/finding.js";
import { incidentPhase, type Alert, type Incident, type StepIncidents } from "../model/events.js";

export const INCIDENT_ALERT_NAME = "BusdoctorIncident";

export interface IncidentAlertLabels {
  alertname: typeof INCIDENT_ALERT_NAME;
  cluster: string;
  /** The node the incident started on: its identity, kept while the incident's node list grows. */
  node: string;
}

export interface IncidentAlertAnnotations {
  /** busdoctor's own incident id (its history and `busdoctor timeline --incident`). */
  incident: string;
  /** The root cause's finding code (BUS_PORT_BLOCKED...), or the first alert's code before one is named. */
  cause: string;
  severity: Severity;
  /** developing, settled (the fault holds still), recovering, resolved; "" before busdoctor can tell. */
  phase: string;
  /** Every node of the incident, comma-separated. */
  nodes: string;
  summary: string;
  /** The command that shows the cause, the evidence and the fix. */
  check: string;
  timeline: string;
}

export interface IncidentAlert {
  labels: IncidentAlertLabels;
  annotations: IncidentAlertAnnotations;
  startsAt: number;
  /** When the incident closed, or null while it is open. */
  endsAt: number | null;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** The worst severity among the incident's alerts still firing (all of them once none is). */
function incidentSeverity(alerts: readonly Alert[]): Severity {
  const firing = alerts.filter((alert) => alert.endedAt === null);
  return (firing.length > 0 ? firing : alerts).reduce<Severity>(
    (worst, alert) => (SEVERITY_RANK[alert.severity] > SEVERITY_RANK[worst] ? alert.severity : worst),
    "info",
  );
}

/** `busdoctor check` needs one seed; every node of the incident makes it read them first. */
function checkCommand(nodes: readonly string[]): string {
  return `busdoctor check ${nodes.join(" ")}`;
}

/** The alert of one incident; `before` is its previous alert, whose node the identity keeps. */
function incidentAlert(cluster: string, incident: Incident, alerts: readonly Alert[], before: IncidentAlert | undefined): IncidentAlert {
  // The incident's own nodes are the fault's; its consequences (cluster_state:fail everywhere) are not.
  const nodes = incident.nodes.length > 0 ? incident.nodes : [...new Set(alerts.flatMap((alert) => alert.nodes))];
  const first = alerts[0];
  return {
    labels: { alertname: INCIDENT_ALERT_NAME, cluster, node: before?.labels.node ?? nodes[0] ?? "" },
    annotations: {
      incident: String(incident.id),
      cause: incident.cause?.code ?? first?.code ?? "UNKNOWN",
      severity: alerts.length > 0 ? incidentSeverity(alerts) : (before?.annotations.severity ?? "warning"),
      phase: incident.closedAt !== null ? "resolved" : (incidentPhase(incident) ?? ""),
      nodes: nodes.join(","),
      summary: incident.title,
      check: checkCommand(nodes),
      timeline: `busdoctor timeline --incident ${incident.id}`,
    },
    startsAt: incident.openedAt,
    endsAt: incident.closedAt,
  };
}

/** The incident alerts of one cluster after a sample: the open ones, and those this sample closed. */
export interface IncidentAlerts {
  open: IncidentAlert[];
  closed: IncidentAlert[];
}

/**
 * Reads the incidents of one step's output. `memory` holds each open incident's last alert by incident
 * id (so the identity never moves and a closing incident still has its annotations); it is updated.
 */
export function incidentAlerts(cluster: string, output: StepIncidents, memory: Map<number, IncidentAlert>): IncidentAlerts {
  const { book, alertsById } = output.state;
  const alertsOf = (incident: Incident): Alert[] => incident.alertIds.flatMap((id) => alertsById.get(id) ?? []);
  const open = book.open.map((incident) => {
    const alert = incidentAlert(cluster, incident, alertsOf(incident), memory.get(incident.id));
    memory.set(incident.id, alert);
    return alert;
  });
  const closed: IncidentAlert[] = [];
  for (const event of output.events) {
    if (event.type !== "incident-closed") continue;
    const { incident } = event;
    closed.push(incidentAlert(cluster, incident, alertsOf(incident), memory.get(incident.id)));
    memory.delete(incident.id);
  }
  return { open, closed };
}
