import type { ServerIdentity } from "../model/server.js";
import type { InfoSections } from "../model/cluster.js";
import { ParseError } from "./errors.js";
import { numberedLines, quote } from "./text.js";

const WHAT = "INFO";

/**
 * Parses INFO: `# Section` headers, then `field:value` lines, `\r\n` line ends. Real reply
 * (redis-server 7.0.15, INFO server clients cluster replication), abridged:
 *   # Server
 *   redis_version:7.0.15
 *   executable:/usr/bin/redis-server
 *
 *   # Replication
 *   role:slave
 *   master_host:127.0.0.3
 * Sections are keyed in lower case (`server`, `replication`); a value may itself hold colons, so a line
 * splits at its first one. An empty reply (INFO of a section the server lacks) is no sections at all.
 */
export function parseInfo(text: string): InfoSections {
  const sections: InfoSections = {};
  let current: Record<string, string> | null = null;
  for (const line of numberedLines(text)) {
    if (line.text.startsWith("#")) {
      const name = line.text.slice(1).trim().toLowerCase();
      if (name === "") throw new ParseError(WHAT, line.number, line.text, `expected a section name after "#", got ${quote(line.text)}`);
      current = sections[name] ?? {};
      sections[name] = current;
      continue;
    }
    const colon = line.text.indexOf(":");
    if (colon <= 0) throw new ParseError(WHAT, line.number, line.text, `expected field:value, got ${quote(line.text)}`);
    if (current === null) {
      throw new ParseError(WHAT, line.number, line.text, `expected a "# Section" header before the first field, got ${quote(line.text)}`);
    }
    current[line.text.slice(0, colon)] = line.text.slice(colon + 1);
  }
  return sections;
}

/**
 * The server a node runs, from INFO server: `server_name:valkey` with `valkey_version:8.0.1` (Valkey
 * also prints `redis_version:7.2.4` for clients that check it), else `redis_version:7.0.15`.
 * Null when INFO server was not read.
 */
export function serverIdentity(sections: InfoSections): ServerIdentity | null {
  const server = sections["server"];
  if (server === undefined) return null;
  const valkey = server["valkey_version"];
  if (server["server_name"] === "valkey" && valkey !== undefined) return { flavor: "valkey", version: valkey };
  const redis = server["redis_version"];
  return redis === undefined ? null : { flavor: "redis", version: redis };
}
