import type { ClusterAnalysis, NodeSummary } from "../model/analysis.js";
import type { Finding, FindingCode } from "../model/finding.js";
import type { LinkCell } from "../model/links.js";
import type { Failover } from "../model/phase.js";
import type { BusPicture } from "./bus.js";
import type { GossipRates } from "./gossipRates.js";
import type { LookComparison } from "./looks.js";

export interface RuleContext {
  analysis: ClusterAnalysis;
  bus: BusPicture;
  /** Per-node message rates when `--sample` took a baseline, else null. */
  rates: GossipRates | null;
  /** The first look, compared with this one, when there were two; else null. */
  looks: LookComparison | null;
  /** Replicas that took over a failed master's slots. */
  failovers: Failover[];
  /** cluster-node-timeout for timings: as read, or Redis's default when it was not. */
  nodeTimeoutMs: number;
  /** When this look was taken (epoch ms, busdoctor's clock): timings in findings are relative to it. */
  takenAtMs: number;
  /** The age of the youngest bus link to or from a node (CLUSTER LINKS), null when unknown: read on demand. */
  linkAgeMs: (address: string) => number | null;
  /** Nodes that answer but forgot the cluster (their view lists only themselves): see forgotten.ts. */
  forgotten: ReadonlySet<string>;
  /** Summaries by address, for rules that look nodes up. */
  nodeAt: ReadonlyMap<string, NodeSummary>;
  /** Link cells by peer (every observer's cell for it) and by observer (its row), built once. */
  linksTo: ReadonlyMap<string, readonly LinkCell[]>;
  linksFrom: ReadonlyMap<string, readonly LinkCell[]>;
}

/**
 * A cause names something to fix (a port, a node, a network); a symptom is what the cluster shows
 * because of it. The engine puts the first cause at the top and symptoms under it.
 */
export type RuleKind = "cause" | "symptom";

export interface Rule {
  code: FindingCode;
  kind: RuleKind;
  /** Nodes failing for the same cause (same code, port and direction) are one finding naming all of them. */
  check(context: RuleContext): Finding[];
}
