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
