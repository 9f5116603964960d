import type { ClusterInfo, ClusterState } from "../model/cluster.js";
import { ParseError } from "./errors.js";
import { type NumberedLine, numberedLines, parseUnsigned, quote } from "./text.js";

const WHAT = "CLUSTER INFO";
const MESSAGES_PREFIX = "cluster_stats_messages_";
/** ClusterInfo's numeric fields and the CLUSTER INFO field each one comes from. */
const COUNTS = {
  slotsAssigned: "cluster_slots_assigned",
  slotsOk: "cluster_slots_ok",
  slotsPfail: "cluster_slots_pfail",
  slotsFail: "cluster_slots_fail",
  knownNodes: "cluster_known_nodes",
  size: "cluster_size",
  currentEpoch: "cluster_current_epoch",
  myEpoch: "cluster_my_epoch",
} as const;
type CountName = keyof typeof COUNTS;
const LINKS_BUFFER_LIMIT_EXCEEDED = "total_cluster_links_buffer_limit_exceeded";

/**
 * Parses CLUSTER INFO: `field:value` lines ended by `\r\n`. Real reply (redis-server 7.0.15), abridged:
 *   cluster_state:ok
 *   cluster_slots_assigned:16384
 *   cluster_known_nodes:6
 *   cluster_stats_messages_ping_sent:36
 *   cluster_stats_messages_sent:72
 *   total_cluster_links_buffer_limit_exceeded:0
 * Every `cluster_stats_messages_*` counter lands in `messages` without the prefix (`ping_sent`, `sent`).
 */
export function parseClusterInfo(text: string): ClusterInfo {
  const lines = numberedLines(text);
  if (lines.length === 0) throw new ParseError(WHAT, null, null, "empty reply, expected field:value lines");

  const fields: Record<string, string> = {};
  const messages: Record<string, number> = {};
  const lineOf = new Map<string, NumberedLine>();
  for (const line of lines) {
    const colon = line.text.indexOf(":");
    if (colon <= 0) throw new ParseError(WHAT, line.number, line.text, `expected field:value, got ${quote(line.text)}`);
    const name = line.text.slice(0, colon);
    const value = line.text.slice(colon + 1);
    fields[name] = value;
    lineOf.set(name, line);
    if (name.startsWith(MESSAGES_PREFIX)) {
      const count = parseUnsigned(value);
      if (count === null) throw new ParseError(WHAT, line.number, line.text, `expected ${name} as a count, got ${quote(value)}`);
      messages[name.slice(MESSAGES_PREFIX.length)] = count;
    }
  }

  const fieldError = (name: string, expected: string): ParseError => {
    const line = lineOf.get(name);
    if (line === undefined) return new ParseError(WHAT, null, null, `missing ${name}`);
    return new ParseError(WHAT, line.number, line.text, `expected ${name} ${expected}, got ${quote(fields[name] ?? "")}`);
  };
  const state = fields["cluster_state"];
  if (state !== "ok" && state !== "fail") throw fieldError("cluster_state", "ok or fail");
  const count = (name: CountName): number => {
    const value = parseUnsigned(fields[COUNTS[name]] ?? "");
    if (value === null) throw fieldError(COUNTS[name], "as an integer");
    return value;
  };

  // Only Redis 7.0+ and Valkey print it: absent is unknown, not 0.
  const linksExceeded = fields[LINKS_BUFFER_LIMIT_EXCEEDED];
  const linksBufferLimitExceeded = linksExceeded === undefined ? null : parseUnsigned(linksExceeded);
  if (linksExceeded !== undefined && linksBufferLimitExceeded === null) throw fieldError(LINKS_BUFFER_LIMIT_EXCEEDED, "as a count");

  return {
    state: state satisfies ClusterState,
    slotsAssigned: count("slotsAssigned"),
    slotsOk: count("slotsOk"),
    slotsPfail: count("slotsPfail"),
    slotsFail: count("slotsFail"),
    knownNodes: count("knownNodes"),
    size: count("size"),
    currentEpoch: count("currentEpoch"),
    myEpoch: count("myEpoch"),
    messages,
    linksBufferLimitExceeded,
    fields,
  };
}
