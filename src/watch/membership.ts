// Which nodes the monitor samples, followed from the nodes' own CLUSTER NODES views between samples:
// a node any view lists (in the seeds' scope) is added, a node no answering view has listed for a while
// is dropped (it was forgotten or the cluster was resized). A node is one member whatever address it is
// listed under: members are matched by node id, so a node whose own line says 10.0.0.5 while its peers
// list it as 192.168.1.5 (NAT, multi-homed) is sampled once, on one connection. Pure: the sampler feeds
// it each round's views.
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { SkippedAddress } from "../model/snapshot.js";
import type { Admit } from "../cluster/scope.js";
import { hasUsableAddress } from "../parse/nodeView.js";
import { naturalCompare } from "../text/naturalOrder.js";

export interface Member {
  /** Its name for its whole life (the address it was first known under), while `address` may change. */
  key: string;
  /** "ip:port" as announced in CLUSTER NODES, or as given for a seed until its own view names it. */
  address: string;
  host: string;
  port: number;
  origin: "seed" | "discovered";
  /** The node id, once its own view or another's names it. */
  id: string | null;
  /** Consecutive rounds in which views answered and none listed this node. */
  unlistedRounds: number;
  /** The hostname views announce for it (`ip:port@cport,hostname`): its TLS server name. */
  hostname?: string;
}

export interface MembershipChange {
  members: Member[];
  added: Member[];
  /** Dropped members: forgotten by every view, or a second name of a node already sampled (see merged). */
  removed: Member[];
  /** A node found under two addresses, sampled once: [the address dropped, the one kept]. */
  merged: Array<[gone: string, kept: string]>;
  /** A seed given by name or another address, now known under its announced one: [given, announced]. */
  renamed: Array<[from: string, to: string]>;
  /** Listed addresses outside the seeds' scope, never dialled; null when no view answered this round. */
  outOfScope: SkippedAddress[] | null;
  /** How many listed nodes were left out because of --max-nodes (0 when none). */
  overLimit: number;
}

export interface MembershipBounds {
  admit: Admit;
  maxNodes: number;
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
      members.push({ key: address, address, host: seed.host, port: seed.port, origin: "seed", id: null, unlistedRounds: 0 });
    }
  }
  return members;
}

/** The members as this round leaves them, looked up by address and by id. */
class Roster {
  readonly byAddress = new Map<string, Member>();
  readonly byId = new Map<string, Member>();
  readonly removed: Member[] = [];
  readonly merged: Array<[string, string]> = [];

  constructor(members: readonly Member[]) {
    for (const member of members) {
      const copy = { ...member };
      this.byAddress.set(copy.address, copy);
      if (copy.id !== null) this.byId.set(copy.id, copy);
    }
  }

  /**
   * Gives `member` its id; a member already holding that id is the same node under another name, and
   * one of the two goes: the one kept is under the node's own address (`ownAddress`, when known), else
   * a seed (what the user gave), else the one known first.
   */
  identify(member: Member, id: string, ownAddress: string | null): void {
    const twin = this.byId.get(id);
    if (twin !== undefined && twin !== member) {
      const rank = (candidate: Member): number => (candidate.address === ownAddress ? 2 : 0) + (candidate.origin === "seed" ? 1 : 0);
      const [kept, gone] = rank(member) > rank(twin) ? [member, twin] : [twin, member];
      this.byAddress.delete(gone.address);
      this.removed.push(gone);
      this.merged.push([gone.address, kept.address]);
      this.byId.set(id, kept);
      kept.id = id;
      return;
    }
    member.id = id;
    this.byId.set(id, member);
  }

  rename(member: Member, entry: ClusterNodeEntry): [string, string] {
    const from = member.address;
    this.byAddress.delete(from);
    Object.assign(member, { address: entry.address, host: entry.ip, port: entry.port });
    this.byAddress.set(entry.address, member);
    return [from, entry.address];
  }
}

/**
 * Takes in one round's views (observer address -> its parsed CLUSTER NODES; only nodes that answered).
 * With no view at all (every node down) membership stays as it is: nothing says who left.
 */
export function updateMembership(
  members: readonly Member[],
  views: ReadonlyMap<string, readonly ClusterNodeEntry[]>,
  bounds: MembershipBounds,
): MembershipChange {
  if (views.size === 0) return { members: [...members], added: [], removed: [], merged: [], renamed: [], outOfScope: null, overLimit: 0 };
  const roster = new Roster(members);
  const renamed: Array<[string, string]> = [];
  // Each observer first: who it says it is.
  for (const [observer, entries] of views) {
    const member = roster.byAddress.get(observer);
    const myself = entries.find((entry) => entry.myself);
    if (member === undefined || myself === undefined) continue;
    if (member.id !== myself.id) roster.identify(member, myself.id, hasUsableAddress(myself) ? myself.address : null);
    if (!roster.byAddress.has(member.address)) continue; // it was the second name of a node, and went
    // A seed dialled as "localhost:6379" announces itself as "127.0.0.1:6379": one node, two names.
    const announced = hasUsableAddress(myself) && myself.address !== observer && !roster.byAddress.has(myself.address);
    if (announced && bounds.admit(myself.ip).inScope) renamed.push(roster.rename(member, myself));
  }
  // Then what each lists about the others: by id, whatever address it uses.
  const listedIds = new Set<string>();
  const skipped = new Map<string, SkippedAddress>();
  const added: Member[] = [];
  let overLimit = 0;
  for (const [observer, entries] of views) {
    for (const entry of entries) {
      if (entry.myself || !hasUsableAddress(entry)) continue;
      listedIds.add(entry.id);
      // A seed that never answered learns its id from whichever view lists its address first.
      const atAddress = roster.byAddress.get(entry.address);
      if (atAddress !== undefined && atAddress.id === null) roster.identify(atAddress, entry.id, null);
      if (roster.byId.has(entry.id) || roster.byAddress.has(entry.address)) continue;
      const verdict = bounds.admit(entry.ip);
      if (!verdict.inScope) {
        const known = skipped.get(entry.address) ?? { address: entry.address, kind: verdict.kind, reason: verdict.reason, listedBy: [] };
        if (!known.listedBy.includes(observer)) known.listedBy.push(observer);
        skipped.set(entry.address, known);
        continue;
      }
      if (roster.byAddress.size >= bounds.maxNodes) {
        overLimit += 1;
        continue;
      }
      const member: Member = {
        key: entry.address,
        address: entry.address,
        host: entry.ip,
        port: entry.port,
        origin: "discovered",
        id: entry.id,
        unlistedRounds: 0,
      };
      if (entry.hostname !== null) member.hostname = entry.hostname;
      roster.byAddress.set(member.address, member);
      roster.byId.set(entry.id, member);
      added.push(member);
    }
  }
  const kept: Member[] = [];
  const removed = roster.removed;
  for (const member of roster.byAddress.values()) {
    // Only other nodes' views can say a node left; with none answering there is nothing to judge by.
    const otherViews = views.size - (views.has(member.address) ? 1 : 0);
    const listed = member.id !== null && listedIds.has(member.id);
    member.unlistedRounds = otherViews === 0 || listed ? 0 : member.unlistedRounds + 1;
    if (member.unlistedRounds >= UNLISTED_ROUNDS_BEFORE_REMOVAL) removed.push(member);
    else kept.push(member);
  }
  const outOfScope = [...skipped.values()].sort((a, b) => naturalCompare(a.address, b.address));
  return { members: kept, added, removed, merged: roster.merged, renamed, outOfScope, overLimit };
}
