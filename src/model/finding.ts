// Findings are busdoctor's public contract: users automate on `code`, `severity` and `nodes`.

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

export type Health = "healthy" | "warning" | "critical";

/** What `diagnose(snapshot)` returns: one root cause first, what follows from it under it. */
export interface Diagnosis {
  health: Health;
  rootCause: Finding | null;
  /** Findings explained by the root cause (CLUSTER_STATE_FAIL after a blocked bus port...). */
  consequences: Finding[];
  /** Findings that are neither the root cause nor follow from it. */
  otherFindings: Finding[];
}
