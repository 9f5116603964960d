// Pure: which redis-server the lab runs and what its command line may contain. The first line of
// `redis-server --version` names the server and its version, e.g.
//   Redis server v=6.2.16 sha=00000000:0 malloc=libc bits=64 build=6802c2fb3baf080c
//   Valkey server v=8.0.1 sha=00000000:1 malloc=libc bits=64 build=7e68a1a1cf24f61e
import { serverLabel } from "../cluster/server.js";
import type { ServerIdentity } from "../model/server.js";
import { UsageError } from "../errors.js";

export interface ServerVersion extends ServerIdentity {
  major: number;
  minor: number;
}

/** What a lab needs to know about its server, decided once from the version. */
export interface ServerProfile extends ServerVersion {
  /** `cluster-port` (Redis 7.0+): without it the bus always listens on client port + 10000. */
  clusterPortOption: boolean;
  /**
   * `bind-source-addr` (Redis 7.0+). Redis 6.2 has none: its outgoing bus connections leave from the
   * first `bind` address, which is the node's own in the lab, so rules on `ip saddr` still match.
   */
  bindSourceAddr: boolean;
  /** `cluster-announce-hostname` (Redis 7.0+): CLUSTER NODES prints `ip:port@cport,hostname`. */
  hostnames: boolean;
  /** `cluster-announce-client-ipv4/ipv6` (Valkey 8+): a client address apart from the bus address. */
  clientAnnounce: boolean;
}

/** The servers the lab and the compatibility matrix are proven on; anything else is refused. */
export const SUPPORTED_SERVERS = "Redis 6.2, 7.0, 7.2 and 7.4, Valkey 7.2 and 8.x";

const VERSION_LINE = /^(Redis|Valkey) server v=(\d+)\.(\d+)\.(\d+)\b/;

/** The server named by `redis-server --version`, or null when the output is not such a line. */
export function parseServerVersion(output: string): ServerVersion | null {
  const match = VERSION_LINE.exec(output.trim());
  if (match === null) return null;
  const [, name = "", major = "0", minor = "0", patch = "0"] = match;
  return {
    flavor: name === "Valkey" ? "valkey" : "redis",
    version: `${major}.${minor}.${patch}`,
    major: Number(major),
    minor: Number(minor),
  };
}

function supported({ flavor, major, minor }: ServerVersion): boolean {
  if (flavor === "valkey") return (major === 7 && minor === 2) || major === 8;
  return (major === 6 && minor === 2) || (major === 7 && minor <= 4);
}

/** The profile of a supported server; a UsageError naming the supported ones otherwise. */
export function serverProfile(server: ServerVersion, path: string): ServerProfile {
  if (!supported(server)) {
    throw new UsageError(`${path} is ${serverLabel(server)}; the lab runs ${SUPPORTED_SERVERS}`);
  }
  const redis7 = server.flavor === "valkey" || server.major >= 7;
  return {
    ...server,
    clusterPortOption: redis7,
    bindSourceAddr: redis7,
    hostnames: redis7,
    clientAnnounce: server.flavor === "valkey" && server.major >= 8,
  };
}
