// The seed's six signals per node over time, one small uPlot chart each, on one shared time axis (the
// cursor moves on all of them at once), with every incident's span drawn across them. Colours come
// from the Okabe-Ito palette, with dashes after eight nodes; the incident's nodes draw thicker.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import type { WireMark } from "../wire.js";
import type { SeriesStore } from "./series.js";

interface ChartSpec {
  title: string;
  /** Indexes into the node's values (WireValues); two for sent vs received. */
  signals: number[];
  stepped: boolean;
}

const CHARTS: ChartSpec[] = [
  { title: "cluster_state (1 ok, 0 fail)", signals: [0], stepped: true },
  { title: "cluster_slots_pfail", signals: [1], stepped: true },
  { title: "cluster_slots_fail", signals: [2], stepped: true },
  { title: "bus messages/s: sent — received ┅", signals: [3, 4], stepped: false },
  { title: "cluster_known_nodes", signals: [5], stepped: true },
  { title: "connected_clients", signals: [6], stepped: true },
];

const CHART_HEIGHT = 130;
const PALETTE = ["--c0", "--c1", "--c2", "--c3", "--c4", "--c5", "--c6", "--c7"];
const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

/** "950", "12k", "1.5M": axis labels that fit. */
function compact(value: number): string {
  const size = Math.abs(value);
  if (size >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (size >= 1e4) return `${+(value / 1e3).toFixed(0)}k`;
  return `${+value.toFixed(2)}`;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function nodeStroke(index: number): { color: string; dash: number[] } {
  return { color: cssVar(PALETTE[index % PALETTE.length] ?? "--fg"), dash: DASHES[Math.floor(index / PALETTE.length) % DASHES.length] ?? [] };
}

/** Draws each incident's span as a band with its number, under the series. */
function marksPlugin(marks: { current: readonly WireMark[] }, label: boolean): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (chart: uPlot) => {
        const { ctx, bbox } = chart;
        const right = bbox.left + bbox.width;
        ctx.save();
        for (const mark of marks.current) {
          const from = Math.max(bbox.left, chart.valToPos(mark.from / 1000, "x", true));
          const to = mark.to === null ? right : Math.min(right, chart.valToPos(mark.to / 1000, "x", true));
          if (to <= bbox.left || from >= right) continue;
          ctx.fillStyle = cssVar("--mark");
          ctx.fillRect(from, bbox.top, Math.max(2, to - from), bbox.height);
          ctx.fillStyle = cssVar("--mark-edge");
          ctx.fillRect(from, bbox.top, 2 * devicePixelRatio, bbox.height);
          if (label) {
            ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
            ctx.fillText(`#${mark.id} ${mark.code ?? ""}`, from + 4 * devicePixelRatio, bbox.top + 12 * devicePixelRatio);
          }
        }
        ctx.restore();
      },
    },
  };
}

interface Props {
  store: SeriesStore;
  /** Bumped on every sample: the charts take the store's columns again. */
  version: number;
  marks: readonly WireMark[];
  marked: ReadonlySet<string>;
  theme: string;
}

export function Signals({ store, version, marks, marked, theme }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const charts = useRef<uPlot[]>([]);
  const markRef = useRef<readonly WireMark[]>(marks);
  markRef.current = marks;
  const nodesKey = `${store.nodes.join(",")}|${[...marked].join(",")}|${theme}`;

  /** One point per two pixels at most: 60 nodes x 900 samples would be 54,000 points a chart. */
  const data = (spec: ChartSpec, width: number): uPlot.AlignedData => {
    const view = store.thinned(Math.floor(width / 2));
    return [view.xs, ...spec.signals.flatMap((signal) => view.signal(signal))];
  };

  // Charts off screen (below the fold at 1280x720) are not built until they first show, and not
  // redrawn every second while hidden: only when they show again.
  const [shown, setShown] = useState(false);
  const visible = useRef(false);
  const stale = useRef(false);
  const redraw = (): void => {
    stale.current = false;
    charts.current.forEach((chart, index) => {
      const spec = CHARTS[index];
      if (spec) chart.setData(data(spec, chart.width));
    });
  };
  useEffect(() => {
    const container = host.current;
    if (container === null) return undefined;
    const observer = new IntersectionObserver((entries) => {
      visible.current = entries.some((entry) => entry.isIntersecting);
      if (visible.current) setShown(true);
      if (visible.current && stale.current) redraw();
    });
    observer.observe(container);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (visible.current) redraw();
    else stale.current = true;
  }, [version]);

  useEffect(() => {
    const container = host.current;
    if (container === null || !shown) return undefined;
    const figures = [...container.children] as HTMLElement[];
    const widthOf = (index: number): number => Math.max(200, figures[index]?.clientWidth ?? 300);
    const axis = { stroke: cssVar("--fg-muted"), grid: { stroke: cssVar("--grid"), width: 1 }, ticks: { stroke: cssVar("--grid"), width: 1 } };
    charts.current = CHARTS.map((spec, chartIndex) => {
      const series: uPlot.Series[] = [{}];
      for (const [signalIndex] of spec.signals.entries()) {
        store.nodes.forEach((address, index) => {
          const { color, dash } = nodeStroke(index);
          series.push({
            label: `${address} ${signalIndex === 0 ? "" : "received"}`.trim(),
            stroke: color,
            width: marked.has(address) ? 2.5 : 1.25,
            dash: signalIndex === 1 ? [3, 3] : dash,
            spanGaps: false,
            points: { show: false },
            ...(spec.stepped ? { paths: uPlot.paths.stepped?.({ align: 1 }) } : {}),
          });
        });
      }
      const figure = figures[chartIndex] ?? container;
      const target = figure.querySelector<HTMLElement>(".plot") ?? figure;
      target.replaceChildren();
      return new uPlot(
        {
          width: widthOf(chartIndex),
          height: CHART_HEIGHT,
          legend: { show: false },
          cursor: { sync: { key: "busdoctor-signals" }, points: { show: false } },
          scales: { x: { time: true }, y: { range: (_chart, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] } },
          axes: [axis, { ...axis, size: 50, values: (_chart: uPlot, splits: number[]) => splits.map(compact) }],
          series,
          plugins: [marksPlugin(markRef, chartIndex === 0)],
        },
        data(spec, widthOf(chartIndex)),
        target,
      );
    });
    const resize = new ResizeObserver(() => {
      charts.current.forEach((chart, index) => {
        const next = widthOf(index);
        if (chart.width !== next) chart.setSize({ width: next, height: CHART_HEIGHT });
      });
    });
    resize.observe(container);
    return () => {
      resize.disconnect();
      for (const chart of charts.current) chart.destroy();
      charts.current = [];
    };
  }, [nodesKey, shown]);

  return html`
    <div class="charts" ref=${host}>
      ${CHARTS.map((spec) => html`<figure class="chart"><figcaption>${spec.title}</figcaption><div class="plot" aria-hidden="true"></div></figure>`)}
    </div>
    <ul class="legend node-legend" aria-label="Chart lines by node">
      ${store.nodes.map((address, index) => {
        const { color, dash } = nodeStroke(index);
        return html`<li class=${marked.has(address) ? "marked-text" : ""}>
          <svg width="22" height="8" aria-hidden="true"><line x1="0" y1="4" x2="22" y2="4" stroke=${color} stroke-width=${marked.has(address) ? 3 : 2} stroke-dasharray=${dash.join(" ")} /></svg>
          ${address}
        </li>`;
      })}
    </ul>
  `;
}
