// A node's view of the cluster, from its CLUSTER NODES reply, one entry per line:
//   07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
// Discovery and the watch's sampler both learn the cluster from it.
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { CommandResult } from "../model/snapshot.js";
import { parseClusterNodes } from "../parse/clusterNodes.js";

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
