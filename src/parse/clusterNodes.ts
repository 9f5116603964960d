import type { ClusterNodeEntry, NodeFlag, NodeRole, SlotMigration, SlotRange } from "../model/cluster.js";
import { ParseError } from "./errors.js";
import { type NumberedLine, numberedLines, parseUnsigned, quote } from "./text.js";

const WHAT = "CLUSTER NODES";
const SLOT_COUNT = 16384;
const MAX_PORT = 65535;
const NODE_ID = /^[0-9a-f]{40}$/;
/** Redis prints these in this order (representClusterNodeFlags); `noflags` when none applies. */
const NODE_FLAGS: readonly NodeFlag[] = [
  "myself",
  "master",
  "slave",
  "fail?",
  "fail",
  "handshake",
  "noaddr",
  "nofailover",
  "noflags",
];
const FIXED_FIELDS = ["id", "ip:port@cport", "flags", "master", "ping-sent", "pong-recv", "config-epoch", "link-state"];

type Fail = (problem: string) => never;

/**
 * Parses CLUSTER NODES (Redis 7.0): one line per node the answering node knows, itself included.
 * Real line (redis-server 7.0.15, a peer's view of a master whose bus port is blocked both ways):
 *   108e7f69924d9813f38ab04f88c3d8f977876f4a 127.0.0.3:6379@16379 master,fail - 1795668977431 1795668976425 3 connected
 * Fields: <id> <ip:port@cport[,hostname]> <flags> <master-id|-> <ping-sent> <pong-recv> <config-epoch>
 * <link-state> then the node's slots. Throws ParseError naming the line for anything else.
 */
export function parseClusterNodes(text: string): ClusterNodeEntry[] {
  const lines = numberedLines(text);
  if (lines.length === 0) throw new ParseError(WHAT, null, null, "empty reply, expected one line per known node");
  return lines.map(parseNodeLine);
}

// 800595c3fe717c2a26b7931eae154ff4873bfbc8 127.0.0.1:6379@16379 myself,master - 0 1795668965000 1 connected 0-5460 [100->-0a96cf081fdcf110dd80e6b6c1270c22f3b41a7c]
function parseNodeLine(line: NumberedLine): ClusterNodeEntry {
  const fail: Fail = (problem) => {
    throw new ParseError(WHAT, line.number, line.text, problem);
  };
  const trimmed = line.text.trim();
  // Redis separates fields by one space; split on runs only when a line has more.
  const fields = trimmed.includes("  ") ? trimmed.split(/ +/) : trimmed.split(" ");
  if (fields.length < FIXED_FIELDS.length) {
    fail(`expected at least ${FIXED_FIELDS.length} fields (${FIXED_FIELDS.join(" ")}), got ${fields.length}`);
  }
  const [id = "", addressField = "", flagsField = "", masterField = "", ...rest] = fields;
  const [pingField = "", pongField = "", epochField = "", linkField = "", ...slotFields] = rest;

  if (!NODE_ID.test(id)) fail(`expected a 40-character hex node id, got ${quote(id)}`);
  const address = parseAddress(addressField) ?? fail(`expected ip:port@cport[,hostname], got ${quote(addressField)}`);
  const flags = parseFlags(flagsField) ?? fail(`expected flags among ${NODE_FLAGS.join(",")}, got ${quote(flagsField)}`);
  if (masterField !== "-" && !NODE_ID.test(masterField)) {
    fail(`expected the master's node id or "-", got ${quote(masterField)}`);
  }
  const pingSentMs = parseUnsigned(pingField) ?? fail(`expected ping-sent in unix ms (0 if none), got ${quote(pingField)}`);
  const pongRecvMs = parseUnsigned(pongField) ?? fail(`expected pong-recv in unix ms, got ${quote(pongField)}`);
  const configEpoch = parseUnsigned(epochField) ?? fail(`expected config-epoch as an integer, got ${quote(epochField)}`);
  if (linkField !== "connected" && linkField !== "disconnected") {
    fail(`expected link-state connected or disconnected, got ${quote(linkField)}`);
  }

  // Replicas (half of a big cluster's lines) own no slots: they share one frozen empty list.
  let slots: SlotRange[] = NO_SLOTS;
  let migrations: SlotMigration[] = NO_MIGRATIONS;
  for (const field of slotFields) {
    const slot = parseSlotField(field) ?? fail(`expected a slot, a range start-end, [slot->-id] or [slot-<-id] with slots 0-${SLOT_COUNT - 1}, got ${quote(field)}`);
    if ("direction" in slot) (migrations = migrations === NO_MIGRATIONS ? [] : migrations).push(slot);
    else (slots = slots === NO_SLOTS ? [] : slots).push(slot);
  }

  return {
    id,
    ip: address.ip,
    port: address.port,
    cport: address.cport,
    hostname: address.hostname,
    address: `${address.ip}:${address.port}`,
    flags,
    role: roleOf(flags),
    myself: flags.includes("myself"),
    masterId: masterField === "-" ? null : masterField,
    pingSentMs,
    pongRecvMs,
    configEpoch,
    linkState: linkField,
    slots,
    migrations,
    line: line.text,
  };
}

interface NodeAddress {
  ip: string;
  port: number;
  cport: number;
  hostname: string | null;
}

/**
 * `127.0.0.1:6379@16379`, `127.0.0.1:6379@16379,redis-1.example` (cluster-announce-hostname), `:0@0`
 * (noaddr: the address was cleared) and IPv6 printed bare as Redis does (`%s:%i@%i`), `::1:6379@16379`,
 * which is why the port is whatever follows the last colon before `@`.
 */
function parseAddress(field: string): NodeAddress | null {
  const comma = field.indexOf(",");
  const endpoint = comma === -1 ? field : field.slice(0, comma);
  const hostname = comma === -1 ? null : field.slice(comma + 1);
  const at = endpoint.lastIndexOf("@");
  if (at === -1 || hostname === "") return null;
  const colon = endpoint.lastIndexOf(":", at);
  if (colon === -1) return null;
  const port = parseUnsigned(endpoint.slice(colon + 1, at));
  const cport = parseUnsigned(endpoint.slice(at + 1));
  if (port === null || cport === null || port > MAX_PORT || cport > MAX_PORT) return null;
  return { ip: endpoint.slice(0, colon), port, cport, hostname };
}

const NO_SLOTS: SlotRange[] = Object.freeze([]) as unknown as SlotRange[];
const NO_MIGRATIONS: SlotMigration[] = Object.freeze([]) as unknown as SlotMigration[];

/**
 * A cluster has only a handful of distinct flag fields, so each is parsed once and its frozen list
 * shared by every entry that prints it (a 1000-node cluster's views hold a million entries).
 */
const flagLists = new Map<string, NodeFlag[]>();

// `myself,master`, `slave,fail?`, `slave,noaddr`, `handshake`
function parseFlags(field: string): NodeFlag[] | null {
  const cached = flagLists.get(field);
  if (cached) return cached;
  const flags: NodeFlag[] = [];
  for (const name of field.split(",")) {
    const flag = NODE_FLAGS.find((known) => known === name);
    if (flag === undefined) return null;
    flags.push(flag);
  }
  if (flagLists.size < 256) flagLists.set(field, Object.freeze(flags) as NodeFlag[]);
  return flags;
}

function roleOf(flags: readonly NodeFlag[]): NodeRole | null {
  if (flags.includes("master")) return "master";
  if (flags.includes("slave")) return "slave";
  return null;
}

const SLOT_RANGE = /^(\d+)(?:-(\d+))?$/;
const SLOT_MIGRATION = /^\[(\d+)-([<>])-([0-9a-f]{40})\]$/;

// `0-5460`, `5461`, `[100->-0a96cf081fdcf110dd80e6b6c1270c22f3b41a7c]` (migrating to that node),
// `[100-<-800595c3fe717c2a26b7931eae154ff4873bfbc8]` (importing from it)
function parseSlotField(field: string): SlotRange | SlotMigration | null {
  const migration = SLOT_MIGRATION.exec(field);
  if (migration) {
    const [, slotText = "", arrow, nodeId = ""] = migration;
    const slot = parseSlot(slotText);
    if (slot === null) return null;
    return { slot, direction: arrow === ">" ? "migrating" : "importing", nodeId };
  }
  const range = SLOT_RANGE.exec(field);
  if (!range) return null;
  const [, startText = "", endText] = range;
  const start = parseSlot(startText);
  const end = endText === undefined ? start : parseSlot(endText);
  if (start === null || end === null || end < start) return null;
  return { start, end };
}

function parseSlot(text: string): number | null {
  const slot = parseUnsigned(text);
  return slot !== null && slot < SLOT_COUNT ? slot : null;
}
