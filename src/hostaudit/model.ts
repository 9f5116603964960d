// What host-audit gathers on a node's host (plain facts: raw file and command outputs, replies,
// probes) and what it decides from them.
import type { CommandResult, ProbeResult, SkippedAddress } from "../model/snapshot.js";
import type { PortVerdict } from "../cluster/portProbe.js";
import type { FirewallSource } from "../firewall/model.js";
import type { ProcessSockets } from "./sockets.js";

/** A file or a command's output as read, or why it could not be; `absent`: the tool is not installed. */
export type Captured = { ok: true; text: string } | { ok: false; why: string; absent: boolean };

export type AuditCommand = "ping" | "info" | "clusterNodes" | "configClusterPort" | "configBindSourceAddr" | "configAnnounce";

/** An address of this host, as os.networkInterfaces() lists it ("127.0.0.1/8" on lo). */
export interface LocalAddress {
  cidr: string;
  internal: boolean;
}

export interface HostAuditFacts {
  node: {
    host: string;
    port: number;
    connection: CommandResult;
    replies: Partial<Record<AuditCommand, CommandResult>>;
  };
  procNetTcp: Captured;
  procNetTcp6: Captured;
  /** Processes holding a listening socket on the client or bus port. */
  processes: ProcessSockets[];
  /** `nft -j list ruleset`. */
  nft: Captured;
  /** `iptables-save`. */
  iptables: Captured;
  localAddresses: LocalAddress[];
  /** --source: the local address the peer probes were made from; null = the kernel's choice. */
  source: string | null;
  peerProbes: ProbeResult[];
  /** Peers' bus addresses not probed because they lie outside the scope (src/cluster/scope.ts); absent in older recordings. */
  outOfScope?: SkippedAddress[];
}

export type Severity = "critical" | "warning";

export interface Problem {
  severity: Severity;
  text: string;
}

export interface ListeningSocket {
  address: string;
  port: number;
  pid: number | null;
  process: string | null;
  /** Held by the audited node's own redis-server (INFO server process_id). */
  thisNode: boolean;
}

export interface PortListening {
  role: "client" | "bus";
  port: number;
  sockets: ListeningSocket[];
}

export type FlowDirection = "in" | "out" | "forward-in" | "forward-out";

export interface FirewallBlock {
  source: FirewallSource;
  family: string;
  table: string;
  chain: string;
  /** "handle 2", "rule 3", or "policy" for a chain's policy drop. */
  ref: string;
  handle: number | null;
  /** The rule as the tool prints it, or "policy drop". */
  rule: string;
  direction: FlowDirection;
  role: "client" | "bus";
  port: number;
  certain: boolean;
  /** The peers whose connections it stops; "any" when no peer is known. */
  peers: string[];
}

export interface FirewallSourceStatus {
  source: "nftables" | "iptables";
  /** `absent`: the tool is not installed here, which is no problem in itself. */
  status: "read" | "skipped" | "absent";
  detail: string;
}

export interface PeerProbe {
  peer: string;
  probe: ProbeResult;
  verdict: PortVerdict;
}

export interface HostAuditReport {
  node: string;
  nodeId: string | null;
  clientPort: number;
  busPort: number | null;
  busPortSource: string;
  /** The bus address peers dial, when the node announces one. */
  announcedBus: string | null;
  listening: PortListening[];
  firewall: { sources: FirewallSourceStatus[]; blocks: FirewallBlock[] };
  peers: { source: string | null; probes: PeerProbe[] };
  problems: Problem[];
  health: "ok" | "warning" | "critical";
}
