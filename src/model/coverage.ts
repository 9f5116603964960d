// What a verdict is based on: which nodes were read with which commands, what could not be read and
// why, what was assumed instead, and how many looks were taken. Below the minimum (MINIMUM_EVIDENCE)
// busdoctor says it could not diagnose rather than "healthy".

/** The documented minimum, as the report states it. */
export const MINIMUM_EVIDENCE =
  "CLUSTER NODES and CLUSTER INFO from more than half of the nodes that answer commands (nodes that are down or hung are evidence themselves)";

export interface CommandNotRead {
  command: string;
  reason: string;
}

export interface NodeCoverage {
  address: string;
  /** Commands whose replies were read: "PING", "CLUSTER NODES", "CLUSTER INFO", "INFO"... */
  read: string[];
  notRead: CommandNotRead[];
}

/**
 * `full`: every node that answers gave its CLUSTER NODES and CLUSTER INFO. `partial`: above the minimum,
 * some views missing (the verdict is at least a warning saying which). `insufficient`: below it (no
 * "healthy": could not diagnose, unless a critical fault stands on its own evidence).
 */
export type CoverageLevel = "full" | "partial" | "insufficient";

export interface Coverage {
  level: CoverageLevel;
  minimum: string;
  /** What is missing, one line each; empty when full. */
  missing: string[];
  /** What was assumed for what could not be read ("cluster-node-timeout assumed 15000 ms: CONFIG GET denied"). */
  assumptions: string[];
  nodes: NodeCoverage[];
  /** One look, or two a moment apart (and why the second was taken). */
  looks: { count: 1 | 2; intervalMs: number | null; reasons: string[] };
}
