// A fleet in one watch: three real clusters (3 masters each, node timeout 5000 ms) in one lab namespace,
// watched by `busdoctor watch --clusters clusters.yaml` twice over (two replicas, for high availability),
// both scraped by Debian's Prometheus with the shipped rules and pushing to Debian's Alertmanager with the
// shipped routes. A fault in one cluster must page once, for that cluster only, with the right labels; a
// cluster whose nodes all hang must not slow the others; --shard must split the clusters.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertEventJson } from "../../src/watch/render.js";
import { Background, sleep } from "../support/background.js";
import { requireDebianTools } from "../support/debianTools.js";
import { waitFor } from "../support/observe.js";
import { exampleAlertmanagerConfig, httpGet, Receiver, Started, startAlertmanager, startPrometheusWithShippedRules } from "../support/prometheusStack.js";
import { ExtraCluster } from "./support/fleetLab.js";
import { useLab } from "./support/lab.js";

const lab = useLab({ name: "fleet-e2e", masters: 3, replicasPerMaster: 0, nodeTimeoutMs: 5000 });
const PORTS = { receiver: 5001, alertmanager: 9093, prometheus: 9090, replicas: [9464, 9465] };
const started = new Started("fleet");
const CLUSTERS_FILE = join(started.dir, "clusters.yaml");
let beta: ExtraCluster;
let gamma: ExtraCluster;
let receiver: Receiver;
const replicas: Background[] = [];

/** Every cluster's node endpoints, by cluster name. */
function endpoints(): Record<string, string[]> {
  return { alpha: lab().endpoints, beta: beta.endpoints, gamma: gamma.endpoints };
}

type Families = ReturnType<typeof parsePrometheusTextFormat>;

async function scrape(port: number): Promise<{ text: string; families: Families }> {
  const text = (await httpGet(lab(), `http://127.0.0.1:${port}/metrics`)) ?? "";
  return { text, families: parsePrometheusTextFormat(text) };
}

function samples(families: Families, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return (families.find((family) => family.name === name)?.metrics ?? []).map((sample) => ({ labels: sample.labels ?? {}, value: Number(sample.value) }));
}

function events(replica: Background | undefined): AlertEventJson[] {
  return (replica?.stdout ?? []).filter((entry) => entry.line.startsWith("{")).map((entry) => JSON.parse(entry.line) as AlertEventJson);
}

beforeAll(async () => {
  beta = await ExtraCluster.add(lab(), "beta", "127.0.0.11", 3);
  gamma = await ExtraCluster.add(lab(), "gamma", "127.0.0.21", 3);
  writeFileSync(
    CLUSTERS_FILE,
    [
      "clusters:",
      ...Object.entries({ alpha: lab().endpoints, beta: beta.endpoints, gamma: gamma.endpoints }).map(
        ([name, nodes]) => `  - name: ${name}\n    seeds: [${nodes[0]}]`,
      ),
    ].join("\n"),
  );
  receiver = started.add(await Receiver.start(lab(), PORTS.receiver));
  started.add(await startAlertmanager(lab(), join(started.dir, "alertmanager"), PORTS.alertmanager, exampleAlertmanagerConfig(PORTS.receiver)));
  for (const port of PORTS.replicas) {
    replicas.push(
      started.add(
        new Background(
          lab().busdoctorArgv([
            "watch",
            "--clusters",
            CLUSTERS_FILE,
            "--listen",
            `127.0.0.1:${port}`,
            "--alertmanager",
            `http://127.0.0.1:${PORTS.alertmanager}`,
            "--json",
            "--no-history",
          ]),
        ),
      ),
    );
  }
  for (const port of PORTS.replicas) {
    await waitFor(
      `replica :${port} samples every cluster`,
      async () => new Set(samples((await scrape(port)).families, "busdoctor_node_up").map((s) => s.labels["cluster"])).size === 3,
      30_000,
    );
  }
  await startPrometheusWithShippedRules(lab(), started, PORTS, [
    { job_name: "busdoctor", static_configs: [{ targets: PORTS.replicas.map((port) => `127.0.0.1:${port}`) }] },
    // The nodes busdoctor discovered, as a redis_exporter multi-target job would take them.
    { job_name: "redis-nodes", http_sd_configs: [{ url: `http://127.0.0.1:${PORTS.replicas[0]}/sd`, refresh_interval: "5s" }] },
  ]);
  await sleep(5000);
}, 240_000);

afterAll(() => started.stopAll());

describe("busdoctor watch --clusters: three clusters in one process", () => {
  it("labels every per-cluster series with its cluster, passes promtool check metrics, and serves the nodes for http_sd", async () => {
    requireDebianTools("promtool");
    const { text, families } = await scrape(PORTS.replicas[0] ?? 0);
    const processWide = /^busdoctor_(build_info|process_|event_loop_|webhook_|alertmanager_)/;
    // Every series line (the text itself: the parser drops a histogram's labels) of a per-cluster family.
    const lines = text.split("\n").filter((line) => line !== "" && !line.startsWith("#") && !processWide.test(line));
    expect(lines.length).toBeGreaterThan(100);
    for (const line of lines) expect(line, line).toMatch(/^busdoctor_\w+\{(.*,)?cluster="(alpha|beta|gamma)"/);
    for (const [cluster, nodes] of Object.entries(endpoints())) {
      expect(
        samples(families, "busdoctor_node_up")
          .filter((s) => s.labels["cluster"] === cluster)
          .map((s) => s.labels["node"])
          .sort(),
        cluster,
      ).toEqual([...nodes].sort());
    }
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(`${check.stdout}${check.stderr}`).toBe("");

    const sd = JSON.parse((await httpGet(lab(), `http://127.0.0.1:${PORTS.replicas[0]}/sd`)) ?? "[]") as Array<{
      targets: string[];
      labels: Record<string, string>;
    }>;
    expect(sd).toEqual(
      Object.entries(endpoints()).map(([cluster, nodes]) => ({ targets: [...nodes].sort(), labels: { cluster, __meta_busdoctor_role: "master" } })),
    );
    // Prometheus takes them: nine targets of the redis-nodes job, each with its cluster label (its first
    // look at /sd may have come before every cluster's second sample listed all of its nodes).
    const expected = Object.entries(endpoints())
      .flatMap(([cluster, nodes]) => nodes.map((node) => `${cluster} ${node}`))
      .sort();
    const discovered = async (): Promise<string[]> => {
      const body = (await httpGet(lab(), `http://127.0.0.1:${PORTS.prometheus}/api/v1/targets`)) ?? "{}";
      const targets = (JSON.parse(body) as { data?: { activeTargets: Array<{ labels: Record<string, string> }> } }).data?.activeTargets ?? [];
      return targets
        .filter((target) => target.labels["job"] === "redis-nodes")
        .map((target) => `${target.labels["cluster"]} ${target.labels["instance"]}`)
        .sort();
    };
    await waitFor("Prometheus discovers the nodes", async () => (await discovered()).length === expected.length, 30_000);
    expect(await discovered()).toEqual(expected);
  });

  it("a blocked bus port in one cluster: one page from two replicas, for that cluster and node only; resolved once after the heal", async () => {
    const faulty = beta.node(2).endpoint;
    const before = receiver.notifications().length;
    const eventsBefore = replicas.map((replica) => events(replica).length);
    await beta.fault({ kind: "bus", node: 2, direction: "both", action: "drop" });
    await waitFor("the pager is notified", async () => receiver.notifications("/pager").length > 0, 30_000);
    await sleep(10_000); // PFAIL, FAIL and cluster_state:fail in beta: the classic rules fire under the incident
    const firing = samples((await scrape(PORTS.replicas[0] ?? 0)).families, "busdoctor_alert_firing");
    expect(new Set(firing.map((sample) => sample.labels["cluster"]))).toEqual(new Set(["beta"]));
    await lab().heal();
    await waitFor("the pager hears the resolution", async () => receiver.notifications("/pager").some((n) => n.status === "resolved"), 90_000);
    await sleep(20_000);
    await beta.waitUntilSettled();

    const notifications = receiver.notifications().slice(before);
    const pages = notifications.filter((n) => n.path === "/pager");
    expect(pages.map((n) => n.status)).toEqual(["firing", "resolved"]);
    for (const page of pages) expect(page.alerts.map((alert) => alert.labels)).toEqual([{ alertname: "BusdoctorIncident", cluster: "beta", node: faulty }]);
    expect(notifications.length).toBeLessThanOrEqual(3);
    for (const notification of notifications) for (const alert of notification.alerts) expect(alert.labels["cluster"]).toBe("beta");
    // Each replica saw the incident, in beta only.
    for (const [index, replica] of replicas.entries()) {
      const mine = events(replica).slice(eventsBefore[index]);
      expect(mine.length).toBeGreaterThan(0);
      expect(new Set(mine.map((event) => event.cluster))).toEqual(new Set(["beta"]));
      expect(mine.find((event) => event.code === "EARLY_WARNING")?.nodes).toEqual([faulty]);
    }
  }, 240_000);

  it("a cluster whose nodes all hang does not slow the others", async () => {
    const counts = async (): Promise<Record<string, { samples: number; seconds: number; quick: number }>> => {
      const { text } = await scrape(PORTS.replicas[0] ?? 0);
      const value = (series: string): number => Number(new RegExp(`^${series.replace(/[{}+]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
      const result: Record<string, { samples: number; seconds: number; quick: number }> = {};
      for (const cluster of ["alpha", "beta", "gamma"]) {
        result[cluster] = {
          samples: value(`busdoctor_samples_total{cluster="${cluster}"}`),
          seconds: value(`busdoctor_sample_duration_seconds_sum{cluster="${cluster}"}`),
          quick: value(`busdoctor_sample_duration_seconds_bucket{le="0.5",cluster="${cluster}"}`),
        };
      }
      return result;
    };
    const start = await counts();
    const startedAt = Date.now();
    gamma.signalAll("SIGSTOP");
    try {
      await sleep(4000);
    } finally {
      gamma.signalAll("SIGCONT");
    }
    const end = await counts();
    const elapsed = (Date.now() - startedAt) / 1000;
    const rate = (cluster: string): { perSecond: number; meanSeconds: number; slow: number } => {
      const taken = (key: "samples" | "seconds" | "quick"): number => (end[cluster]?.[key] ?? 0) - (start[cluster]?.[key] ?? 0);
      return { perSecond: taken("samples") / elapsed, meanSeconds: taken("seconds") / Math.max(1, taken("samples")), slow: taken("samples") - taken("quick") };
    };
    console.log(
      `while gamma hung ${elapsed.toFixed(1)} s: alpha ${JSON.stringify(rate("alpha"))}, beta ${JSON.stringify(rate("beta"))}, gamma ${JSON.stringify(rate("gamma"))}`,
    );
    // alpha and beta kept one sample a second, each as quick as before; gamma's first sample after the
    // hang waited for the per-node timeout (later ones skip the hung connections while they reconnect).
    for (const cluster of ["alpha", "beta"]) {
      expect(rate(cluster).perSecond, cluster).toBeGreaterThanOrEqual(0.75);
      expect(rate(cluster).meanSeconds, cluster).toBeLessThan(0.25);
    }
    expect(rate("gamma").slow).toBeGreaterThanOrEqual(1);
    await gamma.waitUntilSettled();
  }, 120_000);

  it("says in one line what is wrong with a fleet's arguments (exit 3), never repeating a password", async () => {
    const badFile = join(started.dir, "bad.yaml");
    writeFileSync(badFile, "clusters:\n  - name: alpha\n    seeds: [127.0.0.1:6379]\n    password: Tr0ub4dor-3\n");
    for (const [args, message] of [
      [["--clusters", CLUSTERS_FILE, "127.0.0.1:6379"], "--clusters: the seeds are in the file; give none on the command line"],
      [["--clusters", CLUSTERS_FILE, "--cluster-name", "x"], "--clusters: --cluster-name is for a single cluster (the names are in the file)"],
      [["--shard", "0/2", "127.0.0.1:6379"], "--shard splits the clusters of --clusters FILE between replicas"],
      [["--clusters", CLUSTERS_FILE, "--shard", "2/2"], '--shard: expected i/N with 0 <= i < N, such as 0/3, got "2/2"'],
      [["--clusters", join(started.dir, "missing.yaml")], `--clusters ${join(started.dir, "missing.yaml")}: cannot read it (ENOENT)`],
      [["--clusters", badFile], 'cluster "alpha": no passwords in this file: name a file (passFile) or an environment variable (passEnv)'],
    ] as const) {
      const result = await lab().runBusdoctor(["watch", ...args, "--no-history"], { timeoutMs: 30_000 });
      expect(result.code, args.join(" ")).toBe(3);
      expect(result.stderr.trim().split("\n")[0], args.join(" ")).toBe(`busdoctor: ${message}`);
      expect(result.stderr).not.toContain("Tr0ub4dor");
    }
    // Every cluster lists 3 nodes: the first to find out stops the fleet, naming itself, as the last line.
    const over = await lab().runBusdoctor(["watch", "--clusters", CLUSTERS_FILE, "--max-nodes", "2", "--no-history"], { timeoutMs: 30_000 });
    expect(over.code).toBe(3);
    expect(over.stderr.trim().split("\n").at(-1)).toMatch(
      /^busdoctor: cluster "(alpha|beta|gamma)" lists 3 nodes or more, more than --max-nodes 2; give --max-nodes 3 or more to watch them all$/,
    );
  });

  it("--shard i/N splits the clusters between replicas: each on exactly one", async () => {
    const watched = await Promise.all(
      ["0/2", "1/2"].map(async (shard) => {
        const result = await lab().runBusdoctor(["watch", "--clusters", CLUSTERS_FILE, "--shard", shard, "--duration", "1s", "--no-history"], {
          timeoutMs: 30_000,
        });
        const line = /watching \d+ cluster\(s\): (.*)/.exec(result.stderr)?.[1] ?? "";
        return line.split(", ").filter((name) => name !== "");
      }),
    );
    // Each cluster on one shard (none twice, none left out).
    expect(watched.flat().sort()).toEqual(["alpha", "beta", "gamma"]);
  });
});
