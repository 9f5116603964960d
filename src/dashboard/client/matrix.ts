// The observer -> peer link matrix as a heatmap: rows are observers (each node's own CLUSTER NODES),
// columns peers. Every cell has a symbol as well as a colour, so no state is told by colour alone; the
// incident's nodes get their row and column outlined. One tab stop: arrow keys move inside the grid
// (the ARIA grid pattern) and the focused cell is spelt out underneath.
import { html } from "htm/preact";
import { useMemo, useRef, useState } from "preact/hooks";
import { CELL_KINDS, type CellKind, type WireCell, type WireMatrix, type WireNode } from "../wire.js";
import { duration } from "./format.js";

export const CELL_SYMBOL: Record<CellKind, string> = { ok: "·", pending: "P", stale: "S", pfail: "?", fail: "F", missing: "-", unknown: "x" };

export const CELL_WORDS: Record<CellKind, string> = {
  ok: "ok",
  pending: "ping pending",
  stale: "pong stale",
  pfail: "flagged fail? (PFAIL)",
  fail: "flagged fail",
  missing: "missing from the view",
  unknown: "unknown (observer not read)",
};

export function describeCell(cell: WireCell): string {
  if (cell === null) return "self";
  const [kind, pendingMs, pongAgeMs] = cell;
  const parts = [CELL_WORDS[kind]];
  if (pendingMs !== null && kind !== "ok") parts.push(`ping pending ${duration(pendingMs)}`);
  if (pongAgeMs !== null) parts.push(`last pong ${duration(pongAgeMs)} ago`);
  return parts.join(", ");
}

interface Props {
  matrix: WireMatrix;
  nodes: readonly WireNode[];
  /** Nodes of the open incident: their row and column stand out. */
  marked: ReadonlySet<string>;
}

/**
 * The grid changes only when a cell's state, the marked nodes or the addresses do: its rows are built
 * again only then (with 60 nodes, 3600 cells), not for every sample nor for every move of the focus.
 * The roving tab stop is moved on the elements themselves for the same reason.
 */
function Grid({ matrix, nodes, marked, onCell }: Props & { onCell: (row: number, column: number) => void }) {
  const { addresses, cells } = matrix;
  const dense = addresses.length > 24;
  const roleOf = new Map(nodes.map((node) => [node.address, node.role]));
  return html`
    <table class=${`matrix${dense ? " dense" : ""}`} role="grid" aria-label="Bus link matrix, observer rows by peer columns">
      <thead>
        <tr>
          <th scope="col" class="corner">obs \\ peer</th>
          ${addresses.map((address, index) => html`<th scope="col" class=${marked.has(address) ? "marked" : ""} title=${address} data-peer-head=${address}>${index + 1}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${addresses.map(
          (observer, r) => html`
            <tr class=${marked.has(observer) ? "marked-row" : ""}>
              <th scope="row" class=${marked.has(observer) ? "marked" : ""} data-observer-head=${observer}>
                <span class="num">${r + 1}</span>${dense ? "" : html` <span class="addr">${observer}</span>`}
                <span class="role">${roleOf.get(observer) === "master" ? "M" : roleOf.get(observer) === "replica" ? "R" : ""}</span>
              </th>
              ${addresses.map((peer, c) => {
                const cell = cells[r]?.[c] ?? null;
                const kind = cell === null ? "self" : cell[0];
                const hot = marked.has(observer) || marked.has(peer);
                return html`<td
                  class=${`cell k-${kind}${hot ? " hot" : ""}`}
                  data-observer=${observer}
                  data-peer=${peer}
                  data-kind=${kind}
                  data-at=${`${r}-${c}`}
                  tabindex=${r === 0 && c === 1 ? 0 : -1}
                  title=${`${observer} -> ${peer}: ${cell === null ? "self" : CELL_WORDS[cell[0]]}`}
                  onFocus=${() => onCell(r, c)}
                  onMouseEnter=${() => onCell(r, c)}
                >${cell === null ? "" : CELL_SYMBOL[cell[0]]}</td>`;
              })}
            </tr>
          `,
        )}
      </tbody>
    </table>
  `;
}

export function Matrix({ matrix, nodes, marked }: Props) {
  const [focus, setFocus] = useState<[number, number]>([0, 1]);
  const scroller = useRef<HTMLDivElement>(null);
  const { addresses, cells } = matrix;
  const size = addresses.length;
  const row = Math.min(focus[0], size - 1);
  const column = Math.min(focus[1], size - 1);
  const onCell = useRef((r: number, c: number): void => setFocus([r, c])).current;
  const signature = `${addresses.join(" ")}|${cells.map((line) => line.map((cell) => (cell === null ? "*" : CELL_SYMBOL[cell[0]])).join("")).join("/")}|${[...marked].join(" ")}|${nodes.map((node) => node.role).join(",")}`;
  const grid = useMemo(() => html`<${Grid} matrix=${matrix} nodes=${nodes} marked=${marked} onCell=${onCell} />`, [signature]);

  const move = (event: KeyboardEvent): void => {
    const steps: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    let next: [number, number] | null = null;
    const step = steps[event.key];
    if (step) next = [Math.max(0, Math.min(size - 1, row + step[0])), Math.max(0, Math.min(size - 1, column + step[1]))];
    else if (event.key === "Home") next = [row, 0];
    else if (event.key === "End") next = [row, size - 1];
    if (next === null) return;
    event.preventDefault();
    const from = scroller.current?.querySelector<HTMLElement>(`[data-at="${row}-${column}"]`);
    const to = scroller.current?.querySelector<HTMLElement>(`[data-at="${next[0]}-${next[1]}"]`);
    if (from) from.tabIndex = -1;
    if (to) {
      to.tabIndex = 0;
      to.focus();
    }
    setFocus(next);
  };

  if (size === 0) return html`<p class="muted">No node has given its view yet.</p>`;
  const bad = cells.flat().filter((cell) => cell !== null && cell[0] !== "ok").length;
  const total = size * (size - 1);
  const focused = cells[row]?.[column] ?? null;
  const reverse = cells[column]?.[row] ?? null;
  return html`
    <p class="summary">${total - bad} of ${total} links ok${bad > 0 ? html`, <strong>${bad} not ok</strong>` : ""}. Rows: observer (its own CLUSTER NODES); columns: peer.</p>
    <div class="matrix-scroll" ref=${scroller} onKeyDown=${move}>${grid}</div>
    <p class="cell-detail" aria-live="polite">
      <strong>${row + 1} ${addresses[row]} → ${column + 1} ${addresses[column]}</strong>: ${describeCell(focused)}
      ${row !== column ? html`<span class="muted"> (the other way: ${describeCell(reverse)})</span>` : ""}
    </p>
    <${Legend} />
  `;
}

function Legend() {
  return html`<ul class="legend" aria-label="Matrix legend">
    ${CELL_KINDS.map((kind) => html`<li><span class=${`swatch cell k-${kind}`} aria-hidden="true">${CELL_SYMBOL[kind]}</span> ${CELL_WORDS[kind]}</li>`)}
    <li><span class="swatch marked-swatch" aria-hidden="true"></span> the open incident's node</li>
  </ul>`;
}
