// What a lint rule is, and the helpers every rule shares.
import type { ClusterMode } from "../clusterPorts.js";
import { evaluatePort, type PortAccess } from "../evaluate.js";
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

/** One restricting direction of a self-managed policy, for one client/bus port pair, with both ports evaluated. */
export interface PortPairAccess {
  policy: Policy;
  direction: Direction;
  rules: NonNullable<Policy["in"]>;
  pair: ClusterPorts;
  client: PortAccess;
  bus: PortAccess;
}

/**
 * What the rules that compare the client port with the bus port walk: every direction every policy
 * restricts, for every port pair, managed services (ElastiCache, Memorystore: no bus to open) left out.
 */
export function portPairAccesses(scope: ScopeModel, pairs: readonly ClusterPorts[]): PortPairAccess[] {
  const accesses: PortPairAccess[] = [];
  for (const policy of scope.policies) {
    if (policy.managedService) continue;
    for (const { direction, rules } of directionsOf(policy)) {
      for (const pair of pairs) {
        accesses.push({ policy, direction, rules, pair, client: evaluatePort(rules, pair.client), bus: evaluatePort(rules, pair.bus) });
      }
    }
  }
  return accesses;
}

/** Redis Cluster rules are moot where the only Redis is a standalone/Sentinel setup. */
export function busApplies(mode: ClusterMode): boolean {
  return mode !== "standalone";
}

export function lineRef(at: Location): string {
  return `line ${at.line}`;
}
