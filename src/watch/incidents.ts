// One incident per root cause: the alerts a blocked port sets off (the early warning, then PFAIL, FAIL,
// cluster_state:fail...) are grouped under one incident instead of paging once each, and the incident
// keeps its timeline: first pending ping, PFAIL, FAIL, cluster_state fail, failover, heal, recovery. Pure.
import { incidentPhase, type Alert, type Incident, type IncidentPhase, type IncidentStep, type Reading, type StepKind } from "../model/events.js";
import type { LinkSignals, SampleSignals } from "../model/signals.js";

export interface IncidentBook {
  nextId: number;
  open: Incident[];
}

export function emptyIncidentBook(nextId = 1): IncidentBook {
  return { nextId, open: [] };
}

const overlaps = (a: readonly string[], b: readonly string[]): boolean => a.some((node) => b.includes(node));

/**
 * The open incident an alert belongs to: the one about the same nodes; for a consequence (anything but
 * the early warning), else the latest open one, since an outage's symptoms show on other nodes than
 * its cause. null: the alert starts an incident of its own.
 */
export function incidentFor(book: IncidentBook, reading: Reading): Incident | null {
  const sameNodes = book.open.find((incident) => overlaps(incident.nodes, reading.nodes));
  if (sameNodes) return sameNodes;
  if (reading.code === "EARLY_WARNING") return null;
  return book.open.at(-1) ?? null;
}

export function openIncident(book: IncidentBook, reading: Reading, at: number): Incident {
  const incident: Incident = {
    id: book.nextId,
    openedAt: at,
    closedAt: null,
    title: reading.cause?.summary ?? reading.summary,
    cause: reading.cause,
    nodes: reading.cause?.nodes ?? reading.nodes,
    alertIds: [],
    steps: [],
  };
  book.nextId += 1;
  book.open.push(incident);
  return incident;
}

/** Records a step the first time it happens in the incident (cause refinements and phases every time). */
export function addStep(incident: Incident, kind: StepKind, at: number, nodes: string[], detail: string): IncidentStep | null {
  if (kind !== "cause-refined" && kind !== "phase" && incident.steps.some((step) => step.kind === kind)) return null;
  const step: IncidentStep = { kind, at, nodes, detail };
  incident.steps.push(step);
  return step;
}

/** The longest-waiting ping to or from the incident's nodes: when the fault first showed. */
export function firstPendingPing(links: readonly LinkSignals[], nodes: readonly string[], at: number): { at: number; link: LinkSignals } | null {
  let oldest: LinkSignals | null = null;
  for (const link of links) {
    if (link.pingPendingMs === null || (!nodes.includes(link.peer) && !nodes.includes(link.observer))) continue;
    if (oldest === null || link.pingPendingMs > (oldest.pingPendingMs ?? 0)) oldest = link;
  }
  return oldest === null ? null : { at: at - (oldest.pingPendingMs ?? 0), link: oldest };
}

/** Steps read off the signals: flags, cluster_state and role changes while the incident is open. */
export function signalSteps(incident: Incident, signals: SampleSignals, previous: SampleSignals | null): IncidentStep[] {
  const added: IncidentStep[] = [];
  const add = (kind: StepKind, nodes: string[], detail: string): void => {
    const step = addStep(incident, kind, signals.at, nodes, detail);
    if (step) added.push(step);
  };
  // PFAIL and FAIL show as flags in the views (peers flagging the incident's node, or the isolated node
  // flagging everyone else) and as cluster_slots_pfail / cluster_slots_fail counts.
  for (const flag of ["pfail", "fail"] as const) {
    const flagged = signals.links.filter((link) => link.flag === flag && (incident.nodes.includes(link.peer) || incident.nodes.includes(link.observer)));
    const counted = signals.nodes.filter((node) => ((flag === "pfail" ? node.slotsPfail : node.slotsFail) ?? 0) > 0);
    const first = flagged[0];
    if (first) {
      const observers = [...new Set(flagged.filter((link) => link.peer === first.peer).map((link) => link.observer))];
      add(flag, [first.peer], `${observers.join(", ")} flag ${first.peer} ${flag === "pfail" ? "fail?" : "fail"}`);
    } else if (counted.length > 0) {
      add(
        flag,
        counted.map((node) => node.address),
        `cluster_slots_${flag} > 0 on ${counted.map((node) => node.address).join(", ")}`,
      );
    }
  }
  const failing = signals.nodes.filter((node) => node.clusterState === "fail");
  if (failing.length > 0)
    add(
      "cluster-state-fail",
      failing.map((node) => node.address),
      `${failing.map((node) => node.address).join(", ")} report cluster_state:fail`,
    );
  const roleBefore = new Map((previous?.nodes ?? []).map((node) => [node.address, node.role]));
  const promoted = signals.nodes.filter((node) => node.role === "master" && roleBefore.get(node.address) === "slave");
  if (promoted.length > 0)
    add(
      "failover",
      promoted.map((node) => node.address),
      `${promoted.map((node) => node.address).join(", ")} promoted from replica to master`,
    );
  return added;
}

/** Whether every alert of the incident has resolved: then it is over. */
export function allResolved(incident: Incident, alerts: ReadonlyMap<string, Alert>): boolean {
  return incident.alertIds.every((id) => alerts.get(id)?.endedAt !== null);
}

/** A phase step each time the incident enters another phase (developing, settled, recovering, resolved). */
export function phaseSteps(incident: Incident, phase: IncidentPhase, summary: string, at: number): IncidentStep[] {
  if (incidentPhase(incident) === phase) return [];
  // "settled: ..." read as the incident's "resolved: ..." keeps only its words after the name.
  const words = summary.replace(/^(developing|settled|recovering|resolved): /, "");
  const step = addStep(incident, "phase", at, incident.nodes, `${phase}: ${words}`);
  return step ? [step] : [];
}
