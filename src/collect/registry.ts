// Which nodes the run knows of, under which name, and which ones still need querying.
// Pure state, no I/O: collect.ts feeds it views as they arrive.
import type { ClusterNodeEntry } from "../model/cluster.js";
import { formatAddress, type HostPort } from "../cluster/address.js";
import { hasUsableAddress } from "./views.js";

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
}

export class NodeRegistry {
  private readonly targets: NodeTarget[] = [];
  private readonly byAddress = new Map<string, NodeTarget>();
  private readonly byId = new Map<string, NodeTarget>();

  /** null when the same seed was given twice. */
  addSeed(seed: HostPort): NodeTarget | null {
    const address = formatAddress(seed.host, seed.port);
    if (this.byAddress.has(address)) return null;
    const target: NodeTarget = { host: seed.host, port: seed.port, address, origin: "seed", id: null, hostname: null };
    this.remember(target);
    return target;
  }

  /** The target a view's line is about, by id first (addresses can be stale), then by address. */
  targetFor(entry: ClusterNodeEntry): NodeTarget | undefined {
    return this.byId.get(entry.id) ?? this.byAddress.get(entry.address);
  }

  /**
   * Takes in one node's CLUSTER NODES view and returns the nodes it lists that nobody has queried yet.
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
      const target: NodeTarget = { host: entry.ip, port: entry.port, address: entry.address, origin: "discovered", id: entry.id, hostname: entry.hostname };
      this.remember(target);
      discovered.push(target);
    }
    return discovered;
  }

  list(): readonly NodeTarget[] {
    return this.targets;
  }

  private remember(target: NodeTarget): void {
    this.targets.push(target);
    this.byAddress.set(target.address, target);
    if (target.id !== null) this.byId.set(target.id, target);
  }
}
