// Redis's rule for the cluster bus port, written once: `cluster-port` when set, otherwise client port +
// 10000 (Redis 6.2 has no cluster-port at all: always + 10000). Peers dial the *announced* bus port
// (`@cport` in CLUSTER NODES, cluster-announce-bus-port), which NAT or containers can make different.
import type { ClusterNodeEntry } from "../model/cluster.js";

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

/** Where the bus port came from, best first. */
export type BusPortSource =
  | "config" // CONFIG GET cluster-port, non-zero
  | "config-default" // CONFIG GET cluster-port is 0: Redis listens on client port + 10000
  | "announced" // the cport of the node's own `myself` line in CLUSTER NODES
  | "default"; // nothing answered: client port + 10000, Redis's default

export interface BusPortChoice {
  port: number;
  source: BusPortSource;
  /** "CONFIG GET cluster-port" ... : said next to every result that used this port. */
  sourceText: string;
}

/**
 * CONFIG GET cluster-port as chooseBusPort takes it: the number, or "no-setting" when the server
 * answered without it (`[]`: Redis 6.2 has no cluster-port and always listens on port + 10000).
 */
export type ConfiguredBusPort = number | "no-setting";

/**
 * The bus port the node itself listens on. `configuredPort` is CONFIG GET cluster-port ("0" means
 * port + 10000), null when the command was denied or failed; `myself` is the node's own CLUSTER NODES
 * line, null when that failed. A port past 65535 cannot be a default: then none is returned.
 */
export function chooseBusPort(clientPort: number, configuredPort: ConfiguredBusPort | null, myself: ClusterNodeEntry | null): BusPortChoice | null {
  const defaultPort = defaultBusPort(clientPort);
  if (configuredPort === "no-setting") {
    if (defaultPort === null) return null;
    return { port: defaultPort, source: "config-default", sourceText: `no cluster-port setting (Redis 6.2): client port + ${BUS_PORT_OFFSET}` };
  }
  if (configuredPort !== null && configuredPort > 0) {
    return { port: configuredPort, source: "config", sourceText: `CONFIG GET cluster-port is ${configuredPort}` };
  }
  if (configuredPort === 0 && defaultPort !== null) {
    return { port: defaultPort, source: "config-default", sourceText: `CONFIG GET cluster-port is 0: client port + ${BUS_PORT_OFFSET}` };
  }
  if (myself !== null && myself.cport > 0) {
    return { port: myself.cport, source: "announced", sourceText: `announced cport @${myself.cport} in the node's own CLUSTER NODES line (CONFIG GET denied)` };
  }
  if (defaultPort === null) return null;
  return { port: defaultPort, source: "default", sourceText: `client port + ${BUS_PORT_OFFSET} (the node did not say: Redis's default)` };
}
