// Pure helpers over the parsed CLUSTER NODES views that drive discovery, probes and the failure-report round.
import type { ClusterNodeEntry } from "../model/cluster.js";

/**
 * Whether discovery should dial the node a view lists. Not a `noaddr` entry (`e94f9ac6... :0@0 slave,noaddr ...`),
 * nor a `handshake` one: its id is a placeholder and the address is only what someone passed to CLUSTER MEET
 * (`09f550a9... 127.0.0.9:6379@16379 handshake - 0 0 0 disconnected`); both stay in the raw replies.
 * Nor a node that does not know its own IP yet, as a node that met nobody prints itself:
 * `65c75d1b586fbe0595db1ab5ded85a358e715b0f :6379@16379 myself,master - 0 0 0 connected`.
 */
export function hasUsableAddress(entry: ClusterNodeEntry): boolean {
  return !entry.flags.includes("noaddr") && !entry.flags.includes("handshake") && entry.ip !== "" && entry.port > 0;
}

/** Node ids that any view flags `fail?` or `fail`, sorted so runs are reproducible. */
export function suspectNodeIds(views: readonly (readonly ClusterNodeEntry[])[]): string[] {
  const ids = new Set<string>();
  for (const view of views) {
    for (const entry of view) {
      if (entry.flags.includes("fail?") || entry.flags.includes("fail")) ids.add(entry.id);
    }
  }
  return [...ids].sort();
}
