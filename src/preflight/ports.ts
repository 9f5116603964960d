// Pure: which bus port a node uses and how a TCP probe of a port reads to an operator. Shared by
// preflight and host-audit, which both have to say which port they tested and why that one.
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { ProbeResult } from "../model/snapshot.js";
import { formatAddress } from "../cluster/address.js";
import { busProbeHost } from "../cluster/busAddress.js";
import type { AnnounceConfig } from "../model/cluster.js";
import { BUS_PORT_OFFSET, defaultBusPort } from "../cluster/ports.js";

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

/** What peers dial: the node's own announced ip (empty on a node never met: then `host`) and cport. */
export interface AnnouncedBus {
  host: string;
  port: number;
  line: string;
}

/**
 * `announce` (the node's CONFIG GET cluster-announce-*) tells a Valkey client address its own line
 * prints from the bus address peers dial; null when the node does not say where its bus is.
 */
export function announcedBus(myself: ClusterNodeEntry | null, host: string, announce: AnnounceConfig | null = null): AnnouncedBus | null {
  if (myself === null || myself.cport <= 0) return null;
  const busHost = busProbeHost({ host: myself.ip === "" ? host : myself.ip, own: announce, clusterAnnouncesClientIps: false });
  return busHost === null ? null : { host: busHost, port: myself.cport, line: myself.line };
}

/** The word an operator uses for each probe outcome: a dropped SYN is "filtered", not a "timeout". */
export type PortVerdict = "open" | "refused" | "filtered" | "unreachable" | "error";

export function portVerdict(probe: ProbeResult): PortVerdict {
  return probe.state === "timeout" ? "filtered" : probe.state;
}

const MEANING: Record<PortVerdict, string> = {
  open: "the TCP handshake completed",
  refused: "connection refused: nothing listens there, or a firewall rejects with a TCP reset",
  filtered: "no answer to the TCP handshake: a firewall drops the packets",
  unreachable: "no route to the host",
  error: "the connect failed",
};

/** "127.0.0.3:16379 filtered (no answer to the TCP handshake: a firewall drops the packets, 1000 ms)". */
export function describePortProbe(probe: ProbeResult): string {
  const verdict = portVerdict(probe);
  const detail = verdict === "error" || verdict === "unreachable" ? `${MEANING[verdict]}: ${probe.error ?? "no detail"}` : MEANING[verdict];
  return `${formatAddress(probe.host, probe.port)} ${verdict} (${detail}, ${Math.round(probe.ms)} ms)`;
}
