// What a lint rule is, and the helpers every rule shares.
import { evaluatePort, isWorld, rulePeers, type PortAccess } from "../evaluate.js";
import { grade, type Judgement } from "../evidence.js";
import { writeAllowFix, type AllowFixRequest, type WrittenFix } from "../fix/index.js";
import type {
  ClusterPorts,
  Direction,
  DirectionPolicy,
  LintFinding,
  LintRule as ChainRule,
  LintSeverity,
  Location,
  Peer,
  Policy,
  ScopeModel,
  TextEdit,
} from "../model.js";

export interface RuleContext {
  scope: ScopeModel;
  pairs: ClusterPorts[];
  /** Whether the Redis behind a policy runs in cluster mode (its own word first, then the scope's, then the tree's). */
  judgePolicy(policy: Policy): Judgement;
  /** The same for what is not a policy (a Service, a container without cluster-enabled). */
  judgeScope(): Judgement;
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

/** A finding, graded by what says this Redis is (or is not) a cluster: kept, softened to a note, or dropped. */
export function finding(
  id: string,
  severity: LintSeverity,
  at: Location,
  message: string,
  written: WrittenFix | { fix: string; edits?: TextEdit[] },
  judgement: Judgement,
): LintFinding | undefined {
  const edits = "edit" in written && written.edit ? [written.edit] : "edits" in written ? written.edits : undefined;
  const base: LintFinding = {
    ruleId: id,
    severity,
    file: at.file,
    line: at.line,
    column: at.column,
    message,
    fix: written.fix,
    evidence: "",
    ...(edits && edits.length > 0 ? { edits } : {}),
  };
  return grade(base, judgement);
}

export function directionWord(direction: Direction): string {
  return direction === "in" ? "inbound" : "outbound";
}

export function describePeers(peers: readonly Peer[]): string {
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
export function directionsOf(policy: Policy): { direction: Direction; rules: DirectionPolicy }[] {
  const result: { direction: Direction; rules: DirectionPolicy }[] = [];
  if (policy.in) result.push({ direction: "in", rules: policy.in });
  if (policy.out) result.push({ direction: "out", rules: policy.out });
  return result;
}

/** One restricting direction of a self-managed policy, for one client/bus port pair, with both ports evaluated. */
export interface PortPairAccess {
  policy: Policy;
  direction: Direction;
  rules: DirectionPolicy;
  pair: ClusterPorts;
  client: PortAccess;
  bus: PortAccess;
}

/**
 * What the rules that compare the client port with the bus port walk: every direction every policy
 * restricts, for every port pair, managed services (ElastiCache, Memorystore: no bus to open) left out.
 */
export function* portPairAccesses(scope: ScopeModel, pairs: readonly ClusterPorts[]): Generator<PortPairAccess> {
  // One at a time: a scope of thousands of policies never holds all their evaluations at once.
  for (const policy of scope.policies) {
    if (policy.managedService) continue;
    for (const { direction, rules } of directionsOf(policy)) {
      for (const pair of pairs) {
        yield { policy, direction, rules, pair, client: evaluatePort(rules, direction, pair.client), bus: evaluatePort(rules, direction, pair.bus) };
      }
    }
  }
}

/** The allow rule a fix copies: one naming the nodes themselves or their ranges, rather than anyone. */
export function modelRule(rules: readonly ChainRule[], direction: Direction): ChainRule | undefined {
  return rules.find((rule) => !rulePeers(rule, direction).peers.some(isWorld)) ?? rules[0];
}

/** A fix for one direction of a policy: its syntax, where new rules go, and the top of its main chain. */
export function allowFix(
  rules: DirectionPolicy,
  direction: Direction,
  request: Omit<AllowFixRequest, "syntax" | "direction" | "placement" | "top">,
): WrittenFix {
  const hook = direction === "in" ? "input" : "output";
  const main = rules.chains.find((chain) => chain.hook === hook) ?? rules.chains.find((chain) => chain.hook !== null);
  const top = main?.rules[0];
  return writeAllowFix({
    // A rule copied from the other direction goes into this direction's chain, in this direction's syntax;
    // a host firewall rule goes into the direction's base chain (the model may sit in a chain jumped to).
    syntax:
      request.model && request.model.direction === direction && !HOST_SYNTAXES.has(request.model.rule.syntax.syntax) ? request.model.rule.syntax : rules.syntax,
    direction,
    ...request,
    ...(rules.placement ? { placement: rules.placement } : {}),
    ...(top ? { top } : {}),
  });
}

const HOST_SYNTAXES = new Set(["iptables", "nft", "nft-json", "firewalld", "ufw", "ansible"]);

export function lineRef(at: Location): string {
  return `line ${at.line}`;
}
