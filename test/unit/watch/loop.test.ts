// The watch loop with its real outputs, fed a recorded fault (bus-blocked-failover): the history's
// database goes away under the watch after a few samples (its next write throws, as a full disk or a
// SQLite error would), and the loop must keep sampling, every other output must get every sample, and
// /metrics must count the failures in busdoctor_output_failures_total, checked by promtool.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALERTMANAGER_POLICY } from "../../../src/alerting/alertmanager.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { DEFAULT_LINK_METRICS } from "../../../src/watch/clusterSeries.js";
import { runLoop, type SampleSource } from "../../../src/watch/loop.js";
import { initialState, step } from "../../../src/watch/machine.js";
import { Outlets, type WatchOutputOptions } from "../../../src/watch/outlets.js";
import { FAILURE_REPORT_INTERVAL_MS, OutputFailures } from "../../../src/watch/outputFailures.js";
import { logLines, logStyle } from "../../../src/watch/render.js";
import { openLocalFiles } from "../../../src/watch/run.js";
import { DEFAULT_WEBHOOK_POLICY } from "../../../src/watch/webhook.js";
import { requireDebianTools } from "../../support/debianTools.js";
import { freePort } from "../../support/prometheusStack.js";
import { loadRecording } from "./replay.js";

const OPTIONS: Omit<WatchOutputOptions, "listen"> = {
  intervalMs: 1,
  durationMs: null,
  json: false,
  color: false,
  httpAuth: null,
  webhooks: [],
  webhookPolicy: DEFAULT_WEBHOOK_POLICY,
  alertmanagers: [],
  alertmanagerPolicy: DEFAULT_ALERTMANAGER_POLICY,
  linkMetrics: DEFAULT_LINK_METRICS,
  history: null,
};

/** The recorded samples in order; the loop is stopped after the last, and `onSample(n)` runs before sample n (1-based) is handed out. */
function recordedSource(snapshots: readonly Snapshot[], abort: AbortController, onSample: (n: number) => void): SampleSource & { taken: number } {
  const source = {
    taken: 0,
    sample: async (): Promise<Snapshot> => {
      const snapshot = snapshots[source.taken];
      if (snapshot === undefined) throw new Error("sampled past the recording");
      source.taken += 1;
      onSample(source.taken);
      if (source.taken === snapshots.length) abort.abort();
      return snapshot;
    },
    probeSuspect: (): void => undefined,
  };
  return source;
}

/** The log lines of a replay, each event rendered when it happens (an alert's fields change as it develops). */
function loggedReplay(snapshots: readonly Snapshot[]): string[] {
  const style = logStyle(false);
  const lines: string[] = [];
  let state = initialState();
  for (const snapshot of snapshots) {
    const output = step(state, snapshot);
    state = output.state;
    for (const event of output.events) lines.push(...logLines(event, style));
  }
  return lines;
}

function failureCounts(text: string): Record<string, number> {
  const family = parsePrometheusTextFormat(text).find((candidate) => candidate.name === "busdoctor_output_failures_total");
  return Object.fromEntries((family?.metrics ?? []).map((sample) => [`${sample.labels?.["cluster"]}/${sample.labels?.["output"]}`, Number(sample.value)]));
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => requireDebianTools("promtool"));

describe("the watch loop", () => {
  it("keeps sampling when the history fails: the other outputs get every sample, /metrics counts the failures, one report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "busdoctor-loop-"));
    dirs.push(dir);
    const { snapshots } = loadRecording("bus-blocked-failover");
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = { stdout: (line: string) => void stdout.push(line), stderr: (line: string) => void stderr.push(line) };
    const port = await freePort();
    const outlets = await Outlets.open({ ...OPTIONS, listen: { host: "127.0.0.1", port } }, io);
    try {
      const files = openLocalFiles(null, { path: join(dir, "history.db"), options: { stepMs: 10_000, retentionMs: 86_400_000 } }, io.stderr);
      const sinks = [...outlets.sinksFor("lab", ""), ...files.sinks];
      const abort = new AbortController();
      const breakAt = 5;
      const source = recordedSource(snapshots, abort, (n) => {
        if (n === breakAt) for (const close of files.closers) close();
      });
      const before = stderr.length;
      await runLoop(source, initialState(files.firstIncidentId), sinks, {
        intervalMs: OPTIONS.intervalMs,
        signal: abort.signal,
        durationMs: null,
        onSinkFailure: outlets.failureHandler("lab", sinks, io.stderr),
      });

      expect(source.taken).toBe(snapshots.length);
      // The log got every event of the fault, the same as a replay where nothing failed.
      expect(stdout).toEqual(loggedReplay(snapshots));
      expect(stdout.length).toBeGreaterThan(0);

      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(failureCounts(text)).toEqual({ "lab/log": 0, "lab/sd": 0, "lab/metrics": 0, "lab/history": snapshots.length - breakAt + 1 });
      const samples = parsePrometheusTextFormat(text).find((family) => family.name === "busdoctor_samples_total");
      expect(Number(samples?.metrics[0]?.value)).toBe(snapshots.length);
      const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", timeout: 60_000 });
      expect(`${check.stdout}${check.stderr}`).toBe("");
      expect(check.status).toBe(0);

      // Every failure fell within a minute: one line, naming the output and what went wrong.
      const reports = stderr.slice(before);
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatch(/^output history failed: .*database connection is not open.*; sampling goes on/);
    } finally {
      await outlets.close();
    }
  });
});

describe("output failures", () => {
  it("reports an output at most once a minute, saying how many failures the silence hid", () => {
    let now = 1_000_000;
    const failures = new OutputFailures(() => now);
    failures.expect("a", "webhook");
    expect(failures.failed("a", "history", new Error("SQLITE_FULL: database or disk is full"))).toBe(
      "output history failed: SQLITE_FULL: database or disk is full; sampling goes on (counted in busdoctor_output_failures_total, reported at most once a minute)",
    );
    now += 1000;
    expect(failures.failed("a", "history", new Error("again"))).toBeNull();
    // Another cluster's history is reported on its own.
    expect(failures.failed("b", "history", new Error("elsewhere"))).toMatch(/^output history failed: elsewhere;/);
    now += FAILURE_REPORT_INTERVAL_MS;
    expect(failures.failed("a", "history", new Error("still \u001b[2Jfull"))).toMatch(
      /^output history failed: still \\x1b\[2Jfull \(2 failures since the last report\);/,
    );
    expect([...failures.totals()]).toEqual([
      [{ cluster: "a", output: "webhook" }, 0],
      [{ cluster: "a", output: "history" }, 3],
      [{ cluster: "b", output: "history" }, 1],
    ]);
  });
});
