// How the lab and the report name the server a node runs (src/model/server.ts).
import type { ServerIdentity } from "../model/server.js";

/** "Redis 6.2.16", "Valkey 8.0.1". */
export function serverLabel(server: ServerIdentity): string {
  return `${server.flavor === "valkey" ? "Valkey" : "Redis"} ${server.version}`;
}
