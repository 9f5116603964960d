// What the parsers produce from one node's replies: that node's own view of the cluster.

export type NodeRole = "master" | "slave";

/** Flags as CLUSTER NODES prints them (`myself,master`, `slave,fail?`, `master,noaddr,nofailover`...). */
export type NodeFlag = "myself" | "master" | "slave" | "fail?" | "fail" | "handshake" | "noaddr" | "nofailover" | "noflags";

export interface SlotRange {
  start: number;
  end: number;
}

/** `[5461->-<id>]` is migrating to that node, `[5461-<-<id>]` is importing from it. */
export interface SlotMigration {
  slot: number;
  direction: "migrating" | "importing";
  nodeId: string;
}

/** One line of CLUSTER NODES, as seen by the node that printed it. */
export interface ClusterNodeEntry {
  id: string;
  ip: string;
  port: number;
  /** The announced bus port: what peers dial. Not always port + 10000. */
  cport: number;
  hostname: string | null;
  /** "ip:port" ("[ipv6]:port"), the form every finding uses to name nodes. */
  address: string;
  flags: NodeFlag[];
  role: NodeRole | null;
  myself: boolean;
  masterId: string | null;
  /** Unix ms when the pending PING was sent; 0 when none is pending. */
  pingSentMs: number;
  /** Unix ms when the last PONG arrived. */
  pongRecvMs: number;
  configEpoch: number;
  linkState: "connected" | "disconnected";
  slots: SlotRange[];
  migrations: SlotMigration[];
  /** The line as the node printed it (surrounding whitespace trimmed), kept for evidence. */
  line: string;
}

export type ClusterState = "ok" | "fail";

export interface ClusterInfo {
  state: ClusterState;
  slotsAssigned: number;
  slotsOk: number;
  slotsPfail: number;
  slotsFail: number;
  knownNodes: number;
  size: number;
  currentEpoch: number;
  myEpoch: number;
  /** cluster_stats_messages_* counters without the prefix: `ping_sent`, `pong_received`, `sent`... */
  messages: Record<string, number>;
  /**
   * total_cluster_links_buffer_limit_exceeded (Redis 7.0+, Valkey): bus links the node freed because
   * their send buffer passed cluster-link-sendbuf-limit. Null where the server has no such counter (6.2).
   */
  linksBufferLimitExceeded: number | null;
  /** Every field as printed, for evidence. */
  fields: Record<string, string>;
}

/** One entry of CLUSTER LINKS (Redis 7.0+). */
export interface ClusterLink {
  direction: "to" | "from";
  nodeId: string;
  createTimeMs: number;
  events: string;
  sendBufferAllocated: number;
  sendBufferUsed: number;
}

/** INFO output: section name (lower case) -> field -> value. */
export type InfoSections = Record<string, Record<string, string>>;

/** What a node says it announces (CONFIG GET cluster-announce-*), parsed by src/parse/config.ts. */
export interface AnnounceConfig {
  /** cluster-announce-ip: the address peers dial for the bus; null when unset (they use what they saw). */
  busIp: string | null;
  /** cluster-announce-client-ipv4 / -ipv6 (Valkey 8+): told to clients only, never dialed by peers. */
  clientIps: string[];
  /** cluster-announce-hostname (Redis 7.0+, Valkey); null when unset or unknown to the server. */
  hostname: string | null;
}
