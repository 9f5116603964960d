// The open incident (cause, nodes, phase, steps, evidence) and the timeline of past incidents.
import { html } from "htm/preact";
import type { WireIncident, WireStep } from "../wire.js";
import { clock, dateTime, duration } from "./format.js";

function Steps({ steps, openedAt }: { steps: readonly WireStep[]; openedAt: number }) {
  if (steps.length === 0) return null;
  const ordered = [...steps].sort((a, b) => a.at - b.at);
  const first = Math.min(openedAt, ordered[0]?.at ?? openedAt);
  return html`<ol class="steps">
    ${ordered.map(
      (step) =>
        html`<li><time>${clock(step.at)}</time> <span class="muted">+${duration(step.at - first)}</span> <strong>${step.label}</strong> ${step.detail}</li>`,
    )}
  </ol>`;
}

function OpenIncident({ incident, now }: { incident: WireIncident; now: number }) {
  const latest = [...incident.steps].sort((a, b) => a.at - b.at).at(-1);
  const evidence = incident.alerts.filter((alert) => alert.endedAt === null).flatMap((alert) => alert.evidence.map((item) => ({ alert: alert.code, ...item })));
  return html`<article class="incident" data-incident=${incident.id}>
    <h3>
      <span class="badge bad" data-cause>${incident.cause?.code ?? "cause not named yet"}</span>
      Incident #${incident.id}: ${incident.title}
    </h3>
    <dl class="facts">
      <dt>Nodes</dt><dd>${incident.nodes.join(", ") || "-"}</dd>
      <dt>Phase</dt><dd data-phase>${incident.phase ?? (latest ? latest.label : "opened")}</dd>
      <dt>Open for</dt><dd>${duration(Math.max(0, now - incident.openedAt))} (since ${clock(incident.openedAt)})</dd>
      <dt>Alerts</dt><dd>${incident.alerts.map((alert) => `${alert.code}${alert.endedAt === null ? "" : " (resolved)"}`).join(", ") || "-"}</dd>
    </dl>
    <${Steps} steps=${incident.steps} openedAt=${incident.openedAt} />
    ${
      evidence.length === 0
        ? ""
        : html`<details class="evidence">
          <summary>Evidence (${evidence.length})</summary>
          <table>
            <thead><tr><th scope="col">Alert</th><th scope="col">From</th><th scope="col">What</th><th scope="col">Exact value</th></tr></thead>
            <tbody>${evidence.map((item) => html`<tr><td>${item.alert}</td><td>${item.source}</td><td>${item.what}</td><td><code>${item.detail}</code></td></tr>`)}</tbody>
          </table>
        </details>`
    }
  </article>`;
}

export function CurrentIncidents({ incidents, now }: { incidents: readonly WireIncident[]; now: number }) {
  if (incidents.length === 0) return html`<p class="calm" data-no-incident>No open incident: every alert is resolved.</p>`;
  return html`${incidents.map((incident) => html`<${OpenIncident} incident=${incident} now=${now} />`)}`;
}

export function IncidentTimeline({ incidents, source }: { incidents: readonly WireIncident[]; source: string }) {
  if (incidents.length === 0)
    return html`<p class="muted">No incident recorded${source === "history" ? " in the history database" : " since the monitor started (no history database)"}.</p>`;
  return html`<ol class="timeline">
    ${incidents.map(
      (incident) => html`<li data-incident=${incident.id}>
        <details>
          <summary>
            <span class="num">#${incident.id}</span>
            <time>${dateTime(incident.openedAt)}</time>
            <span class="muted">${incident.closedAt === null ? "open" : duration(incident.closedAt - incident.openedAt)}</span>
            <span class=${incident.closedAt === null ? "badge bad" : "badge"}>${incident.cause?.code ?? "-"}</span>
            ${incident.title}
          </summary>
          <p>Nodes: ${incident.nodes.join(", ") || "-"}</p>
          <${Steps} steps=${incident.steps} openedAt=${incident.openedAt} />
        </details>
      </li>`,
    )}
  </ol>`;
}
