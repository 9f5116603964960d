// The node table: one row per node with both ports as the tool's probes found them, the node's own
// cluster_state, and how the others flag it.

import type { ClusterAnalysis, NodeSummary } from "../../model/analysis.js";
import type { ProbeResult } from "../../model/snapshot.js";
import { NODE_COLUMNS, nodeRows, type NodeColumn } from "../nodeRows.js";
import { alignColumns, type Cell, type Paint } from "./layout.js";
import type { Style } from "./style.js";

export function renderNodeTable(analysis: ClusterAnalysis, style: Style): string[] {
  const header: Cell[] = NODE_COLUMNS.map((column) => ({ text: column, paint: style.dim }));
  const rows = nodeRows(analysis).map(({ node, cells }) =>
    NODE_COLUMNS.map((column): Cell => ({ text: cells[column], paint: cellPaint(column, node, style) })),
  );
  return [style.heading("NODES"), ...alignColumns([header, ...rows], "  ")];
}

function cellPaint(column: NodeColumn, node: NodeSummary, style: Style): Paint | undefined {
  switch (column) {
    case "client":
      return probePaint(node.clientProbe, style);
    case "bus":
      return probePaint(node.busProbe, style);
    case "state":
      if (node.response.kind === "error") return style.warning;
      return node.response.kind === "answering" && node.clusterState !== "fail" ? undefined : style.critical;
    case "flagged":
      return node.flaggedAs === "fail" ? style.critical : node.flaggedAs === "fail?" ? style.warning : undefined;
    default:
      return undefined;
  }
}

function probePaint(probe: ProbeResult | null, style: Style): Paint | undefined {
  return probe !== null && probe.state !== "open" ? style.critical : undefined;
}
