// The observer -> peer matrix laid out for people: every address numbered once, a square grid of
// cells, and the cells that are not ok grouped so that one isolated observer is one line, not N.

import type { ClusterAnalysis } from "../model/analysis.js";
import type { LinkCell, LinkState } from "../model/links.js";
import { describeLinkState } from "../diagnose/words.js";

/** "self" on the diagonal; null where the analysis has no cell for the pair. */
export type GridCell = LinkState | "self" | null;

export interface LinkGrid {
  /** Row i and column i are addresses[i], numbered i + 1 for people. */
  addresses: string[];
  rows: GridCell[][];
}

/**
 * The analysis's nodes in their order, then any other address a cell names (a peer only some view
 * knows), so that every number in the matrix resolves to an address.
 */
export function numberAddresses(analysis: ClusterAnalysis): string[] {
  const addresses = analysis.nodes.map((node) => node.address);
  const seen = new Set(addresses);
  for (const cell of analysis.links) {
    for (const address of [cell.observer, cell.peer]) {
      if (!seen.has(address)) {
        seen.add(address);
        addresses.push(address);
      }
    }
  }
  return addresses;
}

export function buildLinkGrid(analysis: ClusterAnalysis): LinkGrid {
  const addresses = numberAddresses(analysis);
  const byPair = new Map(analysis.links.map((cell) => [pairKey(cell.observer, cell.peer), cell.state]));
  const rows = addresses.map((observer) => addresses.map((peer): GridCell => (observer === peer ? "self" : (byPair.get(pairKey(observer, peer)) ?? null))));
  return { addresses, rows };
}

/** One line of the "not ok" list: a single peer, or every peer of the observer when all agree. */
export interface NotOkLink {
  observer: string;
  /** The peer's address; null when the line stands for all `peerCount` peers of the observer. */
  peer: string | null;
  peerCount: number;
  description: string;
}

export function notOkLinks(analysis: ClusterAnalysis): NotOkLink[] {
  const order = new Map(numberAddresses(analysis).map((address, index) => [address, index]));
  const rank = (address: string): number => order.get(address) ?? 0;
  const byObserver = new Map<string, LinkCell[]>();
  for (const cell of analysis.links) {
    if (cell.observer === cell.peer) continue;
    const cells = byObserver.get(cell.observer) ?? [];
    cells.push(cell);
    byObserver.set(cell.observer, cells);
  }
  const observers = [...byObserver.keys()].sort((a, b) => rank(a) - rank(b));
  return observers.flatMap((observer): NotOkLink[] => {
    const cells = (byObserver.get(observer) ?? []).sort((a, b) => rank(a.peer) - rank(b.peer));
    const bad = cells.filter((cell) => cell.state.kind !== "ok");
    const descriptions = new Set(bad.map((cell) => describeLinkState(cell.state)));
    const [only] = descriptions;
    if (bad.length > 1 && bad.length === cells.length && descriptions.size === 1 && only !== undefined) {
      return [{ observer, peer: null, peerCount: cells.length, description: only }];
    }
    return bad.map((cell) => ({ observer, peer: cell.peer, peerCount: 1, description: describeLinkState(cell.state) }));
  });
}

/** How many observer -> peer cells there are (diagonal excluded) and how many are ok. */
export function countLinks(analysis: ClusterAnalysis): { total: number; ok: number } {
  const cells = analysis.links.filter((cell) => cell.observer !== cell.peer);
  return { total: cells.length, ok: cells.filter((cell) => cell.state.kind === "ok").length };
}

function pairKey(observer: string, peer: string): string {
  return `${observer} ${peer}`;
}
