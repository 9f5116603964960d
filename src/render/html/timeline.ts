// `timeline --format html`: one incident from the watch's history as a self-contained file: what it
// was, each step with its time and the time since the first, and every alert with its evidence.
import type { IncidentRecord } from "../../model/events.js";
import { orderedSteps, STEP_NAMES } from "../timeline.js";
import { html } from "./escape.js";
import { evidenceTable, htmlPage } from "./page.js";

const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function renderTimelineHtml({ incident, alerts }: IncidentRecord): string {
  const steps = orderedSteps(incident);
  const first = steps[0]?.at ?? incident.openedAt;
  const health = incident.closedAt === null ? "critical" : "healthy";
  const status =
    incident.closedAt === null ? "still open (or the monitor stopped before it ended)" : `recovered after ${seconds(incident.closedAt - incident.openedAt)}`;
  const title = `Incident #${incident.id}: ${incident.title}`;
  const body = html`
<header>
  <div class="verdict ${health}" id="verdict">
    <h1>${incident.cause ? html`<span class="badge critical">${incident.cause.code}</span> ` : ""}${title}</h1>
    <div>opened ${iso(incident.openedAt)}, ${status}${incident.nodes.length > 0 ? `; nodes ${incident.nodes.join(", ")}` : ""}</div>
  </div>
</header>
<main>
<section id="steps">
<h2>Timeline</h2>
<table class="data"><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Since start</th><th scope="col">Step</th><th scope="col">What</th><th scope="col">Detail</th></tr></thead>
<tbody>${steps.map((step, index) => {
    const previous = steps[index - 1]?.at ?? first;
    return html`<tr><td class="mono">${iso(step.at).slice(11, 23)}</td><td class="mono">+${seconds(step.at - first)}</td><td class="mono">+${seconds(step.at - previous)}</td><td><strong>${STEP_NAMES[step.kind] ?? step.kind}</strong></td><td>${step.detail}</td></tr>`;
  })}</tbody></table>
</section>
<section id="alerts">
<h2>Alerts</h2>
${
  alerts.length === 0
    ? html`<p>No alert recorded.</p>`
    : alerts.map(
        (alert) => html`<h3><span class="badge ${alert.severity}">${alert.code}</span> ${alert.severity} on ${alert.nodes.join(", ")}</h3>
<p>${alert.summary}<br><span class="muted">${iso(alert.startedAt)} → ${alert.endedAt === null ? "still firing" : `${iso(alert.endedAt)} (${seconds(alert.endedAt - alert.startedAt)})`}</span></p>
${evidenceTable(alert.evidence)}`,
      )
}
</section>
</main>
<footer class="muted">From the history database of busdoctor watch; no secret is kept there.</footer>`;
  return htmlPage(title, body);
}
