// The dashboard's state over samples recorded from a real lab (a master's bus blocked both ways until
// its replica took over, then healed), fed through the real state machine as watch feeds it.
import { describe, expect, it } from "vitest";
import { Dashboard, type IncidentSource } from "../../../src/dashboard/hub.js";
import type { WireState } from "../../../src/dashboard/wire.js";
import { initialState, step } from "../../../src/watch/machine.js";
import { loadRecording } from "../watch/replay.js";

interface Fed {
  dashboard: Dashboard;
  states: Array<{ at: number; state: WireState }>;
}

function feed(name: string, history: IncidentSource | null = null): Fed {
  const { snapshots } = loadRecording(name);
  const dashboard = Dashboard.withDefaults(1000, history);
  const states: Fed["states"] = [];
  let state = initialState();
  for (const snapshot of snapshots) {
    const output = step(state, snapshot);
    state = output.state;
    dashboard.observe(output, snapshot);
    const latest = dashboard.latestState();
    if (latest) states.push({ at: snapshot.takenAtMs, state: latest });
  }
  dashboard.close();
  return { dashboard, states };
}

/** The kinds in the faulty node's row (as observer) and column (as peer), diagonal aside. */
function rowAndColumn(state: WireState, node: string): string[] {
  const { addresses, cells } = state.matrix;
  const at = addresses.indexOf(node);
  return addresses.flatMap((_, other) => (other === at ? [] : [cells[at]?.[other]?.[0] ?? "none", cells[other]?.[at]?.[0] ?? "none"]));
}

describe("dashboard state on a recorded blocked bus with failover", () => {
  const { meta } = loadRecording("bus-blocked-failover");
  const { dashboard, states } = feed("bus-blocked-failover");

  it("shows every link ok before the fault, the faulty node's whole row and column not ok during it, and ok again after the heal", () => {
    const before = states.filter((entry) => entry.at < meta.faultAt);
    expect(before.length).toBeGreaterThan(0);
    for (const { state } of before) expect(state.matrix.cells.flat().every((cell) => cell === null || cell[0] === "ok")).toBe(true);
    const during = states.filter((entry) => entry.at > meta.faultApplied + 3000 && entry.at < meta.healAt);
    expect(during.length).toBeGreaterThan(0);
    for (const { state } of during) expect(rowAndColumn(state, meta.faulty).filter((kind) => kind === "ok")).toEqual([]);
    const last = states.at(-1)?.state;
    expect(last && rowAndColumn(last, meta.faulty).every((kind) => kind === "ok")).toBe(true);
  });

  it("names the incident's cause and node while it is open, with evidence, and clears it once every alert resolved", () => {
    const open = states.filter((entry) => entry.state.incidents.length > 0).map((entry) => entry.state.incidents[0]);
    expect(open.length).toBeGreaterThan(0);
    expect(open.some((incident) => incident?.cause?.code === "BUS_PORT_BLOCKED" && incident.cause.nodes.join() === meta.faulty)).toBe(true);
    expect(open.some((incident) => (incident?.alerts.flatMap((alert) => alert.evidence).length ?? 0) > 0)).toBe(true);
    expect(open.every((incident) => incident?.steps.every((step) => step.label.length > 0))).toBe(true);
    expect(states.at(-1)?.state.incidents).toEqual([]);
  });

  it("shows the failover as role changes and in the shards, and the blocked master's slots flagged in the slot map", () => {
    const last = states.at(-1)?.state;
    const promoted = last?.roleChanges.find((change) => change.from === "replica" && change.to === "master");
    const demoted = last?.roleChanges.find((change) => change.node === meta.faulty);
    expect(promoted).toBeDefined();
    expect(demoted).toMatchObject({ from: "master", to: "replica" });
    expect(last?.shards.find((shard) => shard.master === promoted?.node)?.replicas).toContain(meta.faulty);
    const flagged = states.flatMap((entry) => entry.state.slots.runs).filter((run) => run.owner === meta.faulty && run.state !== "ok");
    expect(flagged.length).toBeGreaterThan(0);
    for (const { state } of states) {
      const covered = state.slots.runs.reduce((sum, run) => sum + run.end - run.start + 1, 0);
      expect(covered).toBe(16384);
    }
  });

  it("keeps one chart point per sample with the six signals per node, and marks the incident's span", () => {
    const reset = dashboard.reset();
    expect(reset.series).toHaveLength(states.length);
    expect(Object.values(reset.series.at(-1)?.nodes ?? {})).toHaveLength(6);
    for (const values of Object.values(reset.series.at(-1)?.nodes ?? {})) expect(values).toHaveLength(7);
    const mark = reset.state?.marks[0];
    expect(mark).toMatchObject({ code: "BUS_PORT_BLOCKED" });
    expect(mark?.to).not.toBeNull();
  });

  it("lists this run's incidents without a history database, and the database's when there is one", () => {
    const memory = dashboard.incidents();
    expect(memory.source).toBe("memory");
    expect(memory.incidents.map((incident) => incident.cause?.code)).toEqual(["BUS_PORT_BLOCKED"]);
    expect(memory.incidents[0]?.alerts.map((alert) => alert.code)).toContain("EARLY_WARNING");
    const fromHistory = feed("bus-blocked-failover", { recentIncidents: () => [] }).dashboard.incidents();
    expect(fromHistory).toEqual({ version: 1, source: "history", incidents: [] });
  });
});
