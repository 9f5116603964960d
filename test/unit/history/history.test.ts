// The history database, filled by replaying recorded faults (real samples) through the state machine
// into a real SQLite file, and the timeline read back from it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HistoryStore } from "../../../src/history/store.js";
import { orderedSteps, renderIncidentList, renderTimeline } from "../../../src/render/timeline.js";
import { initialState, step } from "../../../src/watch/machine.js";
import { loadRecording } from "../watch/replay.js";

const dir = mkdtempSync(join(tmpdir(), "busdoctor-history-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = { stepMs: 10_000, retentionMs: 7 * 24 * 3_600_000 };

/** Replays the recordings, in order, into one database, as consecutive watch runs would. */
function fill(path: string, names: string[]): void {
  for (const name of names) {
    const store = HistoryStore.open(path, OPTIONS);
    let state = initialState(store.nextIncidentId());
    for (const snapshot of loadRecording(name).snapshots) {
      const output = step(state, snapshot);
      state = output.state;
      store.record(output.signals, output.events, output.state.book.open.length);
    }
    store.close();
  }
}

describe("history", () => {
  const path = join(dir, "history.db");
  beforeAll(() => fill(path, ["bus-blocked-both", "bus-blocked-failover"]));

  it("keeps each run's incidents with ids that go on across restarts", () => {
    const store = HistoryStore.open(path, OPTIONS, false);
    try {
      const incidents = store.recentIncidents(10);
      expect(incidents.map((incident) => [incident.id, incident.cause?.code])).toEqual([
        [2, "BUS_PORT_BLOCKED"],
        [1, "BUS_PORT_BLOCKED"],
      ]);
      expect(renderIncidentList(incidents)).toMatch(/^#2 +\S+ +\d+\.\d s +BUS_PORT_BLOCKED +the bus port of 127\.0\.0\.3:6379/);
    } finally {
      store.close();
    }
  });

  it("prints the failover incident as a timeline: every step, in order, with the time between steps", () => {
    const store = HistoryStore.open(path, OPTIONS, false);
    const record = store.incident(2);
    store.close();
    expect(record).not.toBeNull();
    if (!record) return;
    expect(orderedSteps(record.incident).map((item) => item.kind)).toEqual([
      "first-pending-ping",
      "early-warning",
      "phase",
      "pfail",
      "fail",
      "cluster-state-fail",
      "failover",
      "phase",
      "phase",
      "heal",
      "phase",
      "recovery",
    ]);
    const text = renderTimeline(record);
    const order = ["first pending ping", "early warning", "PFAIL", "FAIL", "cluster_state fail", "failover", "heal", "recovery"].map((name) =>
      text.indexOf(`  ${name} `),
    );
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toMatch(/^Incident #2: the bus port of 127\.0\.0\.3:6379 \(16379\) is blocked/);
    expect(text).toMatch(
      /\n {2}\d\d:\d\d:\d\d\.\d{3} +\+0\.0 s +\+0\.0 s {2}first pending ping +127\.0\.0\.\d:6379 -> 127\.0\.0\.3:6379: PING pending \d+ ms\n/,
    );
    expect(text).toMatch(/\nAlerts:\n {2}EARLY_WARNING +critical +127\.0\.0\.3:6379 /);
  });

  it("keeps signals downsampled outside incidents and every sample during one", () => {
    const db = new Database(path, { readonly: true });
    try {
      const perNode = db.prepare("SELECT COUNT(*) AS n FROM node_signals WHERE node = '127.0.0.1:6379'").get() as { n: number };
      const samples = loadRecording("bus-blocked-both").snapshots.length + loadRecording("bus-blocked-failover").snapshots.length;
      expect(perNode.n).toBeLessThan(samples);
      expect(perNode.n).toBeGreaterThan(20);
      const pending = db.prepare("SELECT COUNT(*) AS n FROM link_signals WHERE peer = '127.0.0.3:6379' AND ping_pending_ms > 1000").get() as { n: number };
      expect(pending.n).toBeGreaterThan(5);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      db.close();
    }
  });

  it("says so, in one line, when there is no database", () => {
    expect(() => HistoryStore.open(join(dir, "missing.db"), OPTIONS, false)).toThrow(/^no history database at .*missing\.db: `busdoctor watch` writes one/);
  });
});
