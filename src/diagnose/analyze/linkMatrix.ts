// The observer -> peer link matrix: one cell per ordered pair of nodes (by address), row by row in
// node order, each read off the observer's own CLUSTER NODES line for the peer. A 1000-node cluster
// has a million cells, so cells share what they can: the raw line is the entry's own string, and
// states and connections are shared frozen objects wherever their values are equal.
import type { NodeSummary } from "../../model/analysis.js";
import type { BusConnections, LinkCell, LinkState } from "../../model/links.js";
import type { Snapshot } from "../../model/snapshot.js";
import { LINK_FROM, LINK_TO } from "../../parse/clusterLinks.js";
import { linkStateOf, SharedLinkStates, type LinkThresholds } from "./linkState.js";
import type { ReadView } from "./views.js";

const MISSING: LinkState = Object.freeze({ kind: "missing" });
/** Every possible BusConnections, indexed by LINK_TO | LINK_FROM bits: a million cells share four objects. */
const CONNECTIONS: readonly BusConnections[] = [0, 1, 2, 3].map((bits) =>
  Object.freeze({ outbound: (bits & LINK_TO) !== 0, inbound: (bits & LINK_FROM) !== 0 }),
);

/** Summary indexes by node id (several when summaries share an id), to find each peer's entry in a view. */
function nodeIndexesById(nodes: readonly NodeSummary[]): Map<string, number[]> {
  const byId = new Map<string, number[]>();
  nodes.forEach((node, index) => {
    if (node.id === null) return;
    const indexes = byId.get(node.id);
    if (indexes) indexes.push(index);
    else byId.set(node.id, [index]);
  });
  return byId;
}

/** How many cells the matrix has: every observer with every node at another address. */
function cellCount(nodes: readonly NodeSummary[]): number {
  const atAddress = new Map<string, number>();
  for (const node of nodes) atAddress.set(node.address, (atAddress.get(node.address) ?? 0) + 1);
  let count = 0;
  for (const node of nodes) count += nodes.length - (atAddress.get(node.address) ?? 0);
  return count;
}

export function linkMatrix(snapshot: Snapshot, nodes: readonly NodeSummary[], read: readonly ReadView[], thresholds: LinkThresholds): LinkCell[] {
  // Sized up front: growing a million-element array step by step copies it over and over.
  const cells = new Array<LinkCell>(cellCount(nodes));
  const indexesById = nodeIndexesById(nodes);
  const states = new SharedLinkStates();
  /** For the current observer: the index in its view of each peer's entry (-1: none), by peer index. */
  const entryAt = new Int32Array(nodes.length);
  let next = 0;
  nodes.forEach((observer, index) => {
    const { view, linksPerEntry } = read[index] as ReadView;
    const entries = observer.response.kind === "answering" ? view.nodes : null;
    if (entries === null) {
      const reason = view.nodes === null && observer.response.kind === "answering" ? "CLUSTER NODES not available" : observer.response.kind;
      const unknown: LinkState = Object.freeze({ kind: "unknown", reason });
      for (const peer of nodes) {
        if (peer.address !== observer.address)
          cells[next++] = { observer: observer.address, peer: peer.address, state: unknown, connections: null, line: null };
      }
      return;
    }
    // Index the view once by peer, instead of a Map of its entries by id for every observer. When a
    // view lists an id twice, its last entry wins.
    entryAt.fill(-1);
    entries.forEach((entry, entryIndex) => {
      const peerIndexes = indexesById.get(entry.id);
      if (peerIndexes !== undefined) for (const peerIndex of peerIndexes) entryAt[peerIndex] = entryIndex;
    });
    // Without INFO server_time_usec (denied), the tool's clock stands in: right on one host, off by
    // the clock skew elsewhere.
    const nowMs = view.nowMs ?? snapshot.nodes[index]?.finishedAtMs ?? snapshot.finishedAtMs;
    nodes.forEach((peer, peerIndex) => {
      if (peer.address === observer.address) return;
      const entryIndex = entryAt[peerIndex] ?? -1;
      const entry = entries[entryIndex];
      cells[next++] =
        entry === undefined
          ? { observer: observer.address, peer: peer.address, state: MISSING, connections: null, line: null }
          : {
              observer: observer.address,
              peer: peer.address,
              state: linkStateOf(entry, nowMs, thresholds, states),
              connections: linksPerEntry === null ? null : (CONNECTIONS[linksPerEntry[entryIndex] ?? 0] ?? null),
              line: entry.line,
            };
    });
  });
  return cells;
}
