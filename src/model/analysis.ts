// The cluster as busdoctor understands it after reading a snapshot: one row per node, every node's
// own view, and the observer -> peer link matrix. Built by diagnose/analyze.ts, read by the rules
// and by the renderers.

import type { ServerIdentity } from "./server.js";
import type { ClusterInfo, ClusterNodeEntry, InfoSections, NodeRole, SlotRange } from "./cluster.js";
import type { LinkCell } from "./links.js";
import type { CommandErrorKind, ProbeResult, SkippedAddress } from "./snapshot.js";

/** How the node itself answered the tool on its client port. */
export type NodeResponse =
  | { kind: "answering" }
  | { kind: "unreachable"; probe: ProbeResult } // the client port refuses, times out or has no route
  | { kind: "unresponsive"; error: string } // TCP connects, commands get no answer in time (hung or paused)
  | { kind: "error"; errorKind: CommandErrorKind; error: string }; // answers, but with an error (auth...)

/** One node's own view, parsed. Any part is null when the command failed or was denied. */
export interface NodeView {
  observer: string;
  myId: string | null;
  nodes: ClusterNodeEntry[] | null;
  info: ClusterInfo | null;
  // CLUSTER LINKS is not kept here: what it says per peer is in each LinkCell's `connections`
  // (a 1000-node cluster's views list two million links).
  serverInfo: InfoSections | null;
  /** The observer's clock (INFO server_time_usec / 1000) when it answered: ages are measured on it. */
  nowMs: number | null;
  nodeTimeoutMs: number | null;
  /** The bus port it listens on (CONFIG GET cluster-port; 0 there means port + 10000), null if denied. */
  listeningBusPort: number | null;
  /** CLUSTER COUNT-FAILURE-REPORTS it answered, by the suspected node's id: masters reporting it failing. */
  failureReports: Record<string, number>;
  /** The server it runs (INFO server), null if INFO was not read. */
  server: ServerIdentity | null;
  /** It has no CLUSTER LINKS (Redis 6.2): its row of the link matrix comes from CLUSTER NODES alone. */
  linksUnsupported: boolean;
  /** Parse failures of this node's replies: "CLUSTER NODES line 3: ...". */
  problems: string[];
}

export interface NodeSummary {
  address: string;
  /** The hostname it announces (`ip:port@cport,hostname`), shown next to its address; never dialed. */
  hostname: string | null;
  id: string | null;
  role: NodeRole | null;
  /** Address of its master, for replicas, per the majority of views. */
  masterAddress: string | null;
  /**
   * Whether the node carries the `nofailover` flag (`cluster-replica-no-failover yes`), in its own line
   * when it answered, else in the first view that lists it: such a replica never takes over by itself.
   */
  noFailover: boolean;
  clientPort: number;
  /** Announced bus port, null when no view announced one. */
  busPort: number | null;
  response: NodeResponse;
  clientProbe: ProbeResult;
  busProbe: ProbeResult | null;
  /** cluster_state in the node's own view. */
  clusterState: "ok" | "fail" | null;
  /** Slots the node serves in its own view. */
  slots: SlotRange[];
  /** How the other nodes flag it: the worst flag among answering observers ("fail", "fail?", or null). */
  flaggedAs: "fail" | "fail?" | null;
  /** How many other views flag it `fail` or `fail?`, of how many other views list it. */
  flaggedBy: number;
  listedBy: number;
}

export interface ClusterAnalysis {
  nodes: NodeSummary[];
  views: NodeView[];
  links: LinkCell[];
  /** Which servers answered, e.g. [{ server: "Redis 6.2.16", nodes: 6 }], most nodes first. */
  servers: Array<{ server: string; nodes: number }>;
  /** Observers without CLUSTER LINKS (Redis 6.2): their rows of the matrix come from CLUSTER NODES alone. */
  linksFromNodesOnly: string[];
  /** cluster-node-timeout as reported by CONFIG GET on most nodes, null if denied everywhere. */
  nodeTimeoutMs: number | null;
  /** A ping pending longer than this is abnormal (derived from the node timeout). */
  pendingThresholdMs: number;
  /** No PONG for longer than this (and no ping pending) means the observer stopped hearing the peer. */
  pongStaleThresholdMs: number;
  /** Addresses the views listed that busdoctor did not dial (outside the seeds' scope), from the snapshot. */
  outOfScope: SkippedAddress[];
}
