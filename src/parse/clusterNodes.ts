import type { ClusterNodeEntry, NodeFlag, NodeRole } from "../model/cluster.js";
import { ParseError } from "./errors.js";
import { type LineHead, SharedNodeValues, SLOT_COUNT } from "./nodeValues.js";
import { forEachLine, isPrintable, ownString, parseUnsignedIn, quote, textIs } from "./text.js";

const WHAT = "CLUSTER NODES";
/** Redis prints these in this order (representClusterNodeFlags); `noflags` when none applies. */
const NODE_FLAGS: readonly NodeFlag[] = ["myself", "master", "slave", "fail?", "fail", "handshake", "noaddr", "nofailover", "noflags"];
const FIXED_FIELDS = ["id", "ip:port@cport", "flags", "master", "ping-sent", "pong-recv", "config-epoch", "link-state"];
const SPACE = 32;
const DASH = 45;

/**
 * Parses CLUSTER NODES (Redis 7.0): one line per node the answering node knows, itself included.
 * Real line (redis-server 7.0.15, a peer's view of a master whose bus port is blocked both ways):
 *   108e7f69924d9813f38ab04f88c3d8f977876f4a 127.0.0.3:6379@16379 master,fail - 1795668977431 1795668976425 3 connected
 * Fields: <id> <ip:port@cport[,hostname]> <flags> <master-id|-> <ping-sent> <pong-recv> <config-epoch>
 * <link-state> then the node's slots. Throws ParseError naming the line for anything else.
 * Entries share their ids, addresses, flag and slot lists with every other entry parsed with the same
 * `shared` values (all frozen): give every reply of one snapshot the same instance. `nodeIndexes`, when
 * given, receives the KnownNode.index of each entry's node, so that a caller can match entries with
 * other replies (linksByNode) by index rather than by looking their ids up again.
 */
export function parseClusterNodes(text: string, shared: SharedNodeValues = new SharedNodeValues(), nodeIndexes?: number[]): ClusterNodeEntry[] {
  const entries: ClusterNodeEntry[] = [];
  forEachLine(text, (line, number) => {
    entries.push(parseNodeLine(line, number, shared, nodeIndexes));
  });
  if (entries.length === 0) throw new ParseError(WHAT, null, null, "empty reply, expected one line per known node");
  return entries;
}

/**
 * Where the fixed fields of the line being parsed start and end (start at 2i, end at 2i + 1). One
 * buffer reused line after line: parsing is synchronous, and a million lines need no million arrays.
 */
const bounds = new Int32Array(FIXED_FIELDS.length * 2);
/** id, address, flags and master: the fields a LineHead holds. */
const HEAD_FIELDS = 4;

// 800595c3fe717c2a26b7931eae154ff4873bfbc8 127.0.0.1:6379@16379 myself,master - 0 1795668965000 1 connected 0-5460 [100->-0a96cf081fdcf110dd80e6b6c1270c22f3b41a7c]
function parseNodeLine(raw: string, number: number, shared: SharedNodeValues, nodeIndexes: number[] | undefined): ClusterNodeEntry {
  const line = isPrintable(raw.charCodeAt(0)) && isPrintable(raw.charCodeAt(raw.length - 1)) ? raw : raw.trim();
  // Most lines start like the last line about the same node in another view: then only the fields
  // after that head need reading.
  const known = shared.headOf(line);
  let count = known === null ? 0 : HEAD_FIELDS;
  let next = known === null ? 0 : known.text.length;
  while (count < FIXED_FIELDS.length && next < line.length) {
    const space = line.indexOf(" ", next);
    // Redis separates fields by one space; a run of spaces counts as one separator all the same.
    if (space === next) {
      next += 1;
      continue;
    }
    const end = space === -1 ? line.length : space;
    bounds[2 * count] = next;
    bounds[2 * count + 1] = end;
    count += 1;
    next = end + 1;
  }
  if (count < FIXED_FIELDS.length) {
    fail(raw, number, `expected at least ${FIXED_FIELDS.length} fields (${FIXED_FIELDS.join(" ")}), got ${count}`);
  }
  const head = known ?? readHead(raw, number, line, shared);
  const pingSentMs =
    parseUnsignedIn(line, startOf(4), endOf(4)) ?? fail(raw, number, `expected ping-sent in unix ms (0 if none), got ${quote(fieldOf(line, 4))}`);
  const pongRecvMs = parseUnsignedIn(line, startOf(5), endOf(5)) ?? fail(raw, number, `expected pong-recv in unix ms, got ${quote(fieldOf(line, 5))}`);
  const configEpoch = parseUnsignedIn(line, startOf(6), endOf(6)) ?? fail(raw, number, `expected config-epoch as an integer, got ${quote(fieldOf(line, 6))}`);
  const linkState =
    linkStateIn(line, startOf(7), endOf(7)) ?? fail(raw, number, `expected link-state connected or disconnected, got ${quote(fieldOf(line, 7))}`);

  while (line.charCodeAt(next) === SPACE) next += 1;
  const slotFields = shared.slotsAt(head.node, line, Math.min(next, line.length), line.length);
  // A string is the first field that is not a slot (a type check: `in` on these objects costs far more).
  if (typeof slotFields === "string") {
    fail(raw, number, `expected a slot, a range start-end, [slot->-id] or [slot-<-id] with slots 0-${SLOT_COUNT - 1}, got ${quote(slotFields)}`);
  }

  const { node, address } = head;
  nodeIndexes?.push(node.index);
  return {
    id: node.id,
    ip: address.ip,
    port: address.port,
    cport: address.cport,
    hostname: address.hostname,
    address: address.address,
    flags: head.flags,
    role: head.role,
    myself: head.myself,
    masterId: head.masterId,
    pingSentMs,
    pongRecvMs,
    configEpoch,
    linkState,
    slots: slotFields.slots,
    migrations: slotFields.migrations,
    line,
  };
}

/** Reads and checks the first four fields (bounds already found), and remembers them for the node. */
function readHead(raw: string, number: number, line: string, shared: SharedNodeValues): LineHead {
  // Ids and addresses are matched against the known ones; fields are quoted only in an error.
  const node = shared.nodeAt(line, startOf(0), endOf(0)) ?? fail(raw, number, `expected a 40-character hex node id, got ${quote(fieldOf(line, 0))}`);
  const address = shared.addressAt(node, line, startOf(1), endOf(1)) ?? fail(raw, number, `expected ip:port@cport[,hostname], got ${quote(fieldOf(line, 1))}`);
  const flags = parseFlags(fieldOf(line, 2)) ?? fail(raw, number, `expected flags among ${NODE_FLAGS.join(",")}, got ${quote(fieldOf(line, 2))}`);
  const noMaster = endOf(3) === startOf(3) + 1 && line.charCodeAt(startOf(3)) === DASH;
  const master = noMaster
    ? null
    : (shared.nodeAt(line, startOf(3), endOf(3)) ?? fail(raw, number, `expected the master's node id or "-", got ${quote(fieldOf(line, 3))}`));
  const text = ownString(line.slice(0, endOf(3)));
  node.head = Object.freeze({
    text,
    node,
    address,
    flags,
    role: roleOf(flags),
    myself: flags.includes("myself"),
    masterId: master === null ? null : master.id,
  });
  return node.head;
}

// Module functions rather than closures: a million lines would allocate millions of them.
function fail(line: string, number: number, problem: string): never {
  throw new ParseError(WHAT, number, line, problem);
}

/** Fixed field `index` of the line being parsed (see bounds). */
function fieldOf(line: string, index: number): string {
  return line.slice(startOf(index), endOf(index));
}

function startOf(field: number): number {
  return bounds[2 * field] ?? 0;
}

function endOf(field: number): number {
  return bounds[2 * field + 1] ?? 0;
}

/** The link-state field at text[start, end). Entries keep the constant, not a copy of the field. */
function linkStateIn(text: string, start: number, end: number): ClusterNodeEntry["linkState"] | null {
  if (textIs("connected", text, start, end)) return "connected";
  if (textIs("disconnected", text, start, end)) return "disconnected";
  return null;
}

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
