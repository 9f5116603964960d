import type { ClusterLink } from "../model/cluster.js";
import type { RawReply } from "../model/snapshot.js";
import { ParseError } from "./errors.js";
import type { KnownNode, SharedNodeValues } from "./nodeValues.js";
import { quote } from "./text.js";

const WHAT = "CLUSTER LINKS";
const NODE_ID = /^[0-9a-f]{40}$/;

type Fail = (problem: string) => never;

/**
 * Parses CLUSTER LINKS (Redis 7.0+) as the node client reads it over RESP2: one flat name/value array per
 * link. Real entry (redis-server 7.0.15):
 *   ["direction","to","node","18adf66ab853bc905ee6fb804ab8ac5a0abc7a0e","create-time",1795668979746,
 *    "events","","send-buffer-allocated",0,"send-buffer-used",0]
 * A node with no peers answers `[]`. Errors count entries from 1.
 */
export function parseClusterLinks(reply: RawReply): ClusterLink[] {
  const entries = linkEntries(reply);
  const links: ClusterLink[] = new Array<ClusterLink>(entries.length);
  let previous: ClusterLink | undefined;
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index] as RawReply;
    // Redis lists a peer's `to` and `from` links one after the other: an id equal to the previous
    // entry's was checked already.
    if (isRedisLinkEntry(entry) && (entry[3] === previous?.nodeId || NODE_ID.test(entry[3]))) {
      const [, direction, , nodeId, , createTimeMs, , events, , sendBufferAllocated, , sendBufferUsed] = entry;
      previous = { direction, nodeId, createTimeMs, events, sendBufferAllocated, sendBufferUsed };
    } else previous = parseLink(entry, index + 1);
    links[index] = previous;
  }
  return links;
}

/** Bits of linksByNode: the observer's own connection to the peer's bus port ("direction to"). */
export const LINK_TO = 1;
/** Bits of linksByNode: the peer's connection to the observer's bus port ("direction from"). */
export const LINK_FROM = 2;

/**
 * Which links exist with each node: CLUSTER LINKS folded into one byte per node, indexed by
 * KnownNode.index of `shared` (LINK_TO | LINK_FROM bits), with the checks and errors of
 * parseClusterLinks. All the analysis keeps of the reply; no ClusterLink is built, as a 1000-node
 * cluster answers two million entries. `listed` is the KnownNode.index of each entry of the same
 * node's CLUSTER NODES, in order (parseClusterNodes' nodeIndexes).
 */
export function linksByNode(reply: RawReply, shared: SharedNodeValues, listed: readonly number[]): Uint8Array {
  const entries = linkEntries(reply);
  // Room for ids met for the first time here, too (a link to a node the view does not list).
  const bits = new Uint8Array(shared.count + entries.length);
  // Typed by assertion: declared `: KnownNode | null`, TypeScript narrows it to null for the loop.
  let previous = null as KnownNode | null;
  let nextListed = 0;
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index] as RawReply;
    let node: KnownNode | null = null;
    let direction: ClusterLink["direction"] = "to";
    if (isRedisLinkEntry(entry)) {
      const id = entry[3];
      // Redis lists a peer's `to` and `from` links one after the other, and walks its node table in
      // the order CLUSTER NODES prints it (the observer's own entry has no links): so the peer is
      // the previous one, or one of the next two listed, before it needs looking up.
      if (id === previous?.id) node = previous;
      for (let ahead = nextListed; node === null && ahead < Math.min(nextListed + 2, listed.length); ahead += 1) {
        const candidate = shared.nodeByIndex(listed[ahead] ?? 0);
        if (candidate?.id === id) {
          node = candidate;
          nextListed = ahead + 1;
        }
      }
      node ??= shared.knownNode(id);
      direction = entry[1];
    }
    if (node === null) {
      const link = parseLink(entry, index + 1); // throws the error that names what is wrong
      node = shared.knownNode(link.nodeId);
      direction = link.direction;
    }
    if (node !== null) bits[node.index] = (bits[node.index] ?? 0) | (direction === "to" ? LINK_TO : LINK_FROM);
    previous = node;
  }
  return bits;
}

function linkEntries(reply: RawReply): RawReply[] {
  if (!Array.isArray(reply)) {
    throw new ParseError(WHAT, null, null, `expected an array of links, got ${quote(reply)}`);
  }
  return reply;
}

/** An entry exactly as redis-server 7.0 prints it (addNodeReplyForClusterLink), values checked but the id. */
type RedisLinkEntry = [
  "direction",
  "to" | "from",
  "node",
  string,
  "create-time",
  number,
  "events",
  string,
  "send-buffer-allocated",
  number,
  "send-buffer-used",
  number,
];
const REDIS_ORDER = ["direction", "node", "create-time", "events", "send-buffer-allocated", "send-buffer-used"] as const;

/**
 * The fast path for what Redis actually sends: the six pairs in its order, read by position with no
 * closures. Anything else goes through parseLink: any order, and the error naming what is wrong.
 */
function isRedisLinkEntry(entry: RawReply): entry is RedisLinkEntry {
  if (!Array.isArray(entry) || entry.length !== 2 * REDIS_ORDER.length) return false;
  for (let pair = 0; pair < REDIS_ORDER.length; pair += 1) if (entry[2 * pair] !== REDIS_ORDER[pair]) return false;
  return (
    (entry[1] === "to" || entry[1] === "from") &&
    typeof entry[3] === "string" &&
    isCount(entry[5]) &&
    typeof entry[7] === "string" &&
    isCount(entry[9]) &&
    isCount(entry[11])
  );
}

function isCount(value: RawReply | undefined): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function parseLink(entry: RawReply, entryNumber: number): ClusterLink {
  const fail: Fail = (problem) => {
    throw new ParseError(WHAT, entryNumber, JSON.stringify(entry), problem, "entry");
  };
  if (!Array.isArray(entry) || entry.length % 2 !== 0) fail("expected a flat array of name, value pairs");
  // A linear scan of the pairs: a 1000-node cluster answers two million of these entries.
  const value = (name: string): RawReply => {
    for (let i = 0; i + 1 < entry.length; i += 2) if (entry[i] === name) return entry[i + 1] ?? null;
    return null;
  };
  const text = (name: string): string => {
    const found = value(name);
    return typeof found === "string" ? found : fail(`expected ${name} as a string, got ${quote(found)}`);
  };
  const integer = (name: string): number => {
    const found = value(name);
    return isCount(found) ? found : fail(`expected ${name} as a non-negative integer, got ${quote(found)}`);
  };

  const direction = text("direction");
  if (direction !== "to" && direction !== "from") fail(`expected direction to or from, got ${quote(direction)}`);
  const nodeId = text("node");
  if (!NODE_ID.test(nodeId)) fail(`expected node as a 40-character hex node id, got ${quote(nodeId)}`);
  return {
    direction,
    nodeId,
    createTimeMs: integer("create-time"),
    events: text("events"),
    sendBufferAllocated: integer("send-buffer-allocated"),
    sendBufferUsed: integer("send-buffer-used"),
  };
}
