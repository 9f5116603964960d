// Reads the link matrix as a whole and says which way bus traffic fails: every pair, a partition
// into groups, single nodes cut off inbound, outbound or both, or single directed pairs. Computed
// once and shared by the bus rules so that one fault is named once, by the rule that fits it.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { LinkCell } from "../model/links.js";
import { isLinkBroken, isLinkKnown, type LinkThresholds } from "./analyze/linkState.js";

export type CutDirection = "in" | "out" | "both";

export interface IsolatedNode {
  node: string;
  direction: CutDirection;
  /** Cells of peers that cannot reach this node's bus (observer = peer). */
  inbound: LinkCell[];
  /** Cells of this node that cannot reach peers' buses (observer = this node). */
  outbound: LinkCell[];
}

export interface BusPicture {
  /** Nodes that answered with a view: the only ones whose bus can be judged. */
  judged: string[];
  brokenCells: LinkCell[];
  everyPairBroken: boolean;
  /** Two or more groups of two or more nodes, each seeing the other side failing; smallest first. */
  partition: string[][] | null;
  isolated: IsolatedNode[];
  /** Broken directed pairs that neither an isolated node nor the partition explains. */
  strayPairs: LinkCell[];
}

/** What one directed (observer, peer) cell says, packed in an n x n byte matrix (0: no evidence). */
const HEALTHY = 1;
const BROKEN = 2;

/** Union-find over nodes (by index) that hear each other both ways. */
function groupsOf(count: number, matrix: Uint8Array): number[][] {
  const parent = Int32Array.from({ length: count }, (_, index) => index);
  const find = (node: number): number => {
    let root = node;
    while (parent[root] !== root) root = parent[root] as number;
    parent[node] = root;
    return root;
  };
  for (let a = 0; a < count; a += 1) {
    for (let b = a + 1; b < count; b += 1) {
      if (matrix[a * count + b] === HEALTHY && matrix[b * count + a] === HEALTHY) parent[find(a)] = find(b);
    }
  }
  const groups = new Map<number, number[]>();
  for (let node = 0; node < count; node += 1) {
    const root = find(node);
    const group = groups.get(root);
    if (group) group.push(node);
    else groups.set(root, [node]);
  }
  return [...groups.values()];
}

export function readBus(analysis: ClusterAnalysis): BusPicture {
  const thresholds: LinkThresholds = { pendingMs: analysis.pendingThresholdMs, pongStaleMs: analysis.pongStaleThresholdMs };
  const judged = analysis.nodes.filter((node) => node.response.kind === "answering").map((node) => node.address);
  const indexOf = new Map(judged.map((address, index) => [address, index]));
  const count = judged.length;
  const matrix = new Uint8Array(count * count);
  const knownIn = new Int32Array(count);
  const knownOut = new Int32Array(count);
  const brokenIn: LinkCell[][] = judged.map(() => []);
  const brokenOut: LinkCell[][] = judged.map(() => []);
  const brokenCells: LinkCell[] = [];
  let known = 0;
  // Cells come row by row, peers in node order (a million of them for 1000 nodes): each observer is
  // looked up once per row, and each peer is first tried as the node after the previous peer, then
  // looked up (the try is exact only when no two judged nodes share an address). An indexed loop:
  // this runs once per check, and for...of in code not yet optimized allocates a result per step.
  const uniqueAddresses = indexOf.size === count;
  let lastObserver: string | null = null;
  let observer: number | undefined;
  let nextPeer = 0;
  for (let index = 0; index < analysis.links.length; index += 1) {
    const cell = analysis.links[index] as LinkCell;
    if (cell.observer !== lastObserver) {
      lastObserver = cell.observer;
      observer = indexOf.get(cell.observer);
    }
    const peer = uniqueAddresses && judged[nextPeer] === cell.peer ? nextPeer : indexOf.get(cell.peer);
    if (peer !== undefined) nextPeer = peer + 1;
    if (observer === undefined || peer === undefined || !isLinkKnown(cell.state)) continue;
    known += 1;
    knownOut[observer] = (knownOut[observer] ?? 0) + 1;
    knownIn[peer] = (knownIn[peer] ?? 0) + 1;
    if (isLinkBroken(cell.state, thresholds)) {
      matrix[observer * count + peer] = BROKEN;
      brokenCells.push(cell);
      brokenIn[peer]?.push(cell);
      brokenOut[observer]?.push(cell);
    } else matrix[observer * count + peer] = HEALTHY;
  }
  const everyPairBroken = count >= 2 && known > 0 && brokenCells.length === known;
  const empty: BusPicture = { judged, brokenCells, everyPairBroken, partition: null, isolated: [], strayPairs: [] };
  if (everyPairBroken || brokenCells.length === 0) return empty;

  const groups = groupsOf(count, matrix).sort((x, y) => x.length - y.length || (x[0] ?? 0) - (y[0] ?? 0));
  const bigGroups = groups.filter((group) => group.length >= 2);
  const partition = bigGroups.length >= 2 ? bigGroups.map((group) => group.map((index) => judged[index] as string)) : null;

  const isolated: IsolatedNode[] = [];
  for (const [node] of groups.filter((group) => group.length === 1)) {
    if (node === undefined) continue;
    const inbound = brokenIn[node] ?? [];
    const outbound = brokenOut[node] ?? [];
    // "Most peers" rather than "all": a peer that pinged a moment ago may not show it yet.
    const cutIn = inbound.length * 2 > (knownIn[node] ?? 0);
    const cutOut = outbound.length * 2 > (knownOut[node] ?? 0);
    if (!cutIn && !cutOut) continue;
    const direction: CutDirection = cutIn && cutOut ? "both" : cutIn ? "in" : "out";
    isolated.push({ node: judged[node] as string, direction, inbound, outbound });
  }

  const explained = new Set(isolated.map((entry) => entry.node));
  const groupOf = new Map((partition ?? []).flatMap((group, index) => group.map((node) => [node, index] as const)));
  const strayPairs = brokenCells.filter((cell) => {
    if (explained.has(cell.observer) || explained.has(cell.peer)) return false;
    const a = groupOf.get(cell.observer);
    const b = groupOf.get(cell.peer);
    return a === undefined || b === undefined || a === b;
  });
  return { ...empty, partition, isolated, strayPairs };
}
