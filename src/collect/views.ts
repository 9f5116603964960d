// Pure helpers over the parsed CLUSTER NODES views that drive discovery, probes and the failure-report round.
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { CommandResult } from "../model/snapshot.js";
import { parseClusterNodes } from "../parse/clusterNodes.js";

/**
 * A node's CLUSTER NODES reply parsed, or null when it failed or does not parse: the raw reply stays in
 * the snapshot and the analysis names the line that did not parse; discovery and the monitor just
 * learn nothing from this view.
 */
export function viewOf(result: CommandResult | undefined): ClusterNodeEntry[] | null {
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

export interface BusPortVote {
  cport: number;
  /** The vote comes from the node's own `myself` line. */
  own: boolean;
}

/**
 * The bus port most views announce for a node (`@cport`, what peers dial); on a tie the node's own
 * announcement wins, then the lowest port. 0 means "unknown" (a node still in handshake) and is no vote.
 */
export function majorityBusPort(votes: readonly BusPortVote[]): number | null {
  const counts = new Map<number, number>();
  for (const { cport } of votes) if (cport > 0) counts.set(cport, (counts.get(cport) ?? 0) + 1);
  const best = Math.max(0, ...counts.values());
  if (best === 0) return null;
  const tied = [...counts.keys()].filter((cport) => counts.get(cport) === best).sort((a, b) => a - b);
  const own = votes.find((vote) => vote.own && tied.includes(vote.cport));
  return own?.cport ?? tied[0] ?? null;
}
