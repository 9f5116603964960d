// One alert per incident, read off real recorded faults replayed through the state machine: its identity
// (cluster and the node the incident started on) never moves while its severity and cause change, and it
// ends once, with the incident.
import { describe, expect, it } from "vitest";
import { incidentAlerts, type IncidentAlert } from "../../../src/alerting/incidentAlert.js";
import type { Alert, Incident } from "../../../src/model/events.js";
import { initialState, step } from "../../../src/watch/machine.js";
import { loadRecording } from "../watch/replay.js";

interface Seen {
  open: IncidentAlert[];
  closed: IncidentAlert[];
}

/** Every step's incident alerts for cluster "payments". */
function relay(name: string): Seen[] {
  let state = initialState();
  const memory = new Map<number, IncidentAlert>();
  return loadRecording(name).snapshots.map((snapshot) => {
    const output = step(state, snapshot);
    state = output.state;
    const { open, closed } = incidentAlerts("payments", output, memory);
    // Copies: the next step goes on from the same objects.
    return { open: structuredClone(open), closed: structuredClone(closed) };
  });
}

describe("incident alerts", () => {
  it.each(["bus-blocked-both", "bus-inbound-blocked", "bus-blocked-failover", "bus-blocked-node2-short", "node-killed"])(
    "%s: one alert, about the faulty node, from the incident's opening until it closes",
    (name) => {
      const { meta } = loadRecording(name);
      const steps = relay(name);
      const labels = new Set(steps.flatMap((seen) => [...seen.open, ...seen.closed].map((alert) => JSON.stringify(alert.labels))));
      expect([...labels]).toEqual([JSON.stringify({ alertname: "BusdoctorIncident", cluster: "payments", node: meta.faulty })]);
      const closed = steps.flatMap((seen) => seen.closed);
      expect(closed).toHaveLength(1);
      const firstOpen = steps.findIndex((seen) => seen.open.length > 0);
      const closedAt = steps.findIndex((seen) => seen.closed.length > 0);
      expect(steps.slice(firstOpen, closedAt).every((seen) => seen.open.length === 1)).toBe(true);
      expect(closed[0]?.endsAt).toBeGreaterThan(closed[0]?.startsAt ?? Infinity);
      const last = steps[closedAt - 1]?.open[0];
      expect(closed[0]?.annotations).toEqual({ ...last?.annotations, phase: "resolved" });
      expect(last?.annotations).toMatchObject({
        nodes: meta.faulty,
        check: `busdoctor check ${meta.faulty}`,
        incident: "1",
        timeline: "busdoctor timeline --incident 1",
      });
    },
  );

  it("keeps the identity while the severity rises and the cause sharpens, and while the incident grows to more nodes", () => {
    // Written by hand: the recorded faults name their final cause from the first sample now, so none
    // shows a one-way link turning into a port blocked both ways, or a second node joining the fault.
    const state = initialState();
    const incident: Incident = {
      id: 9,
      openedAt: 1000,
      closedAt: null,
      title: "10.0.0.3:6379 cannot hear its peers",
      cause: { code: "BUS_LINK_ONE_WAY", nodes: ["10.0.0.3:6379"], summary: "one way" },
      nodes: ["10.0.0.3:6379"],
      alertIds: ["9-early-warning"],
      steps: [],
    };
    const alert: Alert = {
      id: "9-early-warning",
      incidentId: 9,
      startedAt: 1000,
      endedAt: null,
      key: "EARLY_WARNING",
      code: "EARLY_WARNING",
      severity: "warning",
      nodes: ["10.0.0.3:6379"],
      summary: "one way",
      evidence: [],
      cause: incident.cause,
      support: 1,
    };
    state.book.open.push(incident);
    state.alertsById.set(alert.id, alert);
    const memory = new Map<number, IncidentAlert>();
    const first = incidentAlerts("payments", { state, events: [] }, memory).open[0];
    Object.assign(alert, { severity: "critical" });
    Object.assign(incident, {
      cause: { code: "BUS_PORT_BLOCKED", nodes: ["10.0.0.3:6379"], summary: "blocked" },
      title: "blocked",
      nodes: ["10.0.0.2:6379", "10.0.0.3:6379"],
    });
    const later = incidentAlerts("payments", { state, events: [] }, memory).open[0];
    expect(later?.labels).toEqual(first?.labels);
    expect(first?.labels).toEqual({ alertname: "BusdoctorIncident", cluster: "payments", node: "10.0.0.3:6379" });
    expect(first?.annotations).toMatchObject({ severity: "warning", cause: "BUS_LINK_ONE_WAY", nodes: "10.0.0.3:6379" });
    expect(later?.annotations).toMatchObject({
      severity: "critical",
      cause: "BUS_PORT_BLOCKED",
      nodes: "10.0.0.2:6379,10.0.0.3:6379",
      check: "busdoctor check 10.0.0.2:6379 10.0.0.3:6379",
      summary: "blocked",
    });
  });

  it("names the cause as busdoctor check does", () => {
    const causes = (name: string): string[] => [...new Set(relay(name).flatMap((seen) => seen.open.map((alert) => alert.annotations.cause)))];
    expect(causes("bus-blocked-both")).toEqual(["BUS_PORT_BLOCKED"]);
    expect(causes("bus-inbound-blocked")).toEqual(["BUS_LINK_ONE_WAY"]);
    expect(causes("node-killed")).toEqual(["NODE_UNREACHABLE"]);
  });

  it("a healthy cluster has none", () => {
    expect(relay("healthy-load").every((seen) => seen.open.length === 0 && seen.closed.length === 0)).toBe(true);
  });
});
