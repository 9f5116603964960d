// The dashboard page: live state from /api/stream, past incidents from /api/incidents.
import { html } from "htm/preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { WireIncidentList, WireState } from "../wire.js";
import { Signals } from "./charts.js";
import { connect, type LinkStatus } from "./connection.js";
import { clock, plural } from "./format.js";
import { CurrentIncidents, IncidentTimeline } from "./incidents.js";
import { Matrix } from "./matrix.js";
import { SeriesStore } from "./series.js";
import { Shards } from "./shards.js";
import { SignalsTable } from "./signalsTable.js";
import { SlotMap } from "./slotMap.js";

const STATUS_WORDS: Record<LinkStatus, string> = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…" };
const DARK = "(prefers-color-scheme: dark)";

function useTheme(): string {
  const query = useMemo(() => window.matchMedia(DARK), []);
  const [dark, setDark] = useState(query.matches);
  useEffect(() => {
    const changed = (): void => setDark(query.matches);
    query.addEventListener("change", changed);
    return () => query.removeEventListener("change", changed);
  }, [query]);
  return dark ? "dark" : "light";
}

function Section({ id, title, wide, children }: { id: string; title: string; wide?: boolean; children: unknown }) {
  return html`<section id=${id} class=${wide ? "panel wide" : "panel"} aria-labelledby=${`${id}-title`}>
    <h2 id=${`${id}-title`}>${title}</h2>
    ${children}
  </section>`;
}

export function App() {
  const store = useRef(new SeriesStore());
  const [state, setState] = useState<WireState | null>(null);
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<LinkStatus>("connecting");
  const [past, setPast] = useState<WireIncidentList | null>(null);
  const [pastError, setPastError] = useState<string | null>(null);
  const theme = useTheme();

  useEffect(
    () =>
      connect({
        status: setStatus,
        reset: (data) => {
          store.current.reset(data.series);
          setState(data.state);
          setVersion((value) => value + 1);
        },
        sample: (data) => {
          store.current.push(data.point);
          setState(data.state);
          setVersion((value) => value + 1);
        },
      }),
    [],
  );

  // Past incidents: again whenever the set of open ones changes (one opened, or closed into the history).
  const openKey = (state?.incidents ?? []).map((incident) => incident.id).join(",");
  useEffect(() => {
    const controller = new AbortController();
    fetch("/api/incidents", { signal: controller.signal })
      .then((response) => (response.ok ? (response.json() as Promise<WireIncidentList>) : Promise.reject(new Error(`HTTP ${response.status}`))))
      .then((list) => {
        setPast(list);
        setPastError(null);
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setPastError(error instanceof Error ? error.message : String(error));
      });
    return () => controller.abort();
  }, [openKey, state === null]);

  const marked = useMemo(() => new Set((state?.incidents ?? []).flatMap((incident) => (incident.cause ? incident.cause.nodes : incident.nodes))), [state]);
  const addresses = state?.matrix.addresses ?? [];
  const open = state?.incidents ?? [];

  return html`
    <a class="skip" href="#matrix">Skip to the link matrix</a>
    <header class="top" data-theme=${theme}>
      <h1>busdoctor <span class="muted">watch</span></h1>
      <span class=${`chip ${status}`} role="status" data-status=${status}>${STATUS_WORDS[status]}</span>
      ${
        state === null
          ? html`<span class="muted">waiting for the first sample</span>`
          : html`
            <span>${plural(state.nodes.length, "node")}</span>
            <span class="muted">last sample ${clock(state.at)}, every ${state.intervalMs} ms</span>
            <span class="muted">early warning past ${state.thresholdMs} ms pending</span>
            <span class=${open.length > 0 ? "chip bad" : "chip ok"} data-health>${open.length > 0 ? `${plural(open.length, "open incident")}` : "no open incident"}</span>
          `
      }
    </header>
    <main class="grid">
      <div class="column">
        <${Section} id="matrix" title="Bus links: observer → peer">
          ${state === null ? "" : html`<${Matrix} matrix=${state.matrix} nodes=${state.nodes} marked=${marked} />`}
        <//>
        <${Section} id="slots" title="Slot map (16384 slots)">
          ${state === null ? "" : html`<${SlotMap} slots=${state.slots} shards=${state.shards} />`}
        <//>
      </div>
      <div class="column">
        <${Section} id="incident" title="Current incident">
          <div aria-live="polite">${state === null ? "" : html`<${CurrentIncidents} incidents=${open} now=${state.at} />`}</div>
        <//>
        <${Section} id="shards" title="Shards and roles">
          ${state === null ? "" : html`<${Shards} shards=${state.shards} nodes=${state.nodes} addresses=${addresses} changes=${state.roleChanges} />`}
        <//>
      </div>
      <${Section} id="signals" title="Signals per node" wide=${true}>
        <${Signals} store=${store.current} version=${version} marks=${state?.marks ?? []} marked=${marked} theme=${theme} />
        ${state === null ? "" : html`<${SignalsTable} point=${store.current.lastPoint()} nodes=${state.nodes} addresses=${addresses} />`}
      <//>
      <${Section} id="timeline" title="Incident timeline" wide=${true}>
        ${pastError !== null ? html`<p class="muted">Could not read past incidents: ${pastError}</p>` : ""}
        ${past === null ? "" : html`<${IncidentTimeline} incidents=${past.incidents} source=${past.source} />`}
      <//>
    </main>
  `;
}
