// Findings are busdoctor's public contract: users automate on `code`, `severity` and `nodes`.
import type { Coverage } from "./coverage.js";
import type { Failover, Phase } from "./phase.js";

export type Severity = "critical" | "warning" | "info";

export const FINDING_CODES = [
  "BUS_PORT_BLOCKED",
  "BUS_PORT_NOT_LISTENING",
  "BUS_LINK_ONE_WAY",
  "NODE_UNREACHABLE",
  "NODE_UNRESPONSIVE",
  "NETWORK_PARTITION",
  "CLUSTER_STATE_FAIL",
  "SLOTS_UNCOVERED",
  "TOPOLOGY_DRIFT",
  "NODE_NEEDS_REJOIN",
  "NODE_FORGOT_CLUSTER",
  "SLOT_OWNERSHIP_CONFLICT",
  "GOSSIP_ASYMMETRY",
  "ADDRESS_OUT_OF_SCOPE",
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

/** One fact that proves a finding: an exact value or line, and whose view it comes from. */
export interface Evidence {
  /** "ip:port" of the node whose reply this is, or "busdoctor" for the tool's own probes. */
  source: string;
  /** What was looked at, e.g. "CLUSTER NODES", "CLUSTER INFO", "TCP probe". */
  what: string;
  /** The exact value or line. */
  detail: string;
}

/**
 * Commands that can throw data away when run at the wrong moment (a node that still answers and holds
 * keys, a cluster still converging). busdoctor suggests them only when the evidence shows they are
 * needed and Redis has settled; `busdoctor fix` owns the steps themselves.
 */
export const DATA_RISK_COMMANDS = /CLUSTER\s+RESET|--cluster\s+fix|ADDSLOTS|FAILOVER\s+TAKEOVER|CLUSTER\s+FORGET|FLUSHALL/i;

/** One way to fix it, for one kind of environment, as commands or config to paste. */
export interface Fix {
  /** e.g. "nftables on the host of 127.0.0.3", "AWS security group", "Kubernetes NetworkPolicy". */
  where: string;
  lines: string[];
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Client addresses "ip:port" of the nodes concerned, most concerned first. */
  nodes: string[];
  summary: string;
  evidence: Evidence[];
  explanation: string;
  fix: Fix[];
}

/** "unknown": the evidence is below the minimum (see coverage.ts): busdoctor could not diagnose. */
export type Health = "healthy" | "warning" | "critical" | "unknown";

/**
 * What `diagnose(snapshot)` returns: the root cause first, independent causes beside it, what follows
 * from them under them; the phase of the incident and what the verdict is based on.
 */
export interface Diagnosis {
  health: Health;
  rootCause: Finding | null;
  /**
   * Causes independent of the root cause and each enough on its own to break the cluster (another
   * node's port blocked by another rule): fix every one. Never "unrelated".
   */
  coRootCauses: Finding[];
  /** Findings explained by the root cause or a co-root cause (CLUSTER_STATE_FAIL after a blocked bus port...). */
  consequences: Finding[];
  /** Notes that need no action (severity info), e.g. a bus port only busdoctor's host cannot reach. */
  otherFindings: Finding[];
  phase: Phase;
  coverage: Coverage;
  failovers: Failover[];
  /**
   * Why this one snapshot cannot decide (a fresh fault or a path only busdoctor's host lacks, one-way or
   * both ways...): `check` then looks again a moment later. Empty when it can decide.
   */
  secondLook: string[];
}
