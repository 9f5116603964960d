// The Prometheus metrics after replaying a recorded fault, read back with a real Prometheus text-format
// parser and linted by Prometheus's own `promtool check metrics`; and the repository's alerting rules,
// checked by `promtool check rules` and by their own `promtool test rules` files in prometheus/tests/.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { parser } from "@prometheus-io/lezer-promql";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { initialState, step } from "../../../src/watch/machine.js";
import { linksToExport, type LinkMetricsPolicy } from "../../../src/watch/clusterSeries.js";
import { WatchMetrics } from "../../../src/watch/metrics.js";
import type { LinkSignals } from "../../../src/model/signals.js";
import { requireDebianTools } from "../../support/debianTools.js";
import { loadRecording } from "./replay.js";

const PROMETHEUS_DIR = fileURLToPath(new URL("../../../prometheus/", import.meta.url));

/** Replays a recording into the metrics as cluster "lab", stopping after `count` samples. */
async function scrapeAfter(name: string, count: number, policy?: LinkMetricsPolicy): Promise<string> {
  const metrics = new WatchMetrics(policy);
  let state = initialState();
  for (const snapshot of loadRecording(name).snapshots.slice(0, count)) {
    const output = step(state, snapshot);
    state = output.state;
    metrics.update("lab", output, (snapshot.finishedAtMs - snapshot.takenAtMs) / 1000);
  }
  return metrics.registry.metrics();
}

type Families = ReturnType<typeof parsePrometheusTextFormat>;

function values(families: Families, name: string): Array<{ labels: Record<string, string>; value: number }> {
  const family = families.find((candidate) => candidate.name === name);
  return (family?.metrics ?? []).map((sample) => ({ labels: sample.labels ?? {}, value: Number(sample.value) }));
}

function promtool(args: string[], input?: string): { code: number | null; output: string } {
  const result = spawnSync("promtool", args, { input, encoding: "utf8", cwd: PROMETHEUS_DIR, timeout: 60_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const NODES = [1, 2, 3, 4, 5, 6].map((n) => `127.0.0.${n}:6379`);

beforeAll(() => requireDebianTools("promtool"));

describe("Prometheus metrics", () => {
  it("carries every node's signals with its cluster, and counters for the message stats beside the rates", async () => {
    const families = parsePrometheusTextFormat(await scrapeAfter("bus-blocked-failover", 8));
    for (const name of [
      "busdoctor_node_up",
      "busdoctor_cluster_state_ok",
      "busdoctor_cluster_slots_pfail",
      "busdoctor_cluster_slots_fail",
      "busdoctor_cluster_known_nodes",
      "busdoctor_connected_clients",
      "busdoctor_cluster_messages_sent_per_second",
      "busdoctor_cluster_messages_received_per_second",
      "busdoctor_cluster_messages_sent_total",
      "busdoctor_cluster_messages_received_total",
      "busdoctor_bus_link_recreations_total",
      // Redis 7.0's total_cluster_links_buffer_limit_exceeded (the recording is of 7.0.15).
      "busdoctor_cluster_links_buffer_limit_exceeded_total",
    ]) {
      expect(
        values(families, name)
          .map((sample) => sample.labels["node"])
          .sort(),
        name,
      ).toEqual(NODES);
      expect(new Set(values(families, name).map((sample) => sample.labels["cluster"])), name).toEqual(new Set(["lab"]));
    }
    for (const name of ["busdoctor_cluster_messages_sent_total", "busdoctor_cluster_messages_by_type_total", "busdoctor_samples_total"]) {
      expect(families.find((family) => family.name === name)?.type, name).toBe("COUNTER");
    }
    const types = (name: string): Set<string> => new Set(values(families, name).map((sample) => `${sample.labels["type"]}/${sample.labels["direction"]}`));
    expect([...types("busdoctor_cluster_messages_by_type_total")]).toEqual(
      expect.arrayContaining(["ping/sent", "ping/received", "pong/sent", "pong/received"]),
    );
    expect(types("busdoctor_cluster_messages_by_type_total")).toEqual(types("busdoctor_cluster_messages_by_type_per_second"));
  });

  it("passes promtool check metrics: no gauge named _total, a help text for each, nothing prom-client adds unasked", async () => {
    const text = await scrapeAfter("bus-blocked-failover", 8);
    const check = promtool(["check", "metrics"], text);
    expect(check.output).toBe("");
    expect(check.code).toBe(0);
    const names = parsePrometheusTextFormat(text).map((family) => family.name);
    expect(names.filter((name) => !name.startsWith("busdoctor_"))).toEqual([]);
    expect(names.filter((name) => name.includes("nodejs"))).toEqual([]);
  });

  it("shows the fault: pending pings to the blocked node, its FAIL flag, cluster_state fail, one incident naming it", async () => {
    const { meta } = loadRecording("bus-blocked-failover");
    const families = parsePrometheusTextFormat(await scrapeAfter("bus-blocked-failover", 8));
    const pendingTo = values(families, "busdoctor_bus_ping_pending_seconds").filter((sample) => sample.labels["peer"] === meta.faulty);
    expect(pendingTo.filter((sample) => sample.value > 1).length).toBeGreaterThanOrEqual(3);
    const flagged = values(families, "busdoctor_bus_peer_flag").filter(
      (sample) => sample.labels["peer"] === meta.faulty && sample.labels["flag"] === "fail" && sample.value === 1,
    );
    expect(flagged.length).toBeGreaterThanOrEqual(3);
    expect(values(families, "busdoctor_cluster_state_ok").find((sample) => sample.labels["node"] === meta.faulty)?.value).toBe(0);
    expect(values(families, "busdoctor_alert_firing")).toContainEqual({ labels: { cluster: "lab", code: "EARLY_WARNING", node: meta.faulty }, value: 1 });
    expect(values(families, "busdoctor_incidents_open")).toEqual([{ labels: { cluster: "lab" }, value: 1 }]);
    const incidents = values(families, "busdoctor_incident_info");
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.labels).toMatchObject({
      cluster: "lab",
      node: meta.faulty,
      incident: "1",
      cause: "BUS_PORT_BLOCKED",
      severity: "critical",
      nodes: meta.faulty,
      check: `busdoctor check ${meta.faulty}`,
    });
  });

  it("a healthy cluster has no firing alert, no incident, every state ok, and no per-link series", async () => {
    const families = parsePrometheusTextFormat(await scrapeAfter("healthy-load", 20));
    expect(values(families, "busdoctor_alert_firing")).toEqual([]);
    expect(values(families, "busdoctor_incident_info")).toEqual([]);
    expect(values(families, "busdoctor_cluster_state_ok").every((sample) => sample.value === 1)).toBe(true);
    for (const name of ["busdoctor_bus_ping_pending_seconds", "busdoctor_bus_pong_age_seconds", "busdoctor_bus_peer_flag", "busdoctor_bus_failure_reports"]) {
      expect(values(families, name), name).toEqual([]);
    }
    expect(values(families, "busdoctor_bus_links_notable")).toEqual([{ labels: { cluster: "lab" }, value: 0 }]);
  });

  it("serves every link with --link-metrics all, and never more links than the limit", async () => {
    const all = parsePrometheusTextFormat(await scrapeAfter("healthy-load", 20, { scope: "all", limit: 1000 }));
    expect(values(all, "busdoctor_bus_ping_pending_seconds")).toHaveLength(30);
    const capped = parsePrometheusTextFormat(await scrapeAfter("bus-blocked-failover", 8, { scope: "notable", limit: 4 }));
    expect(values(capped, "busdoctor_bus_ping_pending_seconds")).toHaveLength(4);
    expect(values(capped, "busdoctor_bus_links_notable")[0]?.value).toBeGreaterThan(4);
  });

  it("keeps the links with the longest pending PING when over the limit", () => {
    const link = (peer: string, pingPendingMs: number | null): LinkSignals => ({
      observer: "a:1",
      peer,
      pingSentMs: null,
      pongRecvMs: null,
      pingPendingMs,
      pongAgeMs: null,
      flag: null,
      linkRecreations: 0,
      failureReports: null,
    });
    const links = [link("b:1", 150), link("c:1", 5000), link("d:1", 20), link("e:1", 900)];
    expect(linksToExport(links, { scope: "notable", limit: 2 })).toEqual({ exported: [links[1], links[3]], notable: 3 });
    expect(linksToExport(links, { scope: "all", limit: 10 }).exported).toHaveLength(4);
  });

  it("one registry holds many clusters: each cluster's series replaced by its own samples only", async () => {
    const metrics = new WatchMetrics();
    const states = { a: initialState(), b: initialState() };
    const failing = loadRecording("bus-blocked-failover").snapshots.slice(0, 8);
    const healthy = loadRecording("healthy-load").snapshots.slice(0, 8);
    for (const [index, snapshot] of failing.entries()) {
      const a = step(states.a, snapshot);
      states.a = a.state;
      metrics.update("a", a, 0.01);
      const healthySnapshot = healthy[index];
      if (index < 3 && healthySnapshot) {
        const b = step(states.b, healthySnapshot);
        states.b = b.state;
        metrics.update("b", b, 0.01);
      }
    }
    const families = parsePrometheusTextFormat(await metrics.registry.metrics());
    const byCluster = (name: string, cluster: string) => values(families, name).filter((sample) => sample.labels["cluster"] === cluster);
    expect(byCluster("busdoctor_node_up", "a")).toHaveLength(6);
    expect(byCluster("busdoctor_node_up", "b")).toHaveLength(6);
    expect(byCluster("busdoctor_samples_total", "a")[0]?.value).toBe(8);
    expect(byCluster("busdoctor_samples_total", "b")[0]?.value).toBe(3);
    expect(byCluster("busdoctor_alert_firing", "b")).toEqual([]);
    expect(byCluster("busdoctor_incident_info", "a")).toHaveLength(1);
    expect(promtool(["check", "metrics"], await metrics.registry.metrics()).code).toBe(0);
  });
});

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }> }>;
}

/** Metric names an expression selects (VectorSelector identifiers), or the syntax errors in it. */
function readExpr(expr: string): { metrics: string[]; errors: number } {
  const tree = parser.parse(expr);
  const metrics: string[] = [];
  let errors = 0;
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) errors += 1;
    if (cursor.type.name === "Identifier" && cursor.node.parent?.type.name === "VectorSelector") metrics.push(expr.slice(cursor.from, cursor.to));
  } while (cursor.next());
  return { metrics, errors };
}

describe("prometheus/busdoctor-alerts.yml", () => {
  const file = parseYaml(readFileSync(`${PROMETHEUS_DIR}busdoctor-alerts.yml`, "utf8")) as RuleFile;
  const rules = file.groups.flatMap((group) => group.rules);

  it("passes promtool check rules", () => {
    const check = promtool(["check", "rules", "busdoctor-alerts.yml"]);
    expect(check.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(check.code).toBe(0);
  });

  it("passes its promtool unit tests (prometheus/tests/*.test.yml), on written and recorded series", () => {
    const files = readdirSync(`${PROMETHEUS_DIR}tests`).filter((name) => name.endsWith(".test.yml"));
    expect(files).toEqual(expect.arrayContaining(["synthetic.test.yml", "recorded-bus-blocked.test.yml"]));
    const run = promtool(["test", "rules", ...files.map((name) => `tests/${name}`)]);
    expect(run.output.match(/FAILED[\s\S]{0,3000}/)?.[0] ?? "").toBe("");
    expect(run.code).toBe(0);
  });

  it("every rule has promtool tests", () => {
    const tested = new Set<string>();
    for (const name of readdirSync(`${PROMETHEUS_DIR}tests`).filter((file) => file.endsWith(".test.yml"))) {
      for (const match of readFileSync(`${PROMETHEUS_DIR}tests/${name}`, "utf8").matchAll(/alertname: (\w+)/g)) tested.add(match[1] ?? "");
    }
    expect([...tested].sort()).toEqual(expect.arrayContaining(rules.map((rule) => rule.alert ?? "").sort()));
  });

  it.each(rules.map((rule) => ({ alert: rule.alert ?? "", expr: rule.expr })))("$alert selects only metrics busdoctor exports", async ({ expr }) => {
    const exported = new Set((await new WatchMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name));
    for (const own of ["up", "ALERTS"]) exported.add(own); // Prometheus's own: per scrape target, per alert
    const { metrics, errors } = readExpr(expr);
    expect(errors).toBe(0);
    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) expect(exported, metric).toContain(metric);
  });

  it("the incident alert's identity is cluster and node only; the classic ones carry a fixed severity", () => {
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
    const incident = rules.find((rule) => rule.alert === "BusdoctorIncident");
    expect(incident?.expr).toMatch(/^max by \(cluster, node\)/);
    expect(incident?.labels).toBeUndefined();
    expect(Object.keys(incident?.annotations ?? {}).sort()).toEqual(["cause", "check", "incident", "nodes", "phase", "severity", "summary"]);
    for (const rule of rules.filter((candidate) => candidate !== incident)) expect(rule.labels?.["severity"], rule.alert).toMatch(/^(warning|critical)$/);
  });
});
