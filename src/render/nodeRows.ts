// The node table as plain strings, one row per node, numbered like the link matrix so that "#3" in
// the master column and column 3 of the matrix name the same node.

import type { ClusterAnalysis, NodeSummary } from "../model/analysis.js";
import { hostOf } from "../cluster/address.js";
import { addressLabel, describePort, formatSlots, nodeStateLabel, roleLabel, shortId } from "./describe.js";
import { numberAddresses } from "./linkGrid.js";

export const NODE_COLUMNS = ["#", "address", "id", "role", "master", "client", "bus", "state", "flagged", "slots"] as const;

export type NodeColumn = (typeof NODE_COLUMNS)[number];

/** Column headings for the markdown and HTML tables. */
export const NODE_HEADERS: Record<NodeColumn, string> = {
  "#": "#",
  address: "Address",
  id: "ID",
  role: "Role",
  master: "Master",
  client: "Client port",
  bus: "Bus port",
  state: "Own cluster_state",
  flagged: "Flagged by others",
  slots: "Slots",
};

export interface NodeRow {
  node: NodeSummary;
  cells: Record<NodeColumn, string>;
}

export function nodeRows(analysis: ClusterAnalysis): NodeRow[] {
  const numbers = new Map(numberAddresses(analysis).map((address, index) => [address, index + 1]));
  return analysis.nodes.map((node) => ({
    node,
    cells: {
      "#": String(numbers.get(node.address)),
      address: addressLabel(node),
      id: shortId(node.id),
      role: roleLabel(node.role),
      master: masterLabel(node, numbers),
      // The client port is already in the address: only the probe's result is new here.
      client: node.clientProbe.state,
      bus: describePort(node.busPort, node.busProbe, hostOf(node.address)),
      state: nodeStateLabel(node),
      // "fail? 1/5": one of the five other views flags it, which reads very differently from 5/5.
      flagged: node.flaggedAs === null ? "-" : `${node.flaggedAs} ${node.flaggedBy}/${node.listedBy}`,
      slots: formatSlots(node.slots),
    },
  }));
}

/** "#1" for a master listed in the table (keeps the table inside 100 columns), its address otherwise. */
function masterLabel(node: NodeSummary, numbers: Map<string, number>): string {
  if (node.role !== "slave") return "-";
  if (node.masterAddress === null) return "?";
  const number = numbers.get(node.masterAddress);
  return number === undefined ? node.masterAddress : `#${number}`;
}
