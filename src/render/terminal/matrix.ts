// The observer -> peer matrix in compact form: one symbol per cell, rows are observers, columns are
// peers numbered like the node table; below it, every cell that is not ok with its exact value.

import type { ClusterAnalysis } from "../../model/analysis.js";
import { LINK_LEGEND, LINK_SYMBOL, SELF_SYMBOL } from "../describe.js";
import { buildLinkGrid, countLinks, notOkLinks, type GridCell } from "../linkGrid.js";
import { plural } from "../report.js";
import { alignColumns, type Paint } from "./layout.js";
import type { Style } from "./style.js";

/** Past this many lines the "not ok" list is cut: the JSON output keeps every cell. */
export const MAX_NOT_OK_LINES = 30;

export function renderMatrix(analysis: ClusterAnalysis, style: Style, width: number): string[] {
  const { total, ok } = countLinks(analysis);
  if (total === 0) return [`${style.heading("BUS LINKS")}  no node gave its view of the others`];
  if (ok === total) return [`${style.heading("BUS LINKS")}  all ${total} observer -> peer links ok`];
  return [
    `${style.heading("BUS LINKS")}  observer -> peer, ${ok} of ${total} ok; rows are observers, columns peers`,
    ...grid(analysis, style, width),
    ...legend(width),
    "  Not ok:",
    ...notOkList(analysis),
  ];
}

/** Compact: how many links are ok, and the first few that are not. */
export function renderLinkSummary(analysis: ClusterAnalysis, style: Style, shown = 5): string[] {
  const { total, ok } = countLinks(analysis);
  if (total === 0) return [`${style.heading("BUS LINKS")}  no node gave its view of the others`];
  if (ok === total) return [`${style.heading("BUS LINKS")}  all ${total} observer -> peer links ok`];
  const lines = notOkList(analysis);
  const more = lines.length > shown ? [`    ... (--verbose: the grid and every link that is not ok)`] : [];
  return [`${style.heading("BUS LINKS")}  ${ok} of ${total} observer -> peer links ok; not ok:`, ...lines.slice(0, shown), ...more];
}

function grid(analysis: ClusterAnalysis, style: Style, width: number): string[] {
  const { addresses, rows } = buildLinkGrid(analysis);
  const numberWidth = String(addresses.length).length;
  const addressWidth = Math.max(...addresses.map((address) => address.length));
  const prefix = (number: string, address: string): string => `  ${number.padStart(numberWidth)} ${address.padEnd(addressWidth)}  `;
  const rowWidth = prefix("", "").length + addresses.length * (numberWidth + 1);
  if (rowWidth > width) {
    return [`  (${addresses.length} nodes: the grid would need ${rowWidth} columns; the list below has every bad cell)`];
  }
  const column = (text: string): string => text.padStart(numberWidth);
  const header = prefix("", "") + addresses.map((_, index) => column(String(index + 1))).join(" ");
  const lines = rows.map(
    (row, index) => prefix(String(index + 1), addresses[index] ?? "") + row.map((cell) => symbolPaint(cell, style)(column(symbol(cell)))).join(" "),
  );
  return [style.dim(header), ...lines];
}

function symbol(cell: GridCell): string {
  if (cell === "self") return SELF_SYMBOL;
  // No cell for the pair means nobody reported it: as unknown as an observer that did not answer.
  return cell === null ? LINK_SYMBOL.unknown : LINK_SYMBOL[cell.kind];
}

function symbolPaint(cell: GridCell, style: Style): Paint {
  if (cell === "self" || cell === null) return style.dim;
  switch (cell.kind) {
    case "ok":
      return (text) => text;
    case "fail":
      return style.critical;
    case "unknown":
      return style.dim;
    default:
      return style.warning;
  }
}

/** Legend entries packed onto as few lines as fit, never splitting a symbol from its meaning. */
function legend(width: number): string[] {
  const lines: string[] = [];
  let line = "  legend:";
  for (const [symbol, meaning] of LINK_LEGEND) {
    const entry = `${symbol} ${meaning}`;
    if (line.length + 2 + entry.length > width) {
      lines.push(line);
      line = "         ";
    }
    line += `  ${entry}`;
  }
  lines.push(line);
  return lines;
}

function notOkList(analysis: ClusterAnalysis): string[] {
  const links = notOkLinks(analysis);
  const shown = links.slice(0, MAX_NOT_OK_LINES);
  const lines = alignColumns(
    shown.map((link) => [{ text: `${link.observer} -> ${link.peer ?? `every peer (${link.peerCount})`}` }, { text: link.description }]),
    "    ",
  );
  const hidden = links.length - shown.length;
  if (hidden > 0) lines.push(`    ... and ${plural(hidden, "more line")} (--json has every cell)`);
  return lines;
}
