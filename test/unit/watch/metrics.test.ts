// The Prometheus metrics after replaying a recorded fault, read back with a real Prometheus text-format
// parser; and the repository's alerting rules, parsed with Prometheus's own PromQL grammar.
import { readFileSync } from "node:fs";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { initialState, step } from "../../../src/watch/machine.js";
import { WatchMetrics } from "../../../src/watch/metrics.js";
import { loadRecording } from "./replay.js";

/** Replays a recording into the metrics, stopping after `count` samples. */
async function scrapeAfter(name: string, count: number): Promise<ReturnType<typeof parsePrometheusTextFormat>> {
  const metrics = new WatchMetrics();
  let state = initialState();
  for (const snapshot of loadRecording(name).snapshots.slice(0, count)) {
    const output = step(state, snapshot);
    state = output.state;
    metrics.update(output, (snapshot.finishedAtMs - snapshot.takenAtMs) / 1000);
  }
  return parsePrometheusTextFormat(await metrics.registry.metrics());
}

function values(families: ReturnType<typeof parsePrometheusTextFormat>, name: string): Array<{ labels: Record<string, string>; value: number }> {
  const family = families.find((candidate) => candidate.name === name);
  return (family?.metrics ?? []).map((sample) => ({ labels: sample.labels ?? {}, value: Number(sample.value) }));
}

const NODES = [1, 2, 3, 4, 5, 6].map((n) => `127.0.0.${n}:6379`);

describe("Prometheus metrics", () => {
  it("carries every node's signals and every link's, by node and by observer -> peer", async () => {
    const families = await scrapeAfter("bus-blocked-failover", 8);
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
      // Redis 7.0's total_cluster_links_buffer_limit_exceeded (the recording is of 7.0.15).
      "busdoctor_cluster_links_buffer_limit_exceeded_total",
    ]) {
      expect(values(families, name).map((sample) => sample.labels["node"]).sort(), name).toEqual(NODES);
    }
    expect(values(families, "busdoctor_bus_ping_pending_seconds")).toHaveLength(30);
    expect(values(families, "busdoctor_bus_link_recreations_total")).toHaveLength(30);
    expect(families.find((family) => family.name === "busdoctor_cluster_messages_sent_total")?.type).toBe("COUNTER");
    const types = new Set(values(families, "busdoctor_cluster_messages_by_type_per_second").map((sample) => `${sample.labels["type"]}/${sample.labels["direction"]}`));
    expect([...types]).toEqual(expect.arrayContaining(["ping/sent", "ping/received", "pong/sent", "pong/received"]));
  });

  it("shows the fault: pending pings to the blocked node, its FAIL flag, cluster_state fail, and the alerts", async () => {
    const { meta } = loadRecording("bus-blocked-failover");
    const families = await scrapeAfter("bus-blocked-failover", 8);
    const pendingTo = values(families, "busdoctor_bus_ping_pending_seconds").filter((sample) => sample.labels["peer"] === meta.faulty);
    expect(pendingTo.filter((sample) => sample.value > 1).length).toBeGreaterThanOrEqual(3);
    const flagged = values(families, "busdoctor_bus_peer_flag").filter((sample) => sample.labels["peer"] === meta.faulty && sample.labels["flag"] === "fail" && sample.value === 1);
    expect(flagged.length).toBeGreaterThanOrEqual(3);
    expect(values(families, "busdoctor_cluster_state_ok").find((sample) => sample.labels["node"] === meta.faulty)?.value).toBe(0);
    const firing = values(families, "busdoctor_alert_firing");
    expect(firing).toContainEqual({ labels: { code: "EARLY_WARNING", severity: "critical", node: meta.faulty }, value: 1 });
    expect(values(families, "busdoctor_incidents_open")).toEqual([{ labels: {}, value: 1 }]);
  });

  it("a healthy cluster has no firing alert, nothing pending, every state ok", async () => {
    const families = await scrapeAfter("healthy-load", 20);
    expect(values(families, "busdoctor_alert_firing")).toEqual([]);
    expect(values(families, "busdoctor_cluster_state_ok").every((sample) => sample.value === 1)).toBe(true);
    expect(Math.max(...values(families, "busdoctor_bus_ping_pending_seconds").map((sample) => sample.value))).toBeLessThan(0.25);
  });
});

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; expr: string; labels?: Record<string, string> }> }>;
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
  const file = parseYaml(readFileSync(new URL("../../../prometheus/busdoctor-alerts.yml", import.meta.url), "utf8")) as RuleFile;
  const rules = file.groups.flatMap((group) => group.rules);

  it.each(rules.map((rule) => ({ alert: rule.alert ?? "", expr: rule.expr })))("$alert: valid PromQL over metrics busdoctor exports", async ({ expr }) => {
    const exported = new Set((await new WatchMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name));
    exported.add("up"); // Prometheus's own, per scrape target
    const { metrics, errors } = readExpr(expr);
    expect(errors).toBe(0);
    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) expect(exported, metric).toContain(metric);
  });

  it("every alert has a unique name and a severity (from the expression's labels or its own)", () => {
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
    for (const rule of rules) expect(rule.labels?.["severity"] !== undefined || rule.expr.includes("severity"), rule.alert).toBe(true);
  });
});
