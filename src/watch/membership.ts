// Which nodes the monitor samples, followed from the nodes' own CLUSTER NODES views between samples:
// a node any view lists is added, a node no answering view has listed for a while is dropped (it was
// forgotten or the cluster was resized). Pure: the sampler feeds it each round's views.
import type { ClusterNodeEntry } from "../model/cluster.js";
import { hasUsableAddress } from "../collect/views.js";

export interface Member {
  /** "ip:port" as announced in CLUSTER NODES, or as given for a seed until its own view names it. */
  address: string;
  host: string;
  port: number;
  origin: "seed" | "discovered";
  /** Consecutive rounds in which views answered and none listed this node. */
  unlistedRounds: number;
  /** The hostname views announce for it (`ip:port@cport,hostname`): its TLS server name. */
  hostname?: string;
}

export interface MembershipChange {
  members: Member[];
  added: Member[];
  removed: Member[];
  /** A seed given by name or another address, now known under its announced one: [given, announced]. */
  renamed: Array<[from: string, to: string]>;
}

/**
 * A node unlisted by every answering view for this many rounds is dropped. Long enough that one odd
 * view during a failover or a node's restart does not drop it; short enough that a removed node stops
 * raising alerts within seconds.
 */
export const UNLISTED_ROUNDS_BEFORE_REMOVAL = 5;

export function seedMembers(seeds: readonly { host: string; port: number }[], formatAddress: (host: string, port: number) => string): Member[] {
  const members: Member[] = [];
  for (const seed of seeds) {
    const address = formatAddress(seed.host, seed.port);
    if (!members.some((member) => member.address === address)) {
      members.push({ address, host: seed.host, port: seed.port, origin: "seed", unlistedRounds: 0 });
    }
  }
  return members;
}

/**
 * Takes in one round's views (observer address -> its parsed CLUSTER NODES; only nodes that answered).
 * With no view at all (every node down) membership stays as it is: nothing says who left.
 */
export function updateMembership(members: readonly Member[], views: ReadonlyMap<string, readonly ClusterNodeEntry[]>): MembershipChange {
  if (views.size === 0) return { members: [...members], added: [], removed: [], renamed: [] };
  const listed = new Map<string, ClusterNodeEntry>();
  /** Addresses each view lists besides its own node: a node forgotten by the others still lists itself. */
  const listedByOthers = new Map<string, number>();
  const renamed: Array<[string, string]> = [];
  const byAddress = new Map(members.map((member) => [member.address, { ...member }]));
  for (const [observer, entries] of views) {
    for (const entry of entries) {
      if (!hasUsableAddress(entry)) continue;
      if (entry.myself && entry.address !== observer && byAddress.has(observer)) {
        // A seed dialled as "localhost:6379" announces itself as "127.0.0.1:6379": one node, two names.
        const seed = byAddress.get(observer);
        byAddress.delete(observer);
        if (seed && !byAddress.has(entry.address)) {
          byAddress.set(entry.address, { ...seed, address: entry.address, host: entry.ip, port: entry.port });
          renamed.push([observer, entry.address]);
        }
      }
      listed.set(entry.address, entry);
      if (!entry.myself) listedByOthers.set(entry.address, (listedByOthers.get(entry.address) ?? 0) + 1);
    }
  }
  const added: Member[] = [];
  for (const [address, entry] of listed) {
    if (byAddress.has(address)) continue;
    const member: Member = { address, host: entry.ip, port: entry.port, origin: "discovered", unlistedRounds: 0 };
    if (entry.hostname !== null) member.hostname = entry.hostname;
    byAddress.set(address, member);
    added.push(member);
  }
  const kept: Member[] = [];
  const removed: Member[] = [];
  for (const member of byAddress.values()) {
    // Only other nodes' views can say a node left; with none answering there is nothing to judge by.
    const otherViews = views.size - (views.has(member.address) ? 1 : 0);
    member.unlistedRounds = otherViews === 0 || listedByOthers.has(member.address) ? 0 : member.unlistedRounds + 1;
    if (member.unlistedRounds >= UNLISTED_ROUNDS_BEFORE_REMOVAL) removed.push(member);
    else kept.push(member);
  }
  return { members: kept, added, removed, renamed };
}
