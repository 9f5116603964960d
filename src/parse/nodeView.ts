// A node's view of the cluster, from its CLUSTER NODES reply, one entry per line:
//   07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
// Discovery and the watch's sampler both learn the cluster from it, with the helpers below (which
// entries to dial, which nodes some view suspects).
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { CommandResult } from "../model/snapshot.js";
import { parseClusterNodes } from "./clusterNodes.js";

/**
 * The parsed view, or null when the node gave none or one that does not parse: the raw reply stays
 * in the snapshot and the diagnosis reports the line that did not parse; the caller learns nothing.
 */
export function nodeViewOf(result: CommandResult | undefined): ClusterNodeEntry[] | null {
  if (!result?.ok || typeof result.reply !== "string") return null;
  try {
    return parseClusterNodes(result.reply);
  } catch {
    return null;
  }
}

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
