// Reads the link matrix as a whole and says which way bus traffic fails: every pair, a partition
// into groups, nodes cut off inbound, outbound or both, or single directed pairs. Computed once and
// shared by the bus rules so that one fault is named once, by the rule that fits it.
//
// In the first seconds of a fault only the peers that pinged a node since then have evidence; every
// other cell still shows the PONG it got before the fault and reads "healthy". So for the nodes the
// evidence points at (the suspects), a PONG older than their first unanswered PING is no evidence
// either way, and "most peers" is counted over the cells that have some.
import type { ClusterAnalysis, NodeSummary } from "../model/analysis.js";
import type { LinkCell, LinkState } from "../model/links.js";
import { DEFAULT_NODE_TIMEOUT_MS, isLinkBroken, isLinkKnown, type LinkThresholds } from "./analyze/linkState.js";

export type CutDirection = "in" | "out" | "both";

export interface IsolatedNode {
  node: string;
  direction: CutDirection;
  /** Cells of peers that cannot reach this node's bus (observer = peer). */
  inbound: LinkCell[];
  /** Cells of this node that cannot reach peers' buses (observer = this node). */
  outbound: LinkCell[];
  /**
   * The inbound side is known from busdoctor's own probe only: the bus port answered it in the first
   * look and drops its handshake now, before any peer has pinged the node since the fault.
   */
  probedInbound: boolean;
  /** Cut one way, and nothing since the fault began tells about the other way yet. */
  undecided: boolean;
}

export interface BusPicture {
  /** Nodes that answered with a view: the only ones whose bus can be judged. */
  judged: string[];
  brokenCells: LinkCell[];
  /** Cells whose last PONG predates the fault of a node they touch: no evidence either way. */
  staleCells: ReadonlySet<LinkCell>;
  everyPairBroken: boolean;
  /** Two or more groups of two or more nodes, each seeing the other side failing; smallest first. */
  partition: string[][] | null;
  isolated: IsolatedNode[];
  /** Broken directed pairs that neither an isolated node nor the partition explains. */
  strayPairs: LinkCell[];
  /** Two nodes that so far fail only with each other, in a fault younger than its evidence elsewhere. */
  undecidedPairs: Array<[string, string]>;
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

/** How long ago the fault showed in a broken cell: its unanswered PING's wait, or its PONG's age. */
export function faultAgeMs(state: LinkState): number {
  switch (state.kind) {
    case "ping-pending":
      return state.pendingMs;
    case "pong-stale":
      return state.pongAgeMs;
    case "pfail":
    case "fail":
      return state.pendingMs ?? state.pongAgeMs ?? 0;
    default:
      return 0;
  }
}

/** Whether busdoctor's bus probe of the node got no answer now, when it was answered in the first look. */
function probeNowFiltered(node: NodeSummary | undefined, answeredBefore: ReadonlySet<string>): boolean {
  return node !== undefined && answeredBefore.has(node.address) && node.busProbe?.state === "timeout";
}

interface Tally {
  matrix: Uint8Array;
  knownIn: Int32Array;
  knownOut: Int32Array;
  brokenIn: LinkCell[][];
  brokenOut: LinkCell[][];
  brokenCells: LinkCell[];
  known: number;
}

/**
 * One pass over the cells (a million of them for 1000 nodes, row by row, peers in node order): each
 * observer is looked up once per row, and each peer is first tried as the node after the previous peer,
 * then looked up (exact only when no two judged nodes share an address). `stale`, when given, marks
 * cells that count as no evidence. An indexed loop: for...of in code not yet optimized allocates a
 * result per step.
 */
function tally(
  analysis: ClusterAnalysis,
  judged: readonly string[],
  indexOf: ReadonlyMap<string, number>,
  thresholds: LinkThresholds,
  stale: ReadonlySet<LinkCell> | null,
): Tally {
  const count = judged.length;
  const result: Tally = {
    matrix: new Uint8Array(count * count),
    knownIn: new Int32Array(count),
    knownOut: new Int32Array(count),
    brokenIn: judged.map(() => []),
    brokenOut: judged.map(() => []),
    brokenCells: [],
    known: 0,
  };
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
    if (observer === undefined || peer === undefined || !isLinkKnown(cell.state) || stale?.has(cell)) continue;
    result.known += 1;
    result.knownOut[observer] = (result.knownOut[observer] ?? 0) + 1;
    result.knownIn[peer] = (result.knownIn[peer] ?? 0) + 1;
    if (isLinkBroken(cell.state, thresholds)) {
      result.matrix[observer * count + peer] = BROKEN;
      result.brokenCells.push(cell);
      result.brokenIn[peer]?.push(cell);
      result.brokenOut[observer]?.push(cell);
    } else result.matrix[observer * count + peer] = HEALTHY;
  }
  return result;
}

/**
 * The nodes the evidence points at, each with the wait of its oldest unanswered PING. A node is one when
 * it is among the most involved (at least two broken cells, at least half as many as the most involved
 * node), or when fewer PONGs reached it since its first unanswered PING than reached every node it fails
 * with (those still hear others: they only lost it). A node whose broken cells are all with a suspect
 * already taken is none; nor are two nodes that fail only with each other and heard as many since: each
 * pinged only the other so far, and which of them is cut off (if not just the pair) is not known yet,
 * unless busdoctor's own probe of one of them only (`probedNow`) fails too: a second observer that
 * cannot reach that node's bus port makes it the suspect.
 */
function suspectOnsets(
  analysis: ClusterAnalysis,
  judged: readonly string[],
  { brokenIn, brokenOut }: Tally,
  probedNow: ReadonlySet<string>,
): Map<number, number> {
  const cellsOf = judged.map((_, index) => [...(brokenIn[index] ?? []), ...(brokenOut[index] ?? [])]);
  const onsetOf = new Map<string, number>();
  cellsOf.forEach((cells, index) => {
    if (cells.length > 0) onsetOf.set(judged[index] as string, Math.max(...cells.map((cell) => faultAgeMs(cell.state))));
  });
  // PONGs newer than a node's first unanswered PING: it still hears someone since its fault began.
  const fresh = new Map<string, number>();
  for (const cell of analysis.links) {
    if (cell.state.kind !== "ok" || cell.state.pongAgeMs === null) continue;
    for (const node of [cell.observer, cell.peer]) {
      const onset = onsetOf.get(node);
      if (onset !== undefined && cell.state.pongAgeMs < onset) fresh.set(node, (fresh.get(node) ?? 0) + 1);
    }
  }
  const freshOf = (node: string): number => fresh.get(node) ?? 0;
  const counterparts = cellsOf.map((cells, index) => new Set(cells.map((cell) => (cell.observer === judged[index] ? cell.peer : cell.observer))));
  const most = Math.max(0, ...cellsOf.map((cells) => cells.length));
  const order = judged
    .map((_, index) => index)
    .filter((index) => (cellsOf[index]?.length ?? 0) > 0)
    .sort((a, b) => (cellsOf[b]?.length ?? 0) - (cellsOf[a]?.length ?? 0) || freshOf(judged[a] as string) - freshOf(judged[b] as string) || a - b);
  const onsets = new Map<number, number>();
  const taken = new Set<string>();
  for (const index of order) {
    const address = judged[index] as string;
    const count = cellsOf[index]?.length ?? 0;
    const others = counterparts[index] as Set<string>;
    if ([...others].every((other) => taken.has(other))) continue;
    const quieter = [...others].every((other) => freshOf(address) < freshOf(other));
    const strong = count >= 2 && count * 2 >= most;
    const [only] = others;
    const back = only === undefined ? undefined : counterparts[judged.indexOf(only)];
    const pairOnly = others.size === 1 && back?.size === 1 && back.has(address);
    // The probe outweighs "quieter", whose counts are a PONG or two this early.
    const probeTells = pairOnly && only !== undefined && probedNow.has(address) !== probedNow.has(only);
    if (probeTells ? probedNow.has(address) : quieter || (strong && !pairOnly)) {
      onsets.set(index, onsetOf.get(address) ?? 0);
      taken.add(address);
    }
  }
  return onsets;
}

/** Healthy cells of a suspect whose last PONG is older than the suspect's first unanswered PING. */
function staleCellsOf(analysis: ClusterAnalysis, indexOf: ReadonlyMap<string, number>, onsets: ReadonlyMap<number, number>): Set<LinkCell> {
  const stale = new Set<LinkCell>();
  const suspects = new Map<string, number>();
  for (const [index, onset] of onsets) {
    const address = [...indexOf].find(([, at]) => at === index)?.[0];
    if (address !== undefined) suspects.set(address, onset);
  }
  for (const cell of analysis.links) {
    if (cell.state.kind !== "ok" || cell.state.pongAgeMs === null) continue;
    const onset = Math.max(suspects.get(cell.peer) ?? -1, suspects.get(cell.observer) ?? -1);
    if (onset >= 0 && cell.state.pongAgeMs >= onset) stale.add(cell);
  }
  return stale;
}

/**
 * `answeredBefore`: nodes whose bus port answered busdoctor's probe in the first look (or, for watch,
 * in an earlier sample): only for those does a probe that gets no answer now tell about the fault.
 */
export function readBus(analysis: ClusterAnalysis, answeredBefore: ReadonlySet<string> = new Set()): BusPicture {
  const thresholds: LinkThresholds = { pendingMs: analysis.pendingThresholdMs, pongStaleMs: analysis.pongStaleThresholdMs };
  const judged = analysis.nodes.filter((node) => node.response.kind === "answering").map((node) => node.address);
  const indexOf = new Map(judged.map((address, index) => [address, index]));
  const first = tally(analysis, judged, indexOf, thresholds, null);
  const noStale: ReadonlySet<LinkCell> = new Set();
  const everyPairBroken = judged.length >= 2 && first.known > 0 && first.brokenCells.length === first.known;
  const empty: BusPicture = {
    judged,
    brokenCells: first.brokenCells,
    staleCells: noStale,
    everyPairBroken,
    partition: null,
    isolated: [],
    strayPairs: [],
    undecidedPairs: [],
  };
  if (everyPairBroken || first.brokenCells.length === 0) return empty;

  const nodeAt = new Map(analysis.nodes.map((node) => [node.address, node]));
  const probedNow = new Set(judged.filter((address) => probeNowFiltered(nodeAt.get(address), answeredBefore)));
  const onsets = suspectOnsets(analysis, judged, first, probedNow);
  const staleCells = onsets.size === 0 ? noStale : staleCellsOf(analysis, indexOf, onsets);
  const { matrix, knownIn, knownOut, brokenIn, brokenOut, brokenCells } =
    staleCells.size === 0 ? first : tally(analysis, judged, indexOf, thresholds, staleCells);
  const count = judged.length;
  const groups = groupsOf(count, matrix).sort((x, y) => x.length - y.length || (x[0] ?? 0) - (y[0] ?? 0));
  const bigGroups = groups.filter((group) => group.length >= 2);
  const partition = bigGroups.length >= 2 ? bigGroups.map((group) => group.map((index) => judged[index] as string)) : null;

  // Without a partition every node's own cells are judged, not only the nodes no healthy link joins to
  // the rest: a node cut outbound 2.3 s ago still shows a peer healthy both ways, with a PING to it in
  // flight and a PONG time that gossip carried (whole seconds), and so sits in the big group:
  //   8e91c0b6... 127.0.0.14:6379@16379 master - 1796162662051 1796162661000 4 connected 12288-16383
  // With a partition a member's failures toward the other side are the partition's, so only nodes left
  // on their own are judged.
  const candidates = partition === null ? judged.map((_, index) => index) : groups.filter((group) => group.length === 1).flat();
  const isolated: IsolatedNode[] = [];
  for (const node of candidates) {
    const address = judged[node] as string;
    const inbound = brokenIn[node] ?? [];
    const outbound = brokenOut[node] ?? [];
    const inKnown = knownIn[node] ?? 0;
    const outKnown = knownOut[node] ?? 0;
    // "Most peers" rather than "all": a peer that pinged a moment ago may not show it yet.
    const probedInbound = inKnown === 0 && outbound.length > 0 && probedNow.has(address);
    const cutIn = inbound.length * 2 > inKnown || probedInbound;
    const cutOut = outbound.length * 2 > outKnown;
    if (!cutIn && !cutOut) continue;
    const direction: CutDirection = cutIn && cutOut ? "both" : cutIn ? "in" : "out";
    const undecided = (direction === "out" && inKnown === 0) || (direction === "in" && outKnown === 0);
    isolated.push({ node: address, direction, inbound, outbound, probedInbound, undecided });
  }

  // A bus port that refuses busdoctor's handshake (nothing listens there, or a REJECT rule) refuses its
  // peers too: the first peer that fails to reach it already shows the node's fault, not a pair's.
  const found = new Set(isolated.map((entry) => entry.node));
  judged.forEach((address, index) => {
    const inbound = brokenIn[index] ?? [];
    if (found.has(address) || inbound.length === 0 || nodeAt.get(address)?.busProbe?.state !== "refused") return;
    const outbound = brokenOut[index] ?? [];
    const cutOut = outbound.length * 2 > (knownOut[index] ?? 0);
    isolated.push({ node: address, direction: cutOut ? "both" : "in", inbound, outbound, probedInbound: false, undecided: false });
  });

  const explained = new Set(isolated.map((entry) => entry.node));
  const groupOf = new Map((partition ?? []).flatMap((group, index) => group.map((node) => [node, index] as const)));
  const strayPairs = brokenCells.filter((cell) => {
    if (explained.has(cell.observer) || explained.has(cell.peer)) return false;
    const a = groupOf.get(cell.observer);
    const b = groupOf.get(cell.peer);
    return a === undefined || b === undefined || a === b;
  });
  // Pairs that fail only between themselves, while no suspect explains them and their evidence is younger
  // than the node timeout: one pair, or the first sign of a node's block (settled, a pair fault is just that).
  const suspects = new Set([...onsets.keys()].map((index) => judged[index] as string));
  const fresh = (cell: LinkCell): boolean => faultAgeMs(cell.state) < (analysis.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS);
  const undecided = new Map<string, [string, string]>();
  for (const cell of strayPairs) {
    if (!fresh(cell) || suspects.has(cell.observer) || suspects.has(cell.peer)) continue;
    const pair: [string, string] = cell.observer < cell.peer ? [cell.observer, cell.peer] : [cell.peer, cell.observer];
    undecided.set(pair.join(" "), pair);
  }
  const undecidedPairs = [...undecided.values()];
  return { judged, brokenCells, staleCells, everyPairBroken, partition, isolated, strayPairs, undecidedPairs };
}
