// The Alertmanager push, its pure parts: the URL (credentials become a header and never show), the v2
// payload, and which changes are pushed at once.
import { describe, expect, it } from "vitest";
import { DEFAULT_ALERTMANAGER_POLICY, parseAlertmanagerUrl, postableAlerts, PushedAlerts } from "../../../src/alerting/alertmanager.js";
import type { IncidentAlert } from "../../../src/alerting/incidentAlert.js";
import { UsageError } from "../../../src/errors.js";

const alert = (node: string, severity: "warning" | "critical", endsAt: number | null = null): IncidentAlert => ({
  labels: { alertname: "BusdoctorIncident", cluster: "payments", node },
  annotations: {
    incident: "4",
    cause: "BUS_PORT_BLOCKED",
    severity,
    phase: "settled",
    nodes: node,
    summary: "blocked",
    check: `busdoctor check ${node}`,
    timeline: "busdoctor timeline --incident 4",
  },
  startsAt: Date.parse("2026-11-26T05:42:39.265Z"),
  endsAt,
});

describe("--alertmanager URL", () => {
  it.each([
    ["http://am:9093", "http://am:9093/api/v2/alerts"],
    ["http://am:9093/", "http://am:9093/api/v2/alerts"],
    ["https://am.example/alertmanager", "https://am.example/alertmanager/api/v2/alerts"],
    ["http://am:9093/api/v2/alerts", "http://am:9093/api/v2/alerts"],
    ["http://[::1]:9093", "http://[::1]:9093/api/v2/alerts"],
  ])("%s posts to %s", (text, endpoint) => {
    const target = parseAlertmanagerUrl(text);
    expect(target.endpoint.href).toBe(endpoint);
    expect(target.authorization).toBeNull();
  });

  it("turns credentials into a Basic header, out of the URL and out of the name it goes by", () => {
    const target = parseAlertmanagerUrl("https://ops:p%40ss@am.example:9093/prefix");
    expect(target.authorization).toBe(`Basic ${Buffer.from("ops:p@ss").toString("base64")}`);
    expect(target.endpoint.href).toBe("https://am.example:9093/prefix/api/v2/alerts");
    expect(target.host).toBe("am.example:9093");
  });

  it("rejects what is not an http(s) URL without repeating it (it may hold a password)", () => {
    expect(() => parseAlertmanagerUrl("am:9093 pass=hunter2")).toThrow(UsageError);
    expect(() => parseAlertmanagerUrl("am:9093 pass=hunter2")).not.toThrow(/hunter2/);
    expect(() => parseAlertmanagerUrl("ftp://am:9093")).toThrow(/^--alertmanager: expected an http or https URL, got ftp:$/);
  });
});

describe("the pushed alerts", () => {
  it("a firing alert ends a few resends ahead (Alertmanager resolves it if busdoctor dies); a resolved one at its end", () => {
    const now = Date.parse("2026-11-26T05:43:00.000Z");
    const closedAt = Date.parse("2026-11-26T05:42:59.000Z");
    expect(postableAlerts([alert("10.0.0.3:6379", "critical"), alert("10.0.0.4:6379", "warning", closedAt)], now, DEFAULT_ALERTMANAGER_POLICY)).toEqual([
      {
        labels: { alertname: "BusdoctorIncident", cluster: "payments", node: "10.0.0.3:6379" },
        annotations: expect.objectContaining({ severity: "critical", cause: "BUS_PORT_BLOCKED" }),
        startsAt: "2026-11-26T05:42:39.265Z",
        endsAt: "2026-11-26T05:44:00.000Z",
      },
      expect.objectContaining({ endsAt: "2026-11-26T05:42:59.000Z" }),
    ]);
  });

  it("pushes at once what opened, changed or closed; not the same alert again", () => {
    const pushed = new PushedAlerts();
    expect(pushed.take({ open: [alert("a:1", "warning")], closed: [] })).toBe(true);
    expect(pushed.take({ open: [alert("a:1", "warning")], closed: [] })).toBe(false);
    expect(pushed.take({ open: [alert("a:1", "critical")], closed: [] })).toBe(true);
    expect(pushed.firing).toBe(1);
    expect(pushed.take({ open: [], closed: [alert("a:1", "critical", 1000)] })).toBe(true);
    expect(pushed.firing).toBe(0);
    expect([...pushed.values()]).toHaveLength(1);
    pushed.prune(1000 + DEFAULT_ALERTMANAGER_POLICY.keepResolvedMs, DEFAULT_ALERTMANAGER_POLICY.keepResolvedMs);
    expect([...pushed.values()]).toHaveLength(1);
    pushed.prune(1001 + DEFAULT_ALERTMANAGER_POLICY.keepResolvedMs, DEFAULT_ALERTMANAGER_POLICY.keepResolvedMs);
    expect([...pushed.values()]).toHaveLength(0);
  });
});
