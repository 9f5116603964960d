// Which nodes the run knows of, under which name, which ones still need querying, and which listed
// addresses lie outside the seeds' scope and are never dialled.
// Pure state, no I/O: collect.ts feeds it views as they arrive.
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { SkippedAddress } from "../model/snapshot.js";
import { formatAddress, type HostPort } from "../cluster/address.js";
import type { Admit } from "../cluster/scope.js";
import { hasUsableAddress } from "../parse/nodeView.js";
import { naturalCompare } from "../text/naturalOrder.js";

export interface NodeTarget {
  /** What the tool dials: as given for a seed, the announced ip and port for a discovered node. */
  host: string;
  port: number;
  /** Its name in the snapshot: the announced "ip:port" once some view gives one, else as given. */
  address: string;
  origin: "seed" | "discovered";
  /** The node id, once its own reply or another view tells it. */
  id: string | null;
  /** The hostname a view announces for it (`ip:port@cport,hostname`): its TLS server name, never dialed. */
  hostname: string | null;
  /** 0 for a seed, else one more than the node whose view named it. */
  hops: number;
}

/**
 * How far discovery follows views: in a real cluster every node lists every other, so the seeds' views
 * name them all (one hop), a node that joined late two. A chain of nodes each naming only the next
 * (a hostile setup, each answering just under the timeout) would otherwise keep a run going for
 * --max-nodes timeouts; with this bound a run takes at most a few rounds of timeouts.
 */
export const MAX_HOPS = 3;
const TOO_FAR = `listed only through a chain of more than ${MAX_HOPS} nodes from the seeds, further than busdoctor follows`;

export class NodeRegistry {
  private readonly targets: NodeTarget[] = [];
  private readonly byAddress = new Map<string, NodeTarget>();
  private readonly byId = new Map<string, NodeTarget>();
  private readonly skipped = new Map<string, Omit<SkippedAddress, "listedBy"> & { listedBy: Set<string> }>();

  constructor(private readonly admit: Admit) {}

  /** null when the same seed was given twice. */
  addSeed(seed: HostPort): NodeTarget | null {
    const address = formatAddress(seed.host, seed.port);
    if (this.byAddress.has(address)) return null;
    const target: NodeTarget = { host: seed.host, port: seed.port, address, origin: "seed", id: null, hostname: null, hops: 0 };
    this.remember(target);
    return target;
  }

  /** The target a view's line is about, by id first (addresses can be stale), then by address. */
  targetFor(entry: ClusterNodeEntry): NodeTarget | undefined {
    return this.byId.get(entry.id) ?? this.byAddress.get(entry.address);
  }

  /**
   * Takes in one node's CLUSTER NODES view and returns the nodes it lists that nobody has queried yet
   * and that are in scope; the others are remembered as skipped, with the views that listed them.
   * The observer learns its id and announced address from its `myself` line; a target found by address
   * learns its id from whichever view names it first.
   */
  learnView(observer: NodeTarget, entries: readonly ClusterNodeEntry[]): NodeTarget[] {
    const myself = entries.find((entry) => entry.myself);
    if (myself) {
      observer.id ??= myself.id;
      if (!this.byId.has(myself.id)) this.byId.set(myself.id, observer);
      if (hasUsableAddress(myself)) {
        observer.address = myself.address;
        if (!this.byAddress.has(myself.address)) this.byAddress.set(myself.address, observer);
      }
    }
    const discovered: NodeTarget[] = [];
    for (const entry of entries) {
      if (entry.myself || !hasUsableAddress(entry)) continue;
      const known = this.targetFor(entry);
      if (known) {
        if (known.id === null) {
          known.id = entry.id;
          this.byId.set(entry.id, known);
        }
        continue;
      }
      const verdict = this.admit(entry.ip);
      const skip = !verdict.inScope ? verdict : observer.hops >= MAX_HOPS ? ({ kind: "far", reason: TOO_FAR } as const) : null;
      if (skip !== null) {
        const skipped = this.skipped.get(entry.address) ?? { address: entry.address, kind: skip.kind, reason: skip.reason, listedBy: new Set<string>() };
        skipped.listedBy.add(observer.address);
        this.skipped.set(entry.address, skipped);
        continue;
      }
      const target: NodeTarget = {
        host: entry.ip,
        port: entry.port,
        address: entry.address,
        origin: "discovered",
        id: entry.id,
        hostname: entry.hostname,
        hops: observer.hops + 1,
      };
      // A nearer view may name what a far one named first.
      this.skipped.delete(entry.address);
      this.remember(target);
      discovered.push(target);
    }
    return discovered;
  }

  list(): readonly NodeTarget[] {
    return this.targets;
  }

  /** How many distinct nodes the views listed, dialled or not: what --max-nodes counts. */
  get size(): number {
    return this.targets.length + this.skipped.size;
  }

  /** Listed addresses left undialled, sorted so runs are reproducible. */
  outOfScope(): SkippedAddress[] {
    return [...this.skipped.values()]
      .map(({ listedBy, ...skipped }) => ({ ...skipped, listedBy: [...listedBy].sort() }))
      .sort((a, b) => naturalCompare(a.address, b.address));
  }

  private remember(target: NodeTarget): void {
    this.targets.push(target);
    this.byAddress.set(target.address, target);
    if (target.id !== null) this.byId.set(target.id, target);
  }
}
