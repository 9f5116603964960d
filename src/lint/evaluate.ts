// Whether a direction of a policy lets a new TCP connection to a port through, and from whom.
import { isWholeInternet } from "./cidr.js";
import type { DirectionPolicy, FilterRule, Peer } from "./model.js";
import { portMatchCovers } from "./ports.js";

export interface PortAccess {
  allowed: boolean;
  /** The explicit allow rules that let it through (empty when only the fallback does). */
  allowRules: FilterRule[];
  peers: Peer[];
  /** The deny rule that stops it, when one does before any unconditional allow. */
  blockedBy?: FilterRule;
  /** A rule busdoctor could not read might have matched: absence proves nothing. */
  unknown: boolean;
}

function coversTcp(rule: FilterRule): boolean {
  return rule.protocol === "tcp" || rule.protocol === "any";
}

/** Matches every source: no condition, or 0.0.0.0/0 / ::/0. */
function isUnconditional(peers: Peer[]): boolean {
  return peers.some((peer) => peer.kind === "any" || (peer.kind === "cidr" && isWholeInternet(peer.cidr)));
}

/** Sets (unordered) add up every allow rule; chains (ordered) stop at the first rule that decides. */
export function evaluatePort(policy: DirectionPolicy, port: number): PortAccess {
  const access: PortAccess = { allowed: false, allowRules: [], peers: [], unknown: policy.incomplete };
  for (const rule of policy.rules) {
    if (!coversTcp(rule)) continue;
    const covers = portMatchCovers(rule.ports, port);
    if (covers === "unknown") {
      access.unknown = true;
      continue;
    }
    if (!covers) continue;
    if (rule.verdict === "allow") {
      access.allowed = true;
      access.allowRules.push(rule);
      access.peers.push(...rule.peers);
      if (policy.ordered && isUnconditional(rule.peers)) return access;
    } else if (policy.ordered && reachesAllNodes(rule.peers)) {
      // A deny that covers the nodes themselves stops the bus, whatever comes after it.
      if (!access.allowed) access.blockedBy = rule;
      return access;
    }
  }
  if (policy.fallback === "allow") {
    access.allowed = true;
    access.peers.push({ kind: "any" });
  }
  return access;
}

/** Peers that include every node of the cluster: anyone, the whole internet, the group itself. */
export function reachesAllNodes(peers: Peer[]): boolean {
  return peers.some((peer) => peer.kind === "any" || peer.kind === "self" || (peer.kind === "cidr" && isWholeInternet(peer.cidr)));
}
