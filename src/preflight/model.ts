// What preflight gathers (plain facts, no decisions) and what it decides from them.
import type { CommandResult, NodeCommand, ProbeResult, Snapshot } from "../model/snapshot.js";
import type { PortVerdict } from "../cluster/portProbe.js";

/** The node under test, as this host sees it. */
export interface TargetFacts {
  host: string;
  port: number;
  /** One TCP connect to the client port, before any command: names refused / filtered. */
  clientProbe: ProbeResult;
  /** Connecting and AUTH; when it failed, `replies` is empty. */
  connection: CommandResult;
  replies: Partial<Record<NodeCommand, CommandResult>>;
  /** Every bus port probe made (the port the node listens on, and the announced one when it differs). */
  busProbes: ProbeResult[];
}

/** What `--cluster SEED` found: every existing node's own view, or why there is none. */
export interface ClusterFacts {
  seed: string;
  snapshot: Snapshot | null;
  error: string | null;
}

export interface PreflightFacts {
  target: TargetFacts;
  cluster: ClusterFacts | null;
}

export type CheckStatus = "pass" | "fail" | "skip";

export type CheckName =
  | "client-port"
  | "cluster-enabled"
  | "bus-port"
  | "announced-bus-port"
  | "cluster-views"
  | "seen-by-peers"
  | "sees-peers"
  | "joined"
  | "peer-bus-ports";

/** One existing node's part of a cluster check. */
export interface CheckItem {
  node: string;
  status: Exclude<CheckStatus, "skip">;
  reason: string;
  /** For what cannot be tested from here: the exact command to run on that node's host. */
  command?: string;
}

export interface ProbeOutcome extends ProbeResult {
  verdict: PortVerdict;
}

export interface PreflightCheck {
  name: CheckName;
  status: CheckStatus;
  /** The decision with the exact values it was made on. */
  reason: string;
  probe?: ProbeOutcome;
  items?: CheckItem[];
}

export interface PreflightReport {
  target: string;
  cluster: string | null;
  result: "pass" | "fail";
  checks: PreflightCheck[];
}
