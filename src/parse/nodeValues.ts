// The values that CLUSTER NODES and CLUSTER LINKS replies repeat: node ids, and per node its address
// and slot fields. Every view of a cluster names the same nodes, so a 1000-node cluster's views are a
// million lines about 1000 nodes. SharedNodeValues validates and parses each value once, then
// recognises it by comparing the reply with what it already knows (no regex, no split, no hashing of
// fresh strings), and hands out one frozen copy that every entry printing it shares.
import type { NodeFlag, NodeRole, SlotMigration, SlotRange } from "../model/cluster.js";
import { formatAddress } from "../cluster/address.js";
import { ownString, parseUnsignedIn, textIs } from "./text.js";

export const SLOT_COUNT = 16384;
const MAX_PORT = 65535;
const NODE_ID = /^[0-9a-f]{40}$/;
const NODE_ID_LENGTH = 40;
/**
 * Known ids are found by their first 7 hex digits (28 bits: a small integer, cheap to hash), then
 * confirmed with a slice compared by ===. Measured in V8, this beats a regex per id, a Map keyed by
 * the fresh 40-character slice (which must be hashed), and comparing characters in a loop.
 */
const KEY_DIGITS = 7;
/**
 * Real ids are random, so a key is shared by one node, rarely two. Ids made to share their first
 * digits (a hostile node's 10,000 ids with one prefix) would make every lookup scan them all: past
 * this many, a key's nodes are found through the Map by full id instead, so parsing stays linear.
 */
const MAX_SCANNED = 8;
const SPACE = 32;

export interface NodeAddress {
  ip: string;
  port: number;
  cport: number;
  hostname: string | null;
  /** "ip:port", "[ipv6]:port" */
  address: string;
}

export interface SlotFields {
  slots: SlotRange[];
  migrations: SlotMigration[];
}

const NO_SLOTS: SlotRange[] = Object.freeze([]) as unknown as SlotRange[];
const NO_MIGRATIONS: SlotMigration[] = Object.freeze([]) as unknown as SlotMigration[];
const NO_SLOT_FIELDS: SlotFields = Object.freeze({ slots: NO_SLOTS, migrations: NO_MIGRATIONS });

/**
 * The first four fields of a CLUSTER NODES line (id, address, flags, master) as the last line about a
 * node printed them, parsed. Every view prints nearly the same line about a node, so most lines start
 * with the head of the line before them about that node, which one comparison confirms.
 */
export interface LineHead {
  /** `<id> <ip:port@cport[,hostname]> <flags> <master>`, exactly as printed. */
  readonly text: string;
  readonly node: KnownNode;
  readonly address: NodeAddress;
  readonly flags: NodeFlag[];
  readonly role: NodeRole | null;
  readonly myself: boolean;
  readonly masterId: string | null;
}

/** A node id met in some reply, with what the last line about it printed (the next usually agrees). */
export interface KnownNode {
  readonly id: string;
  /** 0, 1, 2... in the order ids were met: an index for arrays with one slot per node. */
  readonly index: number;
  head: LineHead | null;
  addressField: string | null;
  address: NodeAddress | null;
  slotText: string | null;
  slots: SlotFields | null;
}

/**
 * One instance per snapshot, passed to every parse of its replies, so that it lives exactly as long
 * as the entries that share its values. The caches only ever return what parsing the text again
 * would return, so results do not depend on what was parsed before.
 */
export class SharedNodeValues {
  /** Known nodes by the first hex digits of their id (several when those collide). */
  private readonly nodesByKey = new Map<number, KnownNode[]>();
  /** Known nodes by the id strings handed out, which entries and links carry. */
  private readonly nodesById = new Map<string, KnownNode>();
  /** Known nodes by KnownNode.index. */
  private readonly nodesByIndex: KnownNode[] = [];
  private readonly addresses = new Map<string, NodeAddress>();
  private readonly slotFields = new Map<string, SlotFields>();

  /** The node whose id is text[start, end), or null when that is not a 40-character lower-case hex id. */
  nodeAt(text: string, start: number, end: number): KnownNode | null {
    if (end - start !== NODE_ID_LENGTH) return null;
    const key = hexKey(text, start);
    if (key < 0) return null;
    const candidates = this.nodesByKey.get(key);
    const id = text.slice(start, end);
    if (candidates !== undefined && candidates.length <= MAX_SCANNED) {
      for (const node of candidates) if (node.id === id) return node;
    } else if (candidates !== undefined) {
      const node = this.nodesById.get(id);
      if (node !== undefined) return node;
    }
    if (!NODE_ID.test(id)) return null;
    const node: KnownNode = { id: ownString(id), index: this.nodesById.size, head: null, addressField: null, address: null, slotText: null, slots: null };
    if (candidates) candidates.push(node);
    else this.nodesByKey.set(key, [node]);
    this.nodesById.set(node.id, node);
    this.nodesByIndex.push(node);
    return node;
  }

  /** How many node ids are known. */
  get count(): number {
    return this.nodesById.size;
  }

  nodeByIndex(index: number): KnownNode | undefined {
    return this.nodesByIndex[index];
  }

  /** The node of a valid id string, met before or now. */
  knownNode(id: string): KnownNode | null {
    return this.nodesById.get(id) ?? this.nodeAt(id, 0, id.length);
  }

  /** The head `line` starts with, when that is the last head seen for the node its id names. */
  headOf(line: string): LineHead | null {
    const key = line.length > NODE_ID_LENGTH ? hexKey(line, 0) : -1;
    let candidates = key < 0 ? undefined : this.nodesByKey.get(key);
    if (candidates === undefined) return null;
    if (candidates.length > MAX_SCANNED) {
      const node = this.nodesById.get(line.slice(0, NODE_ID_LENGTH));
      if (node === undefined) return null;
      candidates = [node];
    }
    for (const { head } of candidates) {
      if (head === null) continue;
      const end = head.text.length;
      if ((end === line.length || line.charCodeAt(end) === SPACE) && textIs(head.text, line, 0, end)) return head;
    }
    return null;
  }

  /** The address field text[start, end) of a line about `node`, parsed; null when malformed. */
  addressAt(node: KnownNode, text: string, start: number, end: number): NodeAddress | null {
    if (node.address !== null && sameText(node.addressField, text, start, end)) return node.address;
    const field = text.slice(start, end);
    let address = this.addresses.get(field) ?? null;
    if (address === null) {
      address = parseAddress(field);
      if (address === null) return null;
      this.addresses.set(field, Object.freeze(address));
    }
    node.addressField = ownString(field);
    node.address = address;
    return address;
  }

  /** The slot fields text[start, end) of a line about `node` (its text after link-state), or the first bad field. */
  slotsAt(node: KnownNode, text: string, start: number, end: number): SlotFields | string {
    if (start === end) return NO_SLOT_FIELDS;
    if (node.slots !== null && sameText(node.slotText, text, start, end)) return node.slots;
    const fieldsText = text.slice(start, end);
    let slots = this.slotFields.get(fieldsText) ?? null;
    if (slots === null) {
      const parsed = parseSlotFields(fieldsText);
      if (typeof parsed === "string") return parsed;
      this.slotFields.set(fieldsText, (slots = parsed));
    }
    node.slotText = ownString(fieldsText);
    node.slots = slots;
    return slots;
  }
}

/** Whether text[start, end) is exactly `known`. */
function sameText(known: string | null, text: string, start: number, end: number): boolean {
  return known !== null && textIs(known, text, start, end);
}

/** The first KEY_DIGITS lower-case hex digits at text[start] as a number, or -1 if one is not. */
function hexKey(text: string, start: number): number {
  let key = 0;
  for (let index = start; index < start + KEY_DIGITS; index += 1) {
    const code = text.charCodeAt(index);
    const digit = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : -1;
    if (digit < 0) return -1;
    key = key * 16 + digit;
  }
  return key;
}

/** Printable ASCII, no space: anything else in an address field is not an address, and must never reach a terminal. */
const ADDRESS_CHARACTERS = /^[\x21-\x7e]*$/;

/**
 * `127.0.0.1:6379@16379`, `127.0.0.1:6379@16379,redis-1.example` (cluster-announce-hostname), `:0@0`
 * (noaddr: the address was cleared) and IPv6 printed bare as Redis does (`%s:%i@%i`), `::1:6379@16379`,
 * which is why the port is whatever follows the last colon before `@`.
 */
function parseAddress(field: string): NodeAddress | null {
  if (!ADDRESS_CHARACTERS.test(field)) return null;
  const comma = field.indexOf(",");
  const endpoint = comma === -1 ? field : field.slice(0, comma);
  const hostname = comma === -1 ? null : field.slice(comma + 1);
  const at = endpoint.lastIndexOf("@");
  if (at === -1 || hostname === "") return null;
  const colon = endpoint.lastIndexOf(":", at);
  if (colon === -1) return null;
  const port = parseUnsignedIn(endpoint, colon + 1, at);
  const cport = parseUnsignedIn(endpoint, at + 1, endpoint.length);
  if (port === null || cport === null || port > MAX_PORT || cport > MAX_PORT) return null;
  const ip = endpoint.slice(0, colon);
  // Own strings: entries hand these out as Map keys and compare them a million times over.
  // Named "[fd00::3]:6379" for IPv6, as every address busdoctor prints, so that it parses back.
  return { ip: ownString(ip), port, cport, hostname, address: ownString(formatAddress(ip, port)) };
}

/** A line's slot fields, e.g. `0-5460 [100->-0a96cf08...]`: frozen lists, or the first field that is none. */
function parseSlotFields(text: string): SlotFields | string {
  let slots: SlotRange[] = NO_SLOTS;
  let migrations: SlotMigration[] = NO_MIGRATIONS;
  for (const field of text.split(/ +/)) {
    const slot = parseSlotField(field);
    if (slot === null) return field;
    if ("direction" in slot) (migrations = migrations === NO_MIGRATIONS ? [] : migrations).push(Object.freeze(slot));
    else (slots = slots === NO_SLOTS ? [] : slots).push(Object.freeze(slot));
  }
  return Object.freeze({ slots: Object.freeze(slots) as SlotRange[], migrations: Object.freeze(migrations) as SlotMigration[] });
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
  const slot = parseUnsignedIn(text, 0, text.length);
  return slot !== null && slot < SLOT_COUNT ? slot : null;
}
