// What the monitor reads off each sample (watch/signals.ts computes them): per node and per
// observer -> peer. Plain data: the history stores them, the dashboard draws them.
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

export interface SampleSignals {
  at: number;
  nodes: NodeSignals[];
  links: LinkSignals[];
}
