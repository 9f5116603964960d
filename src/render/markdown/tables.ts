// The node table and the observer -> peer matrix as markdown tables, numbered like the terminal's.

import type { ClusterAnalysis } from "../../model/analysis.js";
import { LINK_LEGEND, LINK_SYMBOL, SELF_SYMBOL } from "../describe.js";
import { buildLinkGrid, countLinks, notOkLinks, type GridCell } from "../linkGrid.js";
import { NODE_COLUMNS, NODE_HEADERS, nodeRows, type NodeColumn } from "../nodeRows.js";
import { cellCode, codeSpan, escapeText, table } from "./syntax.js";

/** Past this many nodes a markdown grid is too wide to read; the "not ok" list still has every cell. */
const MAX_GRID_NODES = 24;

const CODE_COLUMNS: ReadonlySet<NodeColumn> = new Set(["address", "id"]);

export function nodeTable(analysis: ClusterAnalysis): string[] {
  const rows = nodeRows(analysis).map(({ cells }) =>
    NODE_COLUMNS.map((column) => (CODE_COLUMNS.has(column) ? cellCode(cells[column]) : escapeText(cells[column]))),
  );
  return [
    "## Nodes",
    "",
    ...table(
      NODE_COLUMNS.map((column) => escapeText(NODE_HEADERS[column])),
      rows,
    ),
  ];
}

export function linkSection(analysis: ClusterAnalysis): string[] {
  const { total, ok } = countLinks(analysis);
  const title = "## Bus links (observer -> peer)";
  if (total === 0) return [title, "", "No node gave its view of the others."];
  if (ok === total) return [title, "", `All ${total} observer -> peer links are ok.`];
  const legend = LINK_LEGEND.map(([symbol, meaning]) => `${codeSpan(symbol)} ${escapeText(meaning)}`).join(", ");
  const notOk = notOkLinks(analysis).map(
    (link) => `- ${codeSpan(link.observer)} -> ${link.peer === null ? `every peer (${link.peerCount})` : codeSpan(link.peer)}: ${escapeText(link.description)}`,
  );
  return [
    title,
    "",
    `${ok} of ${total} links are ok. Rows are observers (each node's own CLUSTER NODES), columns are peers.`,
    "",
    ...grid(analysis),
    "",
    `Legend: ${legend}.`,
    "",
    "Links that are not ok:",
    "",
    ...notOk,
  ];
}

function grid(analysis: ClusterAnalysis): string[] {
  const { addresses, rows } = buildLinkGrid(analysis);
  if (addresses.length > MAX_GRID_NODES) {
    return [`The grid is left out for ${addresses.length} nodes; the list below has every link that is not ok.`];
  }
  const header = ["Observer", ...addresses.map((_, index) => String(index + 1))];
  const body = rows.map((row, index) => [`${index + 1} ${cellCode(addresses[index] ?? "")}`, ...row.map((cell) => cellCode(symbol(cell)))]);
  return table(header, body);
}

function symbol(cell: GridCell): string {
  if (cell === "self") return SELF_SYMBOL;
  return cell === null ? LINK_SYMBOL.unknown : LINK_SYMBOL[cell.kind];
}
