// Redis's rule for the cluster bus port, written once: `cluster-port` when set, otherwise client port +
// 10000 (Redis 6.2 has no cluster-port at all: always + 10000). Peers dial the *announced* bus port
// (`@cport` in CLUSTER NODES, cluster-announce-bus-port), which NAT or containers can make different.

export const BUS_PORT_OFFSET = 10_000;

/** The bus port Redis listens on when cluster-port is 0 or absent; null when that is past 65535. */
export function defaultBusPort(clientPort: number): number | null {
  const port = clientPort + BUS_PORT_OFFSET;
  return port <= 65535 ? port : null;
}

/** CONFIG GET cluster-port's value as the port Redis listens on: "0" means the default. */
export function listeningBusPort(clientPort: number, configured: number): number | null {
  return configured === 0 ? defaultBusPort(clientPort) : configured;
}

export interface BusPortVote {
  cport: number;
  /** The vote comes from the node's own `myself` line. */
  own: boolean;
}

/**
 * The bus port most views announce for a node (`@cport`, what peers dial); on a tie the node's own
 * announcement wins, then the lowest port. 0 means "unknown" (a node still in handshake) and is no vote.
 * The one rule: collect probes this port, watch follows it, diagnose reports it.
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
