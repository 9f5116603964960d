// Whether a direction of a policy lets a new TCP connection from one cluster node to another through
// on a port, and through which rules: lint's projection of the firewall engine (src/firewall/evaluate).
// The peer is "some node of the cluster" (its address unknown): it is inside `self` groups and the
// whole address space, and may or may not be inside any other range or group.
import { isWholeInternet } from "../firewall/addresses.js";
import { CLUSTER_NODE, FirewallEvaluator, INTERNET_HOST } from "../firewall/evaluate.js";
import type { IpVersion } from "../firewall/model.js";
import type { Direction, DirectionPolicy, LintRule, Peer } from "./model.js";

export interface PortAccess {
  /** Not blocked for certain: some node may connect. */
  allowed: boolean;
  /** The rules that (may) let it through, in the order the packet meets them. */
  allowRules: LintRule[];
  peers: Peer[];
  /** The rule that stops it for certain, when a rule (not a policy) does. */
  blockedBy?: LintRule;
  /** Something busdoctor could not read decides here: absence proves nothing. */
  unknown: boolean;
}

/** Built per question: kept, thousands of evaluators (one per NetworkPolicy direction) would outlive their use. */
function evaluatorOf(policy: DirectionPolicy): FirewallEvaluator<LintRule> {
  return new FirewallEvaluator(policy.chains);
}

/** The peers a rule names on the far side of a connection in this direction, and how they were written. */
export function rulePeers(rule: LintRule, direction: Direction): { peers: Peer[]; source: string[] } {
  if (rule.peers) return { peers: rule.peers, source: rule.peerSource ?? [] };
  const field = direction === "in" ? "saddr" : "daddr";
  const peers: Peer[] = [];
  const source: string[] = [];
  for (const condition of rule.conditions) {
    if (condition.kind === "address" && condition.field === field) {
      for (const written of condition.written) source.push(written);
      if (condition.negated) {
        peers.push({ kind: "ref", ref: condition.written.join(" ") });
        continue;
      }
      for (const range of condition.ranges) peers.push({ kind: "cidr", cidr: range.text });
      for (const group of condition.groups) {
        peers.push(
          group.self ? { kind: "self", label: group.name } : group.internet ? { kind: "internet", label: group.name } : { kind: "ref", ref: group.name },
        );
      }
    } else if (condition.kind === "interface") {
      peers.push({ kind: "ref", ref: condition.written });
      source.push(condition.written);
    } else if (condition.kind === "unknown" && condition.about === "other") {
      peers.push({ kind: "ref", ref: condition.text });
      source.push(condition.text);
    }
  }
  return { peers: peers.length > 0 ? peers : [{ kind: "any" }], source };
}

function unresolvedPort(rule: LintRule): boolean {
  return rule.conditions.some((condition) => condition.kind === "unknown" && condition.about === "port");
}

/** Whether a connection from some host of the internet to the port, over this IP version, is blocked for certain. */
export function blockedFromInternet(policy: DirectionPolicy, port: number, version: IpVersion): boolean {
  return (
    evaluatorOf(policy).evaluate({ version, saddr: INTERNET_HOST, daddr: CLUSTER_NODE, dport: port, iface: "other", hooks: policy.hooks }).blocked === "certain"
  );
}

/** Whether a rule lets TCP to the port through, over this IP version, when its peer conditions match. */
export function acceptsPort(rule: LintRule, port: number, version: IpVersion): boolean {
  if (rule.verdict.kind !== "accept") return false;
  return rule.conditions.every((condition) => {
    if (condition.kind === "family") return condition.versions.includes(version);
    if (condition.kind === "protocol") return condition.negated !== condition.protocols.some((name) => name === "tcp" || name === "6");
    if (condition.kind === "port" && condition.field === "dport")
      return condition.negated !== condition.ranges.some((range) => range.from <= port && port <= range.to);
    return true;
  });
}

export function evaluatePort(policy: DirectionPolicy, direction: Direction, port: number): PortAccess {
  const evaluator = evaluatorOf(policy);
  const access: PortAccess = { allowed: false, allowRules: [], peers: [], unknown: policy.incomplete };
  const seen = new Set<LintRule>();
  let open = false;
  for (const version of policy.versions) {
    const outcome = evaluator.evaluate({ version, saddr: CLUSTER_NODE, daddr: CLUSTER_NODE, dport: port, iface: "other", hooks: policy.hooks });
    if (outcome.gaps.length > 0) access.unknown = true;
    for (const blocker of outcome.blockers) if (blocker.rule !== null && unresolvedPort(blocker.rule)) access.unknown = true;
    if (outcome.blocked === "certain") {
      const rule = outcome.blockers.find((blocker) => blocker.certain && blocker.rule !== null)?.rule;
      if (rule && !access.blockedBy) access.blockedBy = rule;
      continue;
    }
    access.allowed = true;
    for (const acceptor of outcome.acceptors) {
      if (acceptor.rule === null) {
        open = true;
        continue;
      }
      if (unresolvedPort(acceptor.rule)) access.unknown = true;
      if (seen.has(acceptor.rule)) continue;
      seen.add(acceptor.rule);
      access.allowRules.push(acceptor.rule);
      for (const peer of rulePeers(acceptor.rule, direction).peers) access.peers.push(peer);
    }
  }
  if (open) access.peers.push({ kind: "any" });
  if (access.allowed) delete access.blockedBy;
  return access;
}

/** Peers that include every node of the cluster: anyone, the whole internet, the group itself. */
export function reachesAllNodes(peers: readonly Peer[]): boolean {
  return peers.some((peer) => peer.kind === "any" || peer.kind === "self" || (peer.kind === "cidr" && isWholeInternet(peer.cidr)));
}

/** Peers written as the whole internet: 0.0.0.0/0, ::/0, Azure's `*` or `Internet` tag. */
export function isExplicitWorld(peer: Peer): boolean {
  return peer.kind === "internet" || (peer.kind === "cidr" && isWholeInternet(peer.cidr));
}

/** Peers that may include anyone on the internet: the explicit forms, and no restriction at all. */
export function isWorld(peer: Peer): boolean {
  return peer.kind === "any" || isExplicitWorld(peer);
}
