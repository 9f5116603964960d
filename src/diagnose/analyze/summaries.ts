// One summary row per node, from what every view says about it: its own entry when it answered,
// otherwise what most views agree on. A 1000-node cluster's views hold a million entries, so they are
// tallied per node once, view after view as they are read (memory order); lists of entries are
// gathered only for the ids on which views disagree.
import type { NodeSummary, NodeView } from "../../model/analysis.js";
import type { ClusterNodeEntry } from "../../model/cluster.js";
import type { NodeSnapshot } from "../../model/snapshot.js";
import { majorityBusPort } from "../../cluster/ports.js";
import { majorityOf } from "./majority.js";
import { classifyResponse } from "./response.js";

/** What the views say about one node id. */
interface IdTally {
  first: ClusterNodeEntry;
  /** Whether every entry has the address and bus port of `first`. */
  endpointsAgree: boolean;
  /** Its first entry marked `myself`: the node's own line. */
  firstOwn: ClusterNodeEntry | null;
  /** Its first entry in another node's view. */
  firstOther: ClusterNodeEntry | null;
  /** Whether every other view's entry has the role and master of `firstOther`. */
  othersAgree: boolean;
  /** The worst flag other views give it, how many flag it, of how many list it. */
  flaggedAs: NodeSummary["flaggedAs"];
  flaggedBy: number;
  listedBy: number;
}

export interface Tallies {
  byId: Map<string, IdTally>;
  /** Every entry of the ids on which views disagree, in view order. */
  disputed: Map<string, ClusterNodeEntry[]>;
  /** The address most views give each id. */
  addressById: Map<string, string>;
}

/**
 * Tallies each view's entries as the view is read, by node (KnownNode.index of the entry's id, from
 * parseClusterNodes' nodeIndexes): an array slot per node instead of a lookup by id per entry.
 */
export class EntryTallies {
  private readonly byNode: (IdTally | undefined)[] = [];

  add(entries: readonly ClusterNodeEntry[], nodeIndexes: readonly number[]): void {
    // forEach: for...of over a million entries in code not yet optimized allocates a result per step.
    entries.forEach((entry, entryIndex) => {
      const node = nodeIndexes[entryIndex] ?? -1;
      let tally = this.byNode[node];
      if (tally === undefined) {
        this.byNode[node] = tally = {
          first: entry,
          endpointsAgree: true,
          firstOwn: null,
          firstOther: null,
          othersAgree: true,
          flaggedAs: null,
          flaggedBy: 0,
          listedBy: 0,
        };
      } else if (entry.address !== tally.first.address || entry.cport !== tally.first.cport) tally.endpointsAgree = false;
      if (entry.myself) {
        tally.firstOwn ??= entry;
        return;
      }
      tally.listedBy += 1;
      if (tally.firstOther === null) tally.firstOther = entry;
      else if (entry.role !== tally.firstOther.role || entry.masterId !== tally.firstOther.masterId) tally.othersAgree = false;
      if (entry.flags.includes("fail")) tally.flaggedAs = "fail";
      else if (entry.flags.includes("fail?") && tally.flaggedAs === null) tally.flaggedAs = "fail?";
      if (entry.flags.includes("fail") || entry.flags.includes("fail?")) tally.flaggedBy += 1;
    });
  }

  /** The tallies by id, once every view is in (`views`: the same views, to list disputed ids' entries). */
  finish(views: readonly NodeView[]): Tallies {
    const byId = new Map<string, IdTally>();
    for (const tally of this.byNode) if (tally !== undefined) byId.set(tally.first.id, tally);
    const disputed = new Map<string, ClusterNodeEntry[]>();
    for (const [id, tally] of byId) if (!tally.endpointsAgree || !tally.othersAgree) disputed.set(id, []);
    if (disputed.size > 0) {
      for (const view of views) for (const entry of view.nodes ?? []) disputed.get(entry.id)?.push(entry);
    }
    const addressById = new Map<string, string>();
    for (const [id, tally] of byId) {
      const entries = disputed.get(id);
      addressById.set(id, entries ? (majorityOf(entries, (entry) => entry.address) ?? tally.first.address) : tally.first.address);
    }
    return { byId, disputed, addressById };
  }
}

export function summarize(node: NodeSnapshot, view: NodeView, id: string | null, tallies: Tallies): NodeSummary {
  const tally = id === null ? undefined : tallies.byId.get(id);
  const entries = id === null ? undefined : tallies.disputed.get(id);
  const own = tally !== undefined && view.myId === id ? tally.firstOwn : null;
  const others = entries?.filter((entry) => !entry.myself);
  const role = own ? own.role : others ? majorityOf(others, (entry) => entry.role) : (tally?.firstOther?.role ?? null);
  const masterId = own ? own.masterId : others ? majorityOf(others, (entry) => entry.masterId) : (tally?.firstOther?.masterId ?? null);
  // Views disagree on the bus port only in rare cases (an announce-bus-port change): the shared rule decides.
  const busPort = entries ? majorityBusPort(entries.map((entry) => ({ cport: entry.cport, own: entry.myself }))) : (tally?.first.cport ?? null);
  return {
    address: node.address,
    hostname: (own ?? tally?.first)?.hostname ?? null,
    id,
    role,
    masterAddress: masterId === null ? null : (tallies.addressById.get(masterId) ?? null),
    noFailover: (own ?? tally?.firstOther)?.flags.includes("nofailover") ?? false,
    clientPort: node.port,
    busPort,
    response: classifyResponse(node),
    clientProbe: node.probes.client,
    busProbe: node.probes.bus,
    clusterState: view.info?.state ?? null,
    // A node's own claim when it answered; otherwise what the first view that lists it says.
    slots: (own ?? tally?.firstOther)?.slots ?? [],
    flaggedAs: tally?.flaggedAs ?? null,
    flaggedBy: tally?.flaggedBy ?? 0,
    listedBy: tally?.listedBy ?? 0,
  };
}
