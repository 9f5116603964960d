import type { CommandResult, RawReply } from "../model/snapshot.js";
import { ParseError } from "./errors.js";
import { quote } from "./text.js";
import type { AnnounceConfig } from "../model/cluster.js";

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

/** What a node announces about itself, from CONFIG GET cluster-announce-*. */

/**
 * CONFIG GET cluster-announce-* answers every announce parameter the server knows, empty when unset.
 * Real reply (Valkey 8.0.1, client address set):
 *   ["cluster-announce-human-nodename","","cluster-announce-hostname","","cluster-announce-bus-port","0",
 *    "cluster-announce-client-ipv4","10.9.9.1","cluster-announce-port","0","cluster-announce-client-ipv6","",
 *    "cluster-announce-ip","127.0.0.1","cluster-announce-tls-port","0"]
 * Redis 6.2 has only -ip, -port, -bus-port and -tls-port.
 */
export function parseAnnounceConfig(reply: RawReply): AnnounceConfig {
  const value = (name: string): string | null => {
    const text = parseConfigGet(reply, name);
    return text === null || text === "" ? null : text;
  };
  const clientIps = [value("cluster-announce-client-ipv4"), value("cluster-announce-client-ipv6")].filter((ip): ip is string => ip !== null);
  return { busIp: value("cluster-announce-ip"), clientIps, hostname: value("cluster-announce-hostname") };
}

/** The AnnounceConfig of a recorded CONFIG GET cluster-announce-* result; null when absent, failed or malformed. */
export function announceConfigOf(result: CommandResult | undefined): AnnounceConfig | null {
  if (!result?.ok) return null;
  try {
    return parseAnnounceConfig(result.reply);
  } catch {
    // Callers that report problems parse the reply themselves; to the others a bad reply says nothing.
    return null;
  }
}
