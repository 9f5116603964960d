// What a lint rule is, and the helpers every rule shares.
import type { ClusterMode } from "../clusterPorts.js";
import type { ClusterPorts, Direction, LintFinding, LintSeverity, Location, Peer, Policy, ScopeModel } from "../model.js";

export interface RuleContext {
  scope: ScopeModel;
  pairs: ClusterPorts[];
  mode: ClusterMode;
}

export interface LintRule {
  id: string;
  defaultSeverity: LintSeverity;
  /** One line: what the rule reports. */
  summary: string;
  /** Why it matters and what to do, for SARIF help and the docs. */
  help: string;
  check(context: RuleContext): LintFinding[];
}

export function finding(id: string, severity: LintSeverity, at: Location, message: string, fix: string): LintFinding {
  return { ruleId: id, severity, file: at.file, line: at.line, column: at.column, message, fix };
}

export function directionWord(direction: Direction): string {
  return direction === "in" ? "inbound" : "outbound";
}

export function describePeers(peers: Peer[]): string {
  const parts = peers.map((peer) => {
    switch (peer.kind) {
      case "any":
        return "anywhere";
      case "cidr":
        return peer.cidr;
      case "self":
        return peer.label;
      case "ref":
        return peer.ref;
      case "internet":
        return `${peer.label} (the internet)`;
    }
  });
  return [...new Set(parts)].join(", ");
}

/** The directions a policy restricts, with their policy, for rules that walk both. */
export function directionsOf(policy: Policy): { direction: Direction; rules: NonNullable<Policy["in"]> }[] {
  const result: { direction: Direction; rules: NonNullable<Policy["in"]> }[] = [];
  if (policy.in) result.push({ direction: "in", rules: policy.in });
  if (policy.out) result.push({ direction: "out", rules: policy.out });
  return result;
}

/** Redis Cluster rules are moot where the only Redis is a standalone/Sentinel setup. */
export function busApplies(mode: ClusterMode): boolean {
  return mode !== "standalone";
}

export function lineRef(at: Location): string {
  return `line ${at.line}`;
}
