// What the monitor reads off each sample (watch/signals.ts computes them): per node and per
// observer -> peer. Plain data (and which links are worth keeping): the history stores them, the
// dashboard draws them, the metrics export them.
import type { NodeRole } from "./cluster.js";

export interface NodeSignals {
  address: string;
  answering: boolean;
  role: NodeRole | null;
  clusterState: "ok" | "fail" | null;
  slotsPfail: number | null;
  slotsFail: number | null;
  knownNodes: number | null;
  connectedClients: number | null;
  /** cluster_stats_messages_* counters as the node printed them (`sent`, `received`, `ping_sent`...). */
  messages: Record<string, number> | null;
  /** The same per second since the previous sample; null on the first sample or after a counter reset. */
  messageRates: Record<string, number> | null;
  /** total_cluster_links_buffer_limit_exceeded, where the server has it (Redis 7.0+, Valkey). */
  linksBufferLimitExceeded: number | null;
}

export interface LinkSignals {
  observer: string;
  peer: string;
  /** When the pending PING was sent and the last PONG arrived, on the observer's clock; null for none. */
  pingSentMs: number | null;
  pongRecvMs: number | null;
  /** How long the observer's PING to the peer has been waiting for its PONG; null when none is pending. */
  pingPendingMs: number | null;
  pongAgeMs: number | null;
  flag: "pfail" | "fail" | null;
  /** Link objects (CLUSTER LINKS, either direction) re-created since the monitor started. */
  linkRecreations: number;
  /** CLUSTER COUNT-FAILURE-REPORTS <peer> on the observer, when the peer is suspected. */
  failureReports: number | null;
}

/** A PING pending this long is worth recording; a healthy link's PING is pending for a few ms at most. */
const NOTABLE_PENDING_MS = 100;

/**
 * Whether a link is not in its healthy state: a PING pending 100 ms or more, a flag, failure reports.
 * Only such links are kept in the history and exported as per-link metrics by default.
 */
export function linkIsNotable(link: LinkSignals): boolean {
  return (link.pingPendingMs ?? 0) >= NOTABLE_PENDING_MS || link.flag !== null || (link.failureReports ?? 0) > 0;
}

export interface SampleSignals {
  at: number;
  nodes: NodeSignals[];
  links: LinkSignals[];
}
