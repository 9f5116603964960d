// busdoctor's Alertmanager push against Debian's real Alertmanager, configured with the shipped
// prometheus/alertmanager-example.yml (its receivers pointed at a test webhook receiver, its timings
// divided by 20) behind Basic authentication. The incidents are those of a real recorded fault (a node
// killed) replayed through the state machine, so no lab is needed; the
// integration with a live watch, Prometheus and the rules is test/e2e/prometheus-stack.test.ts.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertmanagerPusher, DEFAULT_ALERTMANAGER_POLICY, parseAlertmanagerUrl, type AlertmanagerPolicy } from "../../src/alerting/alertmanager.js";
import { incidentAlerts, type IncidentAlert, type IncidentAlerts } from "../../src/alerting/incidentAlert.js";
import { initialState, step } from "../../src/watch/machine.js";
import { waitFor } from "../support/observe.js";
import { exampleAlertmanagerConfig, freePort, HOST, httpGet, Receiver, Started, startAlertmanager, type BasicAuth } from "../support/prometheusStack.js";
import { loadRecording } from "../unit/watch/replay.js";

/** A bcrypt hash (cost 4) of the test-only password, made once with Python's crypt.crypt: Alertmanager only takes hashes. */
const AUTH: BasicAuth = { user: "ops", password: "s3cret-pw", bcrypt: "$2b$04$jf5TzOFYa9K1XCYV1tvTIueYkE6KZakQTkeHwCjxGh7A.Qt0xP7MC" };
const POLICY: AlertmanagerPolicy = { ...DEFAULT_ALERTMANAGER_POLICY, resendMs: 1000, firstRetryMs: 100, maxRetryMs: 500 };

const started = new Started("am-push");
let receiver: Receiver;
let amUrl = "";

/** The incident alerts of the recorded node kill, one entry per sample (copies: a test may change them). */
function recordedIncidents(): IncidentAlerts[] {
  let state = initialState();
  const memory = new Map<number, IncidentAlert>();
  return loadRecording("node-killed").snapshots.map((snapshot) => {
    const output = step(state, snapshot);
    state = output.state;
    return structuredClone(incidentAlerts("payments", output, memory));
  });
}

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
}

async function alertsInAlertmanager(): Promise<AmAlert[]> {
  const body = await httpGet(HOST, `http://${AUTH.user}:${AUTH.password}@127.0.0.1:${amUrl}/api/v2/alerts?active=true&inhibited=true&silenced=true`);
  return body === null ? [] : (JSON.parse(body) as AmAlert[]);
}

beforeAll(async () => {
  const receiverPort = await freePort();
  receiver = started.add(await Receiver.start(HOST, receiverPort));
  const port = await freePort();
  amUrl = String(port);
  started.add(await startAlertmanager(HOST, join(started.dir, "am"), port, exampleAlertmanagerConfig(receiverPort), AUTH));
});

afterAll(() => started.stopAll());

describe("--alertmanager push to a real Alertmanager (the shipped example config)", () => {
  it("pages once per incident naming the node, keeps it through a severity change, resolves it once", async () => {
    const { meta } = loadRecording("node-killed");
    const warnings: string[] = [];
    const pusher = new AlertmanagerPusher([parseAlertmanagerUrl(`http://${AUTH.user}:${AUTH.password}@127.0.0.1:${amUrl}`)], POLICY, (line) =>
      warnings.push(line),
    );
    try {
      const steps = recordedIncidents();
      const opened = steps.findIndex((incidents) => incidents.open.length > 0);
      const closed = steps.findIndex((incidents) => incidents.closed.length > 0);
      expect(opened).toBeGreaterThanOrEqual(0);
      expect(closed).toBeGreaterThan(opened + 3);
      // The recording names the killed node critical from the first sample; its first three samples are
      // read as a warning here, to see Alertmanager keep one alert while busdoctor raises the severity.
      const critical = opened + 3;
      for (const incidents of steps.slice(opened, critical)) for (const alert of incidents.open) alert.annotations.severity = "warning";

      for (const incidents of steps.slice(0, critical)) pusher.update(incidents);
      await waitFor("the pager is notified", async () => receiver.notifications("/pager").length >= 1, 15_000);
      const [page] = receiver.notifications("/pager");
      expect(page?.status).toBe("firing");
      expect(page?.alerts.map((alert) => alert.labels)).toEqual([{ alertname: "BusdoctorIncident", cluster: "payments", node: meta.faulty }]);
      expect(page?.alerts[0]?.annotations).toMatchObject({ cause: "NODE_UNREACHABLE", severity: "warning", check: `busdoctor check ${meta.faulty}` });

      // The severity rises: Alertmanager holds the same alert with the new annotations, no second page.
      for (const incidents of steps.slice(critical, closed)) pusher.update(incidents);
      await waitFor(
        "Alertmanager has the critical severity",
        async () => (await alertsInAlertmanager()).some((alert) => alert.annotations["severity"] === "critical"),
        15_000,
      );
      expect((await alertsInAlertmanager()).map((alert) => alert.labels)).toEqual([{ alertname: "BusdoctorIncident", cluster: "payments", node: meta.faulty }]);
      const pushesBefore = pusher.stats()[0]?.stats.pushes ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 2500)); // re-sent while firing, nothing changed
      expect(pusher.stats()[0]?.stats.pushes).toBeGreaterThan(pushesBefore);

      for (const incidents of steps.slice(closed)) pusher.update(incidents);
      await waitFor(
        "the pager hears the resolution",
        async () => receiver.notifications("/pager").some((notification) => notification.status === "resolved"),
        20_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 4000)); // a group interval (3 s here): anything more would come now
      expect(receiver.notifications("/pager").map((notification) => notification.status)).toEqual(["firing", "resolved"]);
      expect(receiver.notifications("/tickets")).toEqual([]);
      expect(warnings).toEqual([]);
      expect(pusher.stats()[0]?.stats.failures).toBe(0);
    } finally {
      await pusher.close(1000);
    }
  });

  it("two replicas pushing the same incident make one alert and one page (Alertmanager de-duplicates)", async () => {
    const before = receiver.notifications("/pager").length;
    const alert: IncidentAlert = {
      labels: { alertname: "BusdoctorIncident", cluster: "sessions", node: "10.9.0.7:6379" },
      annotations: {
        incident: "3",
        cause: "BUS_PORT_BLOCKED",
        severity: "critical",
        phase: "settled",
        nodes: "10.9.0.7:6379",
        summary: "blocked",
        check: "busdoctor check 10.9.0.7:6379",
        timeline: "busdoctor timeline --incident 3",
      },
      startsAt: Date.now(),
      endsAt: null,
    };
    const target = parseAlertmanagerUrl(`http://${AUTH.user}:${AUTH.password}@127.0.0.1:${amUrl}`);
    const replicas = [new AlertmanagerPusher([target], POLICY, () => undefined), new AlertmanagerPusher([target], POLICY, () => undefined)];
    try {
      // Each replica numbers incidents its own way: annotations differ, labels do not.
      replicas[0]?.update({ open: [alert], closed: [] });
      replicas[1]?.update({ open: [{ ...alert, annotations: { ...alert.annotations, incident: "17" } }], closed: [] });
      await waitFor("the pager is notified", async () => receiver.notifications("/pager").length > before, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const pages = receiver.notifications("/pager").slice(before);
      expect(pages).toHaveLength(1);
      expect(pages[0]?.alerts).toHaveLength(1);
      expect((await alertsInAlertmanager()).filter((held) => held.labels["cluster"] === "sessions")).toHaveLength(1);
    } finally {
      for (const replica of replicas) await replica.close(1000);
    }
  });

  it("a wrong password is refused and retried, and never shows in what busdoctor says", async () => {
    const warnings: string[] = [];
    const pusher = new AlertmanagerPusher([parseAlertmanagerUrl(`http://${AUTH.user}:not-the-pw@127.0.0.1:${amUrl}`)], POLICY, (line) => warnings.push(line));
    try {
      pusher.update({ open: [recordedIncidents().find((incidents) => incidents.open.length > 0)?.open[0] as IncidentAlert], closed: [] });
      await waitFor("a push failed and is retried", async () => (pusher.stats()[0]?.stats.failures ?? 0) >= 2, 10_000);
      expect(warnings[0]).toBe(`alertmanager 127.0.0.1:${amUrl}: HTTP 401; retrying in 100 ms`);
      expect(warnings.join("\n")).not.toMatch(/not-the-pw|ops:/);
      expect(pusher.stats()[0]?.host).toBe(`127.0.0.1:${amUrl}`);
    } finally {
      await pusher.close(100);
    }
  });
});
