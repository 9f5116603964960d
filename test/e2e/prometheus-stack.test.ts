// busdoctor on the stack people already run, all of it real and inside the lab's namespace: a 6-node
// cluster (node timeout 5000 ms, so a blocked master goes through PFAIL, FAIL and a failover), `busdoctor
// watch --listen` scraped every second by Debian's Prometheus with the shipped rules
// (prometheus/busdoctor-alerts.yml), Debian's Alertmanager with the shipped routes and inhibition
// (prometheus/alertmanager-example.yml, timings divided by 20), and a webhook receiver. A fault must reach
// the receiver as the documented alerts, one page naming the node, the classic signs inhibited under it;
// the heal must resolve it without a new page.
import { join } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Background, sleep } from "../support/background.js";
import { waitFor } from "../support/observe.js";
import {
  exampleAlertmanagerConfig,
  httpGet,
  Receiver,
  Started,
  startAlertmanager,
  startPrometheusWithShippedRules,
  type Notification,
} from "../support/prometheusStack.js";
import { useLab } from "./support/lab.js";

const lab = useLab({ name: "prom-stack-e2e", nodeTimeoutMs: 5000 });
const FAULTY = 3;
const PORTS = { receiver: 5001, alertmanager: 9093, prometheus: 9090, rulesWatch: 9464, pushWatch: 9465 };
const started = new Started("prom-stack");
let receiver: Receiver;

interface PromAlert {
  labels: Record<string, string>;
  state: string;
}

/** Alerts Prometheus's rules have pending or firing now. */
async function prometheusAlerts(): Promise<PromAlert[]> {
  const body = await httpGet(lab(), `http://127.0.0.1:${PORTS.prometheus}/api/v1/alerts`);
  return body === null ? [] : (JSON.parse(body) as { data: { alerts: PromAlert[] } }).data.alerts;
}

/** Alerts Alertmanager holds, with whether it inhibits them. */
async function alertmanagerAlerts(): Promise<Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }>> {
  const body = await httpGet(lab(), `http://127.0.0.1:${PORTS.alertmanager}/api/v2/alerts`);
  return body === null ? [] : (JSON.parse(body) as Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }>);
}

function watchArgv(args: string[]): string[] {
  return lab().busdoctorArgv(["watch", lab().node(1).endpoint, "--cluster-name", "lab", "--no-history", "--json", "--timeout", "1000", ...args]);
}

/** Blocks the faulty master's bus port past its failover, heals it, waits for the incident to resolve. */
async function faultAndHeal(holdMs: number): Promise<{ faultAt: number; healAt: number; notifications: Notification[] }> {
  const before = receiver.notifications().length;
  await lab().fault({ kind: "bus", node: FAULTY, direction: "both", action: "drop" });
  const faultAt = Date.now();
  await waitFor("the pager is notified", async () => receiver.notifications("/pager").length > 0 && receiver.notifications().length > before, 30_000);
  // Long enough for PFAIL, FAIL and the failover: the classic rules fire under the incident.
  await sleep(holdMs);
  await lab().heal();
  const healAt = Date.now();
  await waitFor(
    "the pager hears the resolution",
    async () =>
      receiver
        .notifications("/pager")
        .slice(before)
        .some((n) => n.status === "resolved"),
    90_000,
  );
  // Two group intervals of the tickets route (15 s here): anything else the heal set off would be in by then.
  await sleep(20_000);
  await lab().waitUntilSettled();
  return { faultAt, healAt, notifications: receiver.notifications().slice(before) };
}

beforeAll(async () => {
  receiver = started.add(await Receiver.start(lab(), PORTS.receiver));
  started.add(await startAlertmanager(lab(), join(started.dir, "alertmanager"), PORTS.alertmanager, exampleAlertmanagerConfig(PORTS.receiver)));
  started.add(new Background(watchArgv(["--listen", `127.0.0.1:${PORTS.rulesWatch}`])));
  await waitFor("the watch serves metrics", async () => (await httpGet(lab(), `http://127.0.0.1:${PORTS.rulesWatch}/metrics`)) !== null, 30_000);
  await startPrometheusWithShippedRules(lab(), started, PORTS, [{ job_name: "redis-bus", static_configs: [{ targets: [`127.0.0.1:${PORTS.rulesWatch}`] }] }]);
  await waitFor(
    "Prometheus scrapes the watch",
    async () => (await httpGet(lab(), `http://127.0.0.1:${PORTS.prometheus}/api/v1/query?query=busdoctor_node_up`))?.includes("127.0.0.6:6379") === true,
    30_000,
  );
  await sleep(5000); // baselines: the watch's round trip, the rules' windows
}, 180_000);

afterAll(() => started.stopAll());

describe("busdoctor with Prometheus and Alertmanager, on a real cluster", () => {
  it("a steady cluster raises nothing; /sd lists its nodes, three masters and three replicas", async () => {
    await sleep(10_000);
    expect(await prometheusAlerts()).toEqual([]);
    expect(receiver.notifications()).toEqual([]);
    const sd = JSON.parse((await httpGet(lab(), `http://127.0.0.1:${PORTS.rulesWatch}/sd`)) ?? "[]") as Array<{
      targets: string[];
      labels: Record<string, string>;
    }>;
    expect(sd.map((group) => group.labels)).toEqual([
      { cluster: "lab", __meta_busdoctor_role: "master" },
      { cluster: "lab", __meta_busdoctor_role: "replica" },
    ]);
    expect(sd.flatMap((group) => group.targets).sort()).toEqual([...lab().endpoints].sort());
    expect(sd.map((group) => group.targets.length)).toEqual([3, 3]);
  });

  it("a blocked bus port: one page through the rules naming the node, the classic signs inhibited, one resolution after the heal", async () => {
    const faulty = lab().node(FAULTY).endpoint;
    const classicSeen = new Set<string>();
    const inhibitedSeen = new Set<string>();
    const watchClassic = setInterval(() => {
      void prometheusAlerts().then((alerts) =>
        alerts
          .filter((a) => a.state === "firing" && a.labels["alertname"]?.startsWith("RedisCluster"))
          .forEach((a) => classicSeen.add(`${a.labels["alertname"]} ${a.labels["node"]}`)),
      );
      void alertmanagerAlerts().then((alerts) =>
        alerts.filter((a) => a.status.inhibitedBy.length > 0).forEach((a) => inhibitedSeen.add(a.labels["alertname"] ?? "")),
      );
    }, 1000);
    let run: Awaited<ReturnType<typeof faultAndHeal>>;
    try {
      run = await faultAndHeal(25_000);
    } finally {
      clearInterval(watchClassic);
    }
    const pages = run.notifications.filter((n) => n.path === "/pager");
    console.log(
      `fault -> page through Prometheus and Alertmanager: ${(pages[0]?.at ?? 0) - run.faultAt} ms; classic alerts that fired under it: ${[...classicSeen].sort().join(", ")}`,
    );

    // The documented alert: BusdoctorIncident, identity cluster + node, the rest as annotations.
    expect(pages.map((n) => n.status)).toEqual(["firing", "resolved"]);
    for (const page of pages) {
      expect(page.alerts.map((alert) => alert.labels)).toEqual([{ alertname: "BusdoctorIncident", cluster: "lab", node: faulty }]);
      expect(page.alerts[0]?.annotations).toMatchObject({ cause: "BUS_PORT_BLOCKED", nodes: faulty, check: `busdoctor check ${faulty}` });
      // The first samples may read the block as one way (warning) before both ways (critical): the page
      // carries what the incident read when it fired, and a change does not page again.
      expect(["warning", "critical"]).toContain(page.alerts[0]?.annotations["severity"]);
    }
    expect((pages[0]?.at ?? Infinity) - run.faultAt).toBeLessThan(10_000);
    // The classic rules did fire (about the blocked node), and Alertmanager held them under the incident.
    expect([...classicSeen]).toEqual(
      expect.arrayContaining([`RedisClusterStateFail ${faulty}`, `RedisClusterBusPingPending ${faulty}`, `RedisClusterGossipAsymmetry ${faulty}`]),
    );
    expect([...inhibitedSeen]).toEqual(expect.arrayContaining(["RedisClusterStateFail"]));
    // At most 3 notifications for the fault, each about the blocked node only; none firing after the heal.
    expect(run.notifications.length).toBeLessThanOrEqual(3);
    for (const notification of run.notifications)
      expect(notification.alerts.map((alert) => alert.labels["node"])).toEqual(notification.alerts.map(() => faulty));
    expect(
      run.notifications.filter((n) => n.at > run.healAt && n.alerts.some((alert) => alert.status === "firing" && Date.parse(alert.startsAt) > run.healAt)),
    ).toEqual([]);
  }, 240_000);

  it("pushed straight to Alertmanager as well (--alertmanager): the same alert, sooner, still one page; credentials never shown", async () => {
    const faulty = lab().node(FAULTY).endpoint;
    // A second watch pushes, beside the first one's rules path; a second Alertmanager URL refuses, with a password in it.
    const pushWatch = started.add(
      new Background(
        watchArgv([
          "--listen",
          `127.0.0.1:${PORTS.pushWatch}`,
          "--alertmanager",
          `http://127.0.0.1:${PORTS.alertmanager}`,
          "--alertmanager",
          "http://ops:hunter2-secret@127.0.0.1:2/",
        ]),
      ),
    );
    await waitFor("the pushing watch samples", async () => pushWatch.stderr.some((entry) => entry.line.includes("watching")), 30_000);
    await sleep(5000);
    const run = await faultAndHeal(10_000);
    const pages = run.notifications.filter((n) => n.path === "/pager");
    const firing = pushWatch.stdout
      .map((entry) => ({ at: entry.at, event: JSON.parse(entry.line) as { event: string; code: string } }))
      .find((line) => line.at > run.faultAt && line.event.event === "firing");
    console.log(`fault -> page pushed: ${(pages[0]?.at ?? 0) - run.faultAt} ms (busdoctor's own event: ${(firing?.at ?? 0) - run.faultAt} ms)`);
    expect(pages.map((n) => n.status)).toEqual(["firing", "resolved"]);
    expect(pages[0]?.alerts.map((alert) => alert.labels)).toEqual([{ alertname: "BusdoctorIncident", cluster: "lab", node: faulty }]);
    expect(run.notifications.length).toBeLessThanOrEqual(3);

    const stderr = pushWatch.stderr.map((entry) => entry.line).join("\n");
    expect(stderr).toContain("alertmanager 127.0.0.1:2: ECONNREFUSED");
    expect(stderr).not.toMatch(/hunter2|ops:/);
    const metrics = parsePrometheusTextFormat((await httpGet(lab(), `http://127.0.0.1:${PORTS.pushWatch}/metrics`)) ?? "");
    const pushes = (name: string) =>
      (metrics.find((family) => family.name === name)?.metrics ?? []).map((sample) => ({ host: sample.labels?.["alertmanager"], value: Number(sample.value) }));
    expect(pushes("busdoctor_alertmanager_pushes_total")).toContainEqual({ host: `127.0.0.1:${PORTS.alertmanager}`, value: expect.any(Number) });
    expect(pushes("busdoctor_alertmanager_push_failures_total").find((sample) => sample.host === "127.0.0.1:2")?.value).toBeGreaterThan(0);
    await pushWatch.stop();
  }, 240_000);
});
