// busdoctor watch against a real 6-node cluster (node timeout 15000 ms, as in production) in a lab: the
// built CLI runs inside the lab's namespace as a user would run it, and the tests read its JSON lines.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { builtCliScript } from "../../src/lab/cliArgv.js";
import { runCommand } from "../../src/lab/run.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import type { AlertEventJson } from "../../src/watch/render.js";
import { observe, waitFor } from "../support/observe.js";
import { Background } from "./support/background.js";
import { useLab } from "./support/lab.js";

const lab = useLab({ name: "watch-helper-e2e", nodeTimeoutMs: 15000 });
const FAULTY = 3;
const METRICS_URL = "http://127.0.0.1:9464/metrics";
const WEBHOOK_PORT = 8088;
const dir = mkdtempSync(join(tmpdir(), "busdoctor-watch-e2e-"));
const HISTORY = join(dir, "history.db");
/** Every sample the monitor took, kept when a test fails, to replay it (fixture bus-inbound-after-both came so). */
const SAMPLES = join(dir, "samples.jsonl");
/** A webhook receiver: prints each POST body on a line, answers 200. */
const RECEIVER = `require("http").createServer((q, s) => { let b = ""; q.on("data", (c) => (b += c)); q.on("end", () => { console.log(b); s.end("ok"); }); }).listen(${WEBHOOK_PORT}, "127.0.0.1", () => console.error("listening"));`;

let watch: Background | null = null;
/** A second watch whose stdout's reader went away at once (`| head -1`): it must go on feeding /metrics. */
let headless: Background | null = null;
const HEADLESS_METRICS_URL = "http://127.0.0.1:9465/metrics";

function events(): AlertEventJson[] {
  return (watch?.lines ?? []).filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as AlertEventJson);
}

/** The first event from index `from` on that matches. */
async function nextEvent(what: string, from: number, match: (event: AlertEventJson) => boolean, timeoutMs = 30_000): Promise<AlertEventJson> {
  let found: AlertEventJson | undefined;
  await waitFor(what, async () => (found = events().slice(from).find(match)) !== undefined, timeoutMs);
  if (!found) throw new Error(`no event: ${what}`);
  return found;
}

/** Whether any node's own view flags the faulty node fail? or fail: Redis has noticed. */
async function redisFlagsFaulty(): Promise<boolean> {
  const endpoint = lab().node(FAULTY).endpoint;
  for (const node of lab().nodes) {
    if (node.index === FAULTY) continue;
    const view = await observe(lab(), node.index);
    const entry = view?.entries.find((candidate) => candidate.address === endpoint);
    if (entry && (entry.flags.includes("fail?") || entry.flags.includes("fail"))) return true;
  }
  return false;
}

beforeAll(async () => {
  watch = new Background(
    lab().busdoctorArgv([
      "watch",
      lab().node(1).endpoint,
      "--json",
      "--timeout",
      "1000",
      "--listen",
      "9464",
      "--webhook",
      `http://127.0.0.1:${WEBHOOK_PORT}/hook`,
      "--webhook-retry-max",
      "2s",
      "--history",
      HISTORY,
      "--record",
      SAMPLES,
    ]),
  );
  headless = new Background(lab().busdoctorArgv(["watch", lab().node(1).endpoint, "--json", "--timeout", "1000", "--listen", "9465", "--no-history"]), {
    stdoutClosed: true,
  });
  await waitFor("watch samples every node", async () => watch?.stderr.some((line) => line.includes("watching")) === true, 20_000);
  // A few samples of the healthy cluster first: rates and the observed round trip need a baseline.
  await new Promise((resolve) => setTimeout(resolve, 3000));
});

afterAll(async () => {
  await headless?.stop();
  await watch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Commands the masters processed so far (INFO stats), to prove a load really ran. */
async function commandsProcessed(): Promise<number> {
  let total = 0;
  for (const node of lab().nodes.slice(0, 3)) {
    const info = await lab().exec(["redis-cli", "-h", node.address, "-p", String(node.port), "INFO", "stats"], { timeoutMs: 5000 });
    total += Number(/total_commands_processed:(\d+)/.exec(info.stdout)?.[1] ?? 0);
  }
  return total;
}

interface TimelineJson {
  id: number;
  closedAt: string | null;
  cause: { code: string; nodes: string[] } | null;
  steps: Array<{ kind: string; at: string; detail: string }>;
}

async function timeline(id: number): Promise<TimelineJson> {
  const result = await runCommand([process.execPath, builtCliScript(), "timeline", "--history", HISTORY, "--incident", String(id), "--json"], {
    timeoutMs: 30_000,
  });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as TimelineJson;
}

describe("watch on a real cluster", () => {
  // A test that failed mid-fault must not hand its fault to the next one.
  afterEach(async (context) => {
    if (context.task.result?.state === "fail") {
      const kept = join(tmpdir(), `busdoctor-watch-e2e-samples-${Date.now()}.jsonl`);
      copyFileSync(SAMPLES, kept);
      console.error(`watch e2e: the samples so far are in ${kept}`);
    }
    await lab().heal();
    await lab().waitUntilSettled();
  });

  it.each([
    { direction: "both" as const, cause: "BUS_PORT_BLOCKED", severity: "critical" },
    { direction: "in" as const, cause: "BUS_LINK_ONE_WAY", severity: "warning" },
  ])(
    "bus blocked $direction: the early warning names the node and $cause before any PFAIL, and resolves after the heal",
    async ({ direction, cause, severity }) => {
      const faulty = lab().node(FAULTY).endpoint;
      const before = events().length;
      await lab().fault({ kind: "bus", node: FAULTY, direction, action: "drop" });
      const firing = await nextEvent("the early warning fires", before, (event) => event.event === "firing" && event.code === "EARLY_WARNING");
      expect(await redisFlagsFaulty()).toBe(false);
      expect(firing.nodes).toEqual([faulty]);
      expect(firing.severity).toBe(severity);
      expect(firing.incident.role).toBe("root-cause");
      // The first alert names the node and, nearly always, already the exact cause; a cause can only
      // sharpen while the fault spreads (one-way becomes both ways), never during the heal. So the cause
      // the alert ends with was named before the heal, itself long before Redis's PFAIL (15 s).
      expect(firing.cause?.nodes).toEqual([faulty]);
      expect([cause, "BUS_LINK_ONE_WAY"]).toContain(firing.cause?.code);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await redisFlagsFaulty()).toBe(false);

      await lab().heal();
      const resolved = await nextEvent("the early warning resolves", before, (event) => event.event === "resolved" && event.id === firing.id);
      expect(resolved.cause).toMatchObject({ code: cause, nodes: [faulty] });
      // Everything this fault set off belongs to its incident, and each alert fired and resolved once.
      await waitFor("every alert of the incident resolved", async () => {
        const mine = events().filter((event) => event.incident.id === firing.incident.id);
        return mine.filter((event) => event.event === "firing").length === mine.filter((event) => event.event === "resolved").length;
      });
      const mine = events().slice(before);
      expect(new Set(mine.map((event) => event.incident.id))).toEqual(new Set([firing.incident.id]));
      expect(mine.filter((event) => event.id === firing.id).map((event) => event.event)).toEqual(["firing", "resolved"]);
      await lab().waitUntilSettled();
    },
  );

  it("goes on when its stdout's reader is gone: the alerts above failed the log output, counted, and /metrics kept coming", async () => {
    const scrape = await lab().exec(["curl", "-sS", "--fail", "--max-time", "5", HEADLESS_METRICS_URL], { timeoutMs: 10_000 });
    expect(scrape.code).toBe(0);
    const families = parsePrometheusTextFormat(scrape.stdout);
    const failures = families.find((family) => family.name === "busdoctor_output_failures_total")?.metrics ?? [];
    const logFailures = failures.find((sample) => sample.labels?.["output"] === "log");
    expect(Number(logFailures?.value)).toBeGreaterThanOrEqual(2); // the firing and resolved lines of each fault at least
    expect(failures.filter((sample) => sample.labels?.["output"] !== "log").every((sample) => Number(sample.value) === 0)).toBe(true);
    expect(headless?.stderr.some((line) => line.startsWith("busdoctor: output log failed: stdout is closed (write EPIPE)"))).toBe(true);
    await headless?.stop();
    expect(await headless?.exited).toBe(0);
  });

  it("serves /metrics over HTTP with every node's signals, in Prometheus text format", async () => {
    const scrape = await lab().exec(["curl", "-sS", "--fail", "--max-time", "5", METRICS_URL], { timeoutMs: 10_000 });
    expect(scrape.code).toBe(0);
    const families = parsePrometheusTextFormat(scrape.stdout);
    const family = (name: string): Array<Record<string, string>> =>
      (families.find((candidate) => candidate.name === name)?.metrics ?? []).map((sample) => sample.labels ?? {});
    const endpoints = lab().endpoints.sort();
    for (const name of [
      "busdoctor_node_up",
      "busdoctor_cluster_state_ok",
      "busdoctor_cluster_slots_pfail",
      "busdoctor_cluster_slots_fail",
      "busdoctor_cluster_known_nodes",
      "busdoctor_connected_clients",
      "busdoctor_cluster_messages_sent_per_second",
      "busdoctor_cluster_messages_received_per_second",
    ]) {
      expect(
        family(name)
          .map((labels) => labels["node"])
          .sort(),
        name,
      ).toEqual(endpoints);
    }
    // The cluster is healthy again: no per-link series (only links not healthy have them), one count of them.
    for (const name of ["busdoctor_bus_ping_pending_seconds", "busdoctor_bus_pong_age_seconds"]) expect(family(name), name).toEqual([]);
    expect(family("busdoctor_bus_links_notable")).toEqual([{ cluster: lab().node(1).endpoint }]);
    expect(
      family("busdoctor_bus_link_recreations_total")
        .map((labels) => labels["node"])
        .sort(),
    ).toEqual(endpoints);
    expect(families.find((candidate) => candidate.name === "busdoctor_samples_total")?.type).toBe("COUNTER");
    const notFound = await lab().exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:9464/other"], { timeoutMs: 10_000 });
    expect(notFound.stdout).toBe("404");
  });

  it("delivers every alert event to a webhook that was down for a while, once each, firing before resolved", async () => {
    // The receiver was down during the faults above: their events waited in the queue, retried.
    const sent = events();
    expect(sent.length).toBeGreaterThanOrEqual(4);
    const receiver = new Background(lab().namespaceArgv([process.execPath, "-e", RECEIVER]));
    try {
      await waitFor("the receiver got every event", async () => receiver.lines.length >= sent.length, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 2500)); // a duplicate would come with the next retry
      const received = receiver.lines.map((line) => JSON.parse(line) as AlertEventJson);
      expect(received.map((event) => event.eventId)).toEqual(sent.map((event) => event.eventId));
      for (const id of new Set(received.map((event) => event.id))) {
        expect(received.filter((event) => event.id === id).map((event) => event.event)).toEqual(["firing", "resolved"]);
      }
      expect(watch?.stderr.some((line) => line.includes(`webhook http://127.0.0.1:${WEBHOOK_PORT}`) && line.includes("ECONNREFUSED"))).toBe(true);
    } finally {
      await receiver.stop();
    }
  });

  it("raises nothing on a healthy cluster under client load (redis-benchmark for 60 s)", async () => {
    const before = events().length;
    const processed = await commandsProcessed();
    const load = await lab().exec(
      ["redis-benchmark", "--cluster", "-h", lab().node(1).address, "-p", "6379", "-c", "20", "-n", "100000000", "-q", "-t", "set,get"],
      { timeoutMs: 60_000 },
    );
    expect(load.timedOut).toBe(true); // it ran the whole 60 s
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await commandsProcessed()) - processed).toBeGreaterThan(100_000);
    expect(events().slice(before)).toEqual([]);
  }, 120_000);

  it("keeps the history through a kill -9 of the monitor, and prints each incident's timeline in order", async () => {
    const before = events().length;
    await lab().fault({ kind: "bus", node: FAULTY, direction: "both", action: "drop" });
    const firing = await nextEvent("the early warning fires", before, (event) => event.event === "firing" && event.code === "EARLY_WARNING");
    await new Promise((resolve) => setTimeout(resolve, 2000)); // a few samples written mid-incident
    watch?.signal("SIGKILL");
    expect(await watch?.exited).toBeNull();
    await lab().heal();

    const db = new Database(HISTORY);
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      db.close();
    }
    const cut = await timeline(firing.incident.id);
    expect(cut.closedAt).toBeNull();
    expect(cut.steps.map((step) => step.kind).slice(0, 2)).toEqual(["first-pending-ping", "early-warning"]);

    // The first incident of this file (node 3 blocked both ways, healed before PFAIL) ran its course.
    const first = await timeline(1);
    expect(first.cause).toMatchObject({ code: "BUS_PORT_BLOCKED", nodes: [lab().node(FAULTY).endpoint] });
    const kinds = first.steps.map((step) => step.kind);
    expect(kinds[0]).toBe("first-pending-ping");
    // It ends with its recovery and the phase that names it resolved, in either order: the phase turns
    // resolved as soon as the diagnosis finds nothing, the recovery once every alert ran out its clear samples.
    const lastTwo = first.steps.slice(-2);
    expect(lastTwo.map((step) => step.kind).sort()).toEqual(["phase", "recovery"]);
    expect(lastTwo.find((step) => step.kind === "phase")?.detail).toMatch(/^resolved: /);
    const order = ["first-pending-ping", "early-warning", "heal", "recovery"].map((kind) => kinds.indexOf(kind));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(order.every((index) => index >= 0)).toBe(true);
    const times = first.steps.map((step) => Date.parse(step.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const text = await runCommand([process.execPath, builtCliScript(), "timeline", "--history", HISTORY, "--incident", "1"], { timeoutMs: 30_000 });
    expect(text.stdout).toMatch(/^Incident #1: the bus port of 127\.0\.0\.3:6379 \(16379\) is blocked/);
    expect(text.stdout.indexOf("first pending ping")).toBeLessThan(text.stdout.indexOf("early warning"));
    expect(text.stdout.indexOf("heal")).toBeLessThan(text.stdout.indexOf("recovery"));
  });
});
