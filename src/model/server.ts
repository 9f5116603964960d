// Which server a node runs. Valkey reports a Redis version for compatibility (`redis_version:7.2.4`)
// beside its own (`valkey_version:8.0.1`, `server_name:valkey`).
export type ServerFlavor = "redis" | "valkey";

export interface ServerIdentity {
  flavor: ServerFlavor;
  /** "7.0.15", "8.0.1": the server's own version (Valkey's, not the Redis one it reports too). */
  version: string;
}
