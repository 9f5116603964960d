// Short words for model values, shared by the terminal and markdown renderers so both say the same
// thing the same way (the JSON renderer keeps the raw values instead). A link state's words are in
// diagnose/words.ts: findings quote them too.

import { formatAddress } from "../cluster/address.js";
import type { NodeResponse, NodeSummary } from "../model/analysis.js";
import type { NodeRole, SlotRange } from "../model/cluster.js";
import type { LinkState } from "../model/links.js";
import type { ProbeResult } from "../model/snapshot.js";

/** One character per matrix cell; `*` marks the observer's own column. */
export const LINK_SYMBOL: Record<LinkState["kind"], string> = {
  ok: ".",
  "ping-pending": "P",
  "pong-stale": "S",
  pfail: "?",
  fail: "F",
  missing: "-",
  unknown: "x",
};
export const SELF_SYMBOL = "*";

/** The legend, in the order a reader meets the symbols from best to worst. */
export const LINK_LEGEND: ReadonlyArray<readonly [symbol: string, meaning: string]> = [
  [LINK_SYMBOL.ok, "ok"],
  [LINK_SYMBOL["ping-pending"], "ping pending"],
  [LINK_SYMBOL["pong-stale"], "pong stale"],
  [LINK_SYMBOL.pfail, "fail? (pfail)"],
  [LINK_SYMBOL.fail, "fail"],
  [LINK_SYMBOL.missing, "missing from the view"],
  [LINK_SYMBOL.unknown, "unknown"],
  [SELF_SYMBOL, "self"],
];

/**
 * "16379 timeout": the port and what a TCP connect from the tool's host got; the probed host too when
 * it is not the node's (Valkey's client address apart from the bus address): "127.0.0.3:16379 timeout".
 */
export function describePort(port: number | null, probe: ProbeResult | null, nodeHost?: string): string {
  if (port === null) return "?";
  if (probe === null) return `${port} not probed`;
  const where = nodeHost === undefined || probe.host === nodeHost ? String(port) : formatAddress(probe.host, port);
  return `${where} ${probe.state}`;
}

/** "127.0.0.1:6379 (redis-1.example)": a node's address with the hostname it announces. */
export function addressLabel(node: Pick<NodeSummary, "address" | "hostname">): string {
  return node.hostname === null ? node.address : `${node.address} (${node.hostname})`;
}

export function roleLabel(role: NodeRole | null): string {
  if (role === null) return "?";
  return role === "slave" ? "replica" : "master";
}

/** The node's own cluster_state when it answered, else why there is no view from it. */
export function nodeStateLabel(node: Pick<NodeSummary, "response" | "clusterState">): string {
  const response: NodeResponse = node.response;
  switch (response.kind) {
    case "answering":
      return node.clusterState ?? "?";
    case "unreachable":
      return "unreachable";
    case "unresponsive":
      return "unresponsive";
    case "error":
      return response.errorKind;
  }
}

/** "0-5460", "5461", "0-99,200-299 +3 more": compact, at most `shown` ranges. */
export function formatSlots(slots: SlotRange[], shown = 2): string {
  if (slots.length === 0) return "-";
  const text = slots
    .slice(0, shown)
    .map((range) => (range.start === range.end ? `${range.start}` : `${range.start}-${range.end}`))
    .join(",");
  return slots.length > shown ? `${text} +${slots.length - shown} more` : text;
}

/** The first 8 characters of a node id, as redis-cli prints them. */
export function shortId(id: string | null): string {
  return id === null ? "?" : id.slice(0, 8);
}
