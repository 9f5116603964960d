import type { ClusterLink } from "../model/cluster.js";
import type { RawReply } from "../model/snapshot.js";
import { ParseError } from "./errors.js";

const WHAT = "CLUSTER LINKS";
const NODE_ID = /^[0-9a-f]{40}$/;

type Fail = (problem: string) => never;

/**
 * Parses CLUSTER LINKS (Redis 7.0+) as ioredis returns it over RESP2: one flat name/value array per
 * link. Real entry (redis-server 7.0.15):
 *   ["direction","to","node","18adf66ab853bc905ee6fb804ab8ac5a0abc7a0e","create-time",1795668979746,
 *    "events","","send-buffer-allocated",0,"send-buffer-used",0]
 * A node with no peers answers `[]`. Errors count entries from 1.
 */
export function parseClusterLinks(reply: RawReply): ClusterLink[] {
  if (!Array.isArray(reply)) {
    throw new ParseError(WHAT, null, null, `expected an array of links, got ${JSON.stringify(reply)}`);
  }
  return reply.map((entry, index) => parseLink(entry, index + 1));
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
    return typeof found === "string" ? found : fail(`expected ${name} as a string, got ${JSON.stringify(found)}`);
  };
  const integer = (name: string): number => {
    const found = value(name);
    return typeof found === "number" && Number.isSafeInteger(found) && found >= 0
      ? found
      : fail(`expected ${name} as a non-negative integer, got ${JSON.stringify(found)}`);
  };

  const direction = text("direction");
  if (direction !== "to" && direction !== "from") fail(`expected direction to or from, got ${JSON.stringify(direction)}`);
  const nodeId = text("node");
  if (!NODE_ID.test(nodeId)) fail(`expected node as a 40-character hex node id, got ${JSON.stringify(nodeId)}`);
  return {
    direction,
    nodeId,
    createTimeMs: integer("create-time"),
    events: text("events"),
    sendBufferAllocated: integer("send-buffer-allocated"),
    sendBufferUsed: integer("send-buffer-used"),
  };
}
