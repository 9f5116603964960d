// Pure: where the tool dials a node. Peers dial a node's bus at the address they know it by
// (cluster-announce-ip, or the one its connections came from) and the announced `@cport`; clients are
// told the address CLUSTER NODES prints. Usually one address; two things part them:
// - Valkey 8's cluster-announce-client-ipv4/ipv6: CLUSTER NODES prints the client address to clients,
//   with the bus port still after it, so `ip@cport` there may be a host that has no bus at all;
// - hostnames (`ip:port@cport,hostname`): told to clients and named in certificates, never resolved
//   by the bus.
import { isIP } from "node:net";
import type { AnnounceConfig, ClusterNodeEntry } from "../model/cluster.js";
import type { ScopeVerdict } from "./scope.js";

export interface BusProbeInput {
  /** The address the tool knows the node by: printed in CLUSTER NODES, or a seed as the user gave it. */
  host: string;
  /** The node's own CONFIG GET cluster-announce-*; null when not read (denied, no answer). */
  own: AnnounceConfig | null;
  /** Some node of the cluster announces client addresses: an address it prints may then not carry the bus. */
  clusterAnnouncesClientIps: boolean;
  /**
   * The run's scope (checkScope with the seeds'): the bus address a node announces for itself is a
   * claim like any other, never dialled outside it. Absent where the caller checks the scope itself.
   */
  admit?: (host: string) => ScopeVerdict;
}

/**
 * The host to probe a node's bus port at, or null when it cannot be known: `host` is (or may be) a
 * client address and the node does not say where its bus is (cluster-announce-ip unset or not read),
 * or it lies outside the run's scope.
 * A guess would probe a host that may not carry the bus and report its answer as the bus's.
 */
export function busProbeHost({ host, own, clusterAnnouncesClientIps, admit }: BusProbeInput): string | null {
  const busHost = own === null ? (clusterAnnouncesClientIps ? null : host) : own.clientIps.includes(host) ? own.busIp : host;
  return busHost === null || admit === undefined || admit(busHost).inScope ? busHost : null;
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

/** What a certificate can name: a DNS name of at most 253 characters (a node may announce anything). */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*$/;

/**
 * The TLS server name to verify a node's certificate against: its announced hostname when it has one
 * (certificates name the hostnames clients are told) when it is a DNS name, else what the tool dialed
 * when that is a name.
 * An IP address is no server name (SNI forbids it); Node.js then checks the certificate's IP entries.
 */
export function tlsServerName(dialedHost: string, hostname: string | null): string | undefined {
  if (hostname !== null && DNS_NAME.test(hostname)) return hostname;
  return isIP(dialedHost) === 0 ? dialedHost : undefined;
}
