// From a fault to the on-call engineer's receiver, side by side in one run, all real and inside one lab's
// namespace (6 nodes, node timeout 15000 ms as in production): one master's bus port blocked both ways,
// held until redis_exporter's alert has fired (past Redis's own failover), then healed.
//  - busdoctor pushed: `busdoctor watch --alertmanager` -> Alertmanager B -> receiver
//  - busdoctor via rules: the same watch's /metrics, scraped every 1 s by Prometheus with
//    prometheus/busdoctor-alerts.yml -> Alertmanager A -> receiver
//  - redis_exporter: Debian's prometheus-redis-exporter scraping every node (multi-target, every 1 s) with
//    a `redis_cluster_state == 0` rule -> Alertmanager A -> receiver
// Both Alertmanagers run prometheus/alertmanager-example.yml with its timings divided by 20 (the
// exporter's alert routed like the page: group_wait 0). Printed per path: time from the fault's rule in
// place to the first firing notification (and whether it named the node), notifications per incident,
// distinct alerts Alertmanager received per incident; beside the issue's baseline.
// Run as root after `npm run build`: npx tsx bench/alerting.ts [trials]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { Lab } from "../src/lab/index.js";
import type { AlertEventJson } from "../src/watch/render.js";
import { Background, sleep } from "../test/support/background.js";
import { observe, waitFor } from "../test/support/observe.js";
import {
  exampleAlertmanagerConfig,
  httpGet,
  Receiver,
  Started,
  startAlertmanager,
  startPrometheusWithShippedRules,
  type Notification,
} from "../test/support/prometheusStack.js";

/** The CLI a user runs: bin/busdoctor, which runs the bundle `npm run build` makes. */
const CLI = fileURLToPath(new URL("../bin/busdoctor", import.meta.url));
const trials = Number(process.argv[2] ?? 4);
const PORTS = { rulesReceiver: 5001, pushReceiver: 5002, amRules: 9093, amPush: 9094, prometheus: 9090, watch: 9464, exporter: 9121 };
const EXPORTER_ALERT = "RedisExporterClusterStateDown";

type Path = "event" | "push" | "rules" | "exporter";
const PATHS: Array<{ path: Path; title: string; baseline: string }> = [
  { path: "event", title: "busdoctor's own JSON event", baseline: "1.10 s" },
  { path: "push", title: "busdoctor pushed (--alertmanager)", baseline: "(new)" },
  { path: "rules", title: "busdoctor via Prometheus rules", baseline: "1.70 s, 65-79 alerts" },
  { path: "exporter", title: "redis_exporter, all 6 nodes, state == 0", baseline: "18.4 s" },
];

interface Trial {
  /** ms from the rule in place to the first firing notification (or event), null if none. */
  latency: Record<Path, number | null>;
  rightNode: Record<Path, boolean>;
  notifications: Record<Path, number>;
  alerts: Record<Path, number>;
}

/** Alertmanager A: the example's routes, with the exporter's alert paged like busdoctor's incident. */
function rulesAlertmanagerConfig(): string {
  const config = parse(exampleAlertmanagerConfig(PORTS.rulesReceiver)) as { route: { routes: unknown[] }; receivers: unknown[] };
  config.route.routes.unshift({
    matchers: [`alertname="${EXPORTER_ALERT}"`],
    receiver: "exporter",
    group_by: ["alertname"],
    group_wait: "0s",
    group_interval: "3s",
    repeat_interval: "12m",
  });
  config.receivers.push({ name: "exporter", webhook_configs: [{ url: `http://127.0.0.1:${PORTS.rulesReceiver}/exporter`, send_resolved: true }] });
  return stringify(config);
}

/** Distinct alerts an Alertmanager holds now (inhibited ones too), by label set. */
async function heldAlerts(lab: Lab, port: number): Promise<Array<Record<string, string>>> {
  const body = await httpGet(lab, `http://127.0.0.1:${port}/api/v2/alerts`);
  return body === null ? [] : (JSON.parse(body) as Array<{ labels: Record<string, string> }>).map((alert) => alert.labels);
}

/** A master now (they move at each failover): the first node whose own view says so. */
async function someMaster(lab: Lab): Promise<number> {
  for (const node of lab.nodes) {
    const view = await observe(lab, node.index);
    if (view?.entries.find((entry) => entry.address === node.endpoint)?.flags.includes("master")) return node.index;
  }
  throw new Error("no node reports itself master");
}

function stats(values: readonly number[]): string {
  if (values.length === 0) return "never";
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? (sorted[Math.floor(middle)] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return `${(median / 1000).toFixed(2)} s (${((sorted[0] ?? 0) / 1000).toFixed(2)}-${((sorted.at(-1) ?? 0) / 1000).toFixed(2)})`;
}

async function main(): Promise<void> {
  const lab = await Lab.up({ name: "bench-alerting", nodeTimeoutMs: 15000 });
  const started = new Started("bench-alerting");
  try {
    const rulesReceiver = started.add(await Receiver.start(lab, PORTS.rulesReceiver));
    const pushReceiver = started.add(await Receiver.start(lab, PORTS.pushReceiver));
    started.add(await startAlertmanager(lab, join(started.dir, "am-rules"), PORTS.amRules, rulesAlertmanagerConfig()));
    started.add(await startAlertmanager(lab, join(started.dir, "am-push"), PORTS.amPush, exampleAlertmanagerConfig(PORTS.pushReceiver)));
    const watch = started.add(
      new Background(
        lab.busdoctorArgv(
          [
            "watch",
            lab.node(1).endpoint,
            "--cluster-name",
            "lab",
            "--json",
            "--no-history",
            "--listen",
            `127.0.0.1:${PORTS.watch}`,
            "--alertmanager",
            `http://127.0.0.1:${PORTS.amPush}`,
          ],
          CLI,
        ),
      ),
    );
    started.add(new Background(lab.namespaceArgv(["prometheus-redis-exporter", `-web.listen-address=127.0.0.1:${PORTS.exporter}`, "-redis-only-metrics"])));
    const exporterRules = join(started.dir, "redis-exporter-rules.yml");
    writeFileSync(
      exporterRules,
      stringify({
        groups: [{ name: "redis-exporter", rules: [{ alert: EXPORTER_ALERT, expr: "redis_cluster_state == 0", labels: { severity: "critical" } }] }],
      }),
    );
    await startPrometheusWithShippedRules(
      lab,
      started,
      { prometheus: PORTS.prometheus, alertmanager: PORTS.amRules },
      [
        { job_name: "busdoctor", static_configs: [{ targets: [`127.0.0.1:${PORTS.watch}`] }] },
        {
          job_name: "redis",
          metrics_path: "/scrape",
          static_configs: [{ targets: lab.endpoints.map((endpoint) => `redis://${endpoint}`) }],
          relabel_configs: [
            { source_labels: ["__address__"], target_label: "__param_target" },
            { source_labels: ["__param_target"], target_label: "instance" },
            { target_label: "__address__", replacement: `127.0.0.1:${PORTS.exporter}` },
          ],
        },
      ],
      [exporterRules],
    );
    await waitFor(
      "Prometheus reads redis_cluster_state of every node",
      async () => {
        const body = await httpGet(lab, `http://127.0.0.1:${PORTS.prometheus}/api/v1/query?query=count(redis_cluster_state)`);
        return body?.includes('"6"') === true;
      },
      60_000,
    );
    await sleep(5000);

    const results: Trial[] = [];
    for (let trial = 1; trial <= trials; trial += 1) {
      const node = await someMaster(lab);
      const faulty = lab.node(node).endpoint;
      const from = { rules: rulesReceiver.notifications().length, push: pushReceiver.notifications().length, events: watch.stdout.length };
      const held = { push: new Set<string>(), rules: new Set<string>(), exporter: new Set<string>() };
      const collect = setInterval(() => {
        void heldAlerts(lab, PORTS.amPush).then((alerts) => alerts.forEach((labels) => held.push.add(JSON.stringify(labels))));
        void heldAlerts(lab, PORTS.amRules).then((alerts) =>
          alerts.forEach((labels) => (labels["alertname"] === EXPORTER_ALERT ? held.exporter : held.rules).add(JSON.stringify(labels))),
        );
      }, 500);
      await sleep(3000 + Math.random() * 1000);
      await lab.fault({ kind: "bus", node, direction: "both", action: "drop" });
      const faultAt = Date.now();
      const notified = (path: Path): Notification[] =>
        path === "push"
          ? pushReceiver.notifications().slice(from.push)
          : rulesReceiver
              .notifications()
              .slice(from.rules)
              .filter((n) => (path === "exporter" ? n.path === "/exporter" : n.path !== "/exporter"));
      await waitFor("redis_exporter's alert reaches the receiver", async () => notified("exporter").length > 0, 90_000).catch(() => undefined);
      await sleep(5000);
      await lab.heal();
      await waitFor(
        "every path's resolution arrives",
        async () => (["push", "rules", "exporter"] as const).every((path) => notified(path).some((n) => n.status === "resolved")),
        120_000,
      ).catch(() => undefined);
      await sleep(20_000); // the tickets route's group interval (15 s): late notifications count too
      clearInterval(collect);
      await lab.waitUntilSettled(180_000);

      const events = watch.stdout
        .slice(from.events)
        .filter((entry) => entry.line.startsWith("{"))
        .map((entry) => ({ at: entry.at, event: JSON.parse(entry.line) as AlertEventJson }));
      const firstEvent = events.find((entry) => entry.event.event === "firing" && entry.at >= faultAt);
      const firstFiring = (path: Path): Notification | undefined => notified(path).find((n) => n.status === "firing");
      const names = (notification: Notification | undefined): boolean =>
        notification?.alerts.some((alert) => alert.labels["node"] === faulty || alert.labels["instance"] === `redis://${faulty}`) === true;
      const result: Trial = {
        latency: {
          event: firstEvent ? firstEvent.at - faultAt : null,
          push: firstFiring("push") ? (firstFiring("push")?.at ?? 0) - faultAt : null,
          rules: firstFiring("rules") ? (firstFiring("rules")?.at ?? 0) - faultAt : null,
          exporter: firstFiring("exporter") ? (firstFiring("exporter")?.at ?? 0) - faultAt : null,
        },
        rightNode: {
          event: firstEvent?.event.nodes.includes(faulty) === true,
          push: names(firstFiring("push")),
          rules: names(firstFiring("rules")),
          exporter: names(firstFiring("exporter")),
        },
        notifications: { event: events.length, push: notified("push").length, rules: notified("rules").length, exporter: notified("exporter").length },
        alerts: { event: new Set(events.map((entry) => entry.event.id)).size, push: held.push.size, rules: held.rules.size, exporter: held.exporter.size },
      };
      results.push(result);
      const cell = (path: Path): string =>
        `${result.latency[path] === null ? "none" : `${((result.latency[path] ?? 0) / 1000).toFixed(2)} s`}${result.rightNode[path] ? "" : " (wrong node)"}`;
      console.log(
        `  trial ${trial}: node ${node} (${faulty}): event ${cell("event")}, pushed ${cell("push")}, rules ${cell("rules")}, redis_exporter ${cell("exporter")}; notifications ${result.notifications.push}/${result.notifications.rules}/${result.notifications.exporter}`,
      );
    }

    console.log(
      `\nfault -> receiver, one master's bus port blocked both ways, ${trials} trials (6 nodes, node timeout 15000 ms, scrape/evaluation 1 s, Alertmanager timings /20):`,
    );
    console.log(
      `  ${"path".padEnd(44)}${"fault -> receiver, median (min-max)".padEnd(38)}${"right node".padEnd(12)}${"notifications/incident".padEnd(24)}${"alerts in Alertmanager/incident".padEnd(33)}issue baseline`,
    );
    for (const { path, title, baseline } of PATHS) {
      const latencies = results.flatMap((trial) => (trial.latency[path] === null ? [] : [trial.latency[path] ?? 0]));
      const right = results.filter((trial) => trial.rightNode[path]).length;
      const range = (values: number[]): string => `${Math.min(...values)}-${Math.max(...values)}`;
      const notifications =
        path === "event" ? `${range(results.map((trial) => trial.notifications.event))} events` : range(results.map((trial) => trial.notifications[path]));
      const alerts = path === "event" ? `${range(results.map((trial) => trial.alerts.event))} alerts` : range(results.map((trial) => trial.alerts[path]));
      console.log(
        `  ${title.padEnd(44)}${stats(latencies).padEnd(38)}${`${right}/${trials}`.padEnd(12)}${notifications.padEnd(24)}${alerts.padEnd(33)}${baseline}`,
      );
    }
  } finally {
    await started.stopAll();
    await lab.down();
  }
}

main().catch((error: unknown) => {
  console.error(`bench/alerting: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
