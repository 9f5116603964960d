import type { RawReply } from "../model/snapshot.js";
import { ParseError } from "./errors.js";
import { quote } from "./text.js";

/**
 * The value of one parameter in a CONFIG GET reply: a flat array of name, value pairs.
 * Real reply (redis-server 7.0.15, CONFIG GET cluster-node-timeout): ["cluster-node-timeout","2000"].
 * Null when the reply does not list that name (an unknown parameter gives `[]`).
 */
export function parseConfigGet(reply: RawReply, name: string): string | null {
  const what = `CONFIG GET ${name}`;
  if (!Array.isArray(reply) || reply.length % 2 !== 0 || !reply.every((item): item is string => typeof item === "string")) {
    throw new ParseError(what, null, null, `expected a flat array of name, value strings, got ${quote(reply)}`);
  }
  // Parameter names are case-insensitive; the reply spells them in lower case.
  const wanted = name.toLowerCase();
  for (let i = 0; i + 1 < reply.length; i += 2) {
    if (reply[i]?.toLowerCase() === wanted) return reply[i + 1] ?? null;
  }
  return null;
}
