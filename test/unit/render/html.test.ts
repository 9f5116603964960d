// `check --format html` and `timeline --format html`: one self-contained page (no script, nothing to
// fetch), the verdict, matrix, nodes and evidence in it, and every string from a server escaped,
// escape sequences and newlines included.
import { describe, expect, it } from "vitest";
import { buildReport } from "../../../src/check/report.js";
import { exitCodeFor } from "../../../src/cli/exitCodes.js";
import type { IncidentRecord } from "../../../src/model/events.js";
import { escapeHtml } from "../../../src/render/html/escape.js";
import { renderHtml } from "../../../src/render/html/report.js";
import { renderTimelineHtml } from "../../../src/render/html/timeline.js";
import type { Alert, Incident } from "../../../src/model/events.js";
import { loadSnapshot, snapshotNames } from "../diagnose/fixtures.js";
import { loadRecording, replay } from "../watch/replay.js";
import { blockedBusReport } from "./reports.js";

/** What a hostile node could put in a hostname or a reply: markup, an OSC title change, a newline. */
const HOSTILE = `evil"><script>alert(1)</script><img src=x onerror=alert(2)>\u001b]0;PWNED\u0007\u001b[2J\nline2'`;

/** Nothing in the page may run or load: no script tag, no handler, no URL (escaped text has no tags). */
function selfContained(page: string): void {
  // Attribute values are double-quoted with any quote inside escaped: drop them, keep the tags' names and attributes.
  const tags = (page.match(/<[^>]*>/g) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
  expect(tags.filter((tag) => /^<script|\son\w+=|\s(src|href|action)=/i.test(tag))).toEqual([]);
  expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:">`);
}

describe("escapeHtml", () => {
  it("escapes markup and quotes, and shows control characters instead of passing them on", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(escapeHtml("\u001b]0;PWNED\u0007\u001b[2J")).toBe("␛]0;PWNED␇␛[2J");
    expect(escapeHtml("a\nb\tc\u007f\u0085")).toBe("a\nb\tc␡\ufffd");
  });
});

describe("check --format html", () => {
  it.each(snapshotNames())("%s: a self-contained page with the verdict, the matrix and the nodes", (name) => {
    const report = buildReport(loadSnapshot(name));
    const page = renderHtml(report, exitCodeFor(report.diagnosis.health));
    selfContained(page);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain(`id="verdict" data-health="${report.diagnosis.health}"`);
    expect(page).toContain('<section id="nodes">');
    expect(page).toContain(`<strong>Phase:</strong> ${escapeHtml(report.diagnosis.phase.summary)}`);
    expect(page).toContain("<strong>Based on:</strong> ");
    for (const cause of report.diagnosis.coRootCauses) expect(page).toContain(`<span class="badge ${cause.severity}">${cause.code}</span>`);
    for (const node of report.analysis.nodes) expect(page).toContain(escapeHtml(node.address));
    if (report.analysis.links.length > 0) expect(page).toContain('<table class="matrix"');
    const root = report.diagnosis.rootCause;
    if (root) {
      expect(page).toContain(`<span class="badge ${root.severity}">${root.code}</span>`);
      for (const evidence of root.evidence) expect(page).toContain(escapeHtml(evidence.detail));
    }
  });

  it("puts the matrix and the nodes before the root cause's details, and the fixes in <details> (the first open)", () => {
    const page = renderHtml(blockedBusReport(), 2);
    const order = ['id="verdict"', 'id="matrix"', 'id="nodes"', 'id="root-cause"'].map((marker) => page.indexOf(marker));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page).toContain('<details class="fix" open><summary><strong>Fix: nftables on the host of 127.0.0.3</strong>');
    expect(page).toContain('<td class="cell k-fail" data-kind="fail"');
    expect(page).toContain("exit code 2.</div>");
  });

  it("escapes hostile strings from a server everywhere (addresses, summaries, evidence, fixes)", () => {
    const report = blockedBusReport();
    const [first] = report.analysis.nodes;
    if (first) first.address = HOSTILE;
    const root = report.diagnosis.rootCause;
    if (root) {
      root.summary = HOSTILE;
      root.evidence[0] = { source: HOSTILE, what: HOSTILE, detail: HOSTILE };
      root.fix[0] = { where: HOSTILE, lines: [HOSTILE] };
    }
    report.seeds = [HOSTILE];
    const page = renderHtml(report, exitCodeFor(report.diagnosis.health));
    selfContained(page);
    expect(page).not.toContain("\u001b");
    expect(page).not.toContain("\u0007");
    expect(page).toContain("evil&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;␛]0;PWNED␇␛[2J\nline2&#39;");
    expect(page).toContain(`<title>CRITICAL: evil&quot;&gt;&lt;script&gt;`);
  });
});

describe("timeline --format html", () => {
  /** The recorded incident as the history store gives it back: the incident and its alerts. */
  function recorded(): IncidentRecord {
    const { events } = replay(loadRecording("bus-blocked-failover").snapshots);
    const closed = events.filter((event) => event.type === "incident-closed").at(-1);
    if (closed?.type !== "incident-closed") throw new Error("the recording has no closed incident");
    const alerts = new Map<string, Alert>();
    for (const event of events) if (event.type === "firing" || event.type === "resolved") alerts.set(event.alert.id, event.alert);
    const incident: Incident = closed.incident;
    return { incident, alerts: incident.alertIds.flatMap((id) => alerts.get(id) ?? []) };
  }

  it("shows the cause, every step in order with the time since the first, and each alert's evidence", () => {
    const record = recorded();
    const page = renderTimelineHtml(record);
    selfContained(page);
    expect(page).toContain(`<span class="badge critical">BUS_PORT_BLOCKED</span> Incident #${record.incident.id}`);
    const labels = ["first pending ping", "early warning", "PFAIL", "FAIL", "failover", "heal", "recovery"].map((label) =>
      page.indexOf(`<strong>${label}</strong>`),
    );
    expect(labels.every((index) => index > 0)).toBe(true);
    expect([...labels].sort((a, b) => a - b)).toEqual(labels);
    expect(page).toMatch(/recovered after \d+\.\d s/);
    for (const alert of record.alerts) expect(page).toContain(`<span class="badge ${alert.severity}">${alert.code}</span>`);
  });

  it("escapes what the history database holds", () => {
    const record = recorded();
    record.incident.title = HOSTILE;
    record.incident.steps[0] = { kind: "heal", at: record.incident.openedAt, nodes: [HOSTILE], detail: HOSTILE };
    const page = renderTimelineHtml(record);
    selfContained(page);
    expect(page).not.toContain("\u001b");
    expect(page).toContain("<td>evil&quot;&gt;&lt;script&gt;");
  });
});
