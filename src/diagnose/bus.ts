// Reads the link matrix as a whole and says which way bus traffic fails: every pair, a partition
// into groups, single nodes cut off inbound, outbound or both, or single directed pairs. Computed
// once and shared by the bus rules so that one fault is named once, by the rule that fits it.
import type { ClusterAnalysis, NodeSummary } from "../model/analysis.js";
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

const key = (observer: string, peer: string): string => `${observer}>${peer}`;

/** Union-find over nodes that hear each other both ways. */
function groupsOf(judged: readonly string[], healthy: ReadonlySet<string>): string[][] {
  const parent = new Map(judged.map((node) => [node, node]));
  const find = (node: string): string => {
    let root = node;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(node, root);
    return root;
  };
  for (const a of judged) {
    for (const b of judged) {
      if (a < b && healthy.has(key(a, b)) && healthy.has(key(b, a))) parent.set(find(a), find(b));
    }
  }
  const groups = new Map<string, string[]>();
  for (const node of judged) {
    const root = find(node);
    const group = groups.get(root);
    if (group) group.push(node);
    else groups.set(root, [node]);
  }
  return [...groups.values()].sort((x, y) => x.length - y.length || (x[0] ?? "").localeCompare(y[0] ?? ""));
}

function countBy(cells: readonly LinkCell[], keyOf: (cell: LinkCell) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const cell of cells) counts.set(keyOf(cell), (counts.get(keyOf(cell)) ?? 0) + 1);
  return counts;
}

function listBy(cells: readonly LinkCell[], keyOf: (cell: LinkCell) => string): Map<string, LinkCell[]> {
  const lists = new Map<string, LinkCell[]>();
  for (const cell of cells) {
    const list = lists.get(keyOf(cell));
    if (list) list.push(cell);
    else lists.set(keyOf(cell), [cell]);
  }
  return lists;
}

function isJudged(node: NodeSummary): boolean {
  return node.response.kind === "answering";
}

export function readBus(analysis: ClusterAnalysis): BusPicture {
  const thresholds: LinkThresholds = {
    pendingMs: analysis.pendingThresholdMs,
    pongStaleMs: analysis.pongStaleThresholdMs,
  };
  const judgedSet = new Set(analysis.nodes.filter(isJudged).map((node) => node.address));
  const judged = [...judgedSet];
  const cells = analysis.links.filter(
    (cell) => judgedSet.has(cell.observer) && judgedSet.has(cell.peer) && isLinkKnown(cell.state),
  );
  const brokenCells = cells.filter((cell) => isLinkBroken(cell.state, thresholds));
  const healthy = new Set(cells.filter((cell) => !isLinkBroken(cell.state, thresholds)).map((cell) => key(cell.observer, cell.peer)));
  const everyPairBroken = judged.length >= 2 && cells.length > 0 && brokenCells.length === cells.length;

  const groups = everyPairBroken ? [] : groupsOf(judged, healthy);
  const bigGroups = groups.filter((group) => group.length >= 2);
  const partition = bigGroups.length >= 2 ? bigGroups : null;
  const singletons = new Set(groups.filter((group) => group.length === 1).map((group) => group[0] as string));

  const knownIn = countBy(cells, (cell) => cell.peer);
  const knownOut = countBy(cells, (cell) => cell.observer);
  const brokenIn = listBy(brokenCells, (cell) => cell.peer);
  const brokenOut = listBy(brokenCells, (cell) => cell.observer);
  const isolated: IsolatedNode[] = [];
  for (const node of judged) {
    if (everyPairBroken || !singletons.has(node)) continue;
    const inbound = brokenIn.get(node) ?? [];
    const outbound = brokenOut.get(node) ?? [];
    // "Most peers" rather than "all": a peer that pinged a moment ago may not show it yet.
    const cutIn = inbound.length * 2 > (knownIn.get(node) ?? 0);
    const cutOut = outbound.length * 2 > (knownOut.get(node) ?? 0);
    if (!cutIn && !cutOut) continue;
    const direction: CutDirection = cutIn && cutOut ? "both" : cutIn ? "in" : "out";
    isolated.push({ node, direction, inbound, outbound });
  }

  const explained = new Set(isolated.map((entry) => entry.node));
  const groupOf = new Map((partition ?? []).flatMap((group, index) => group.map((node) => [node, index] as const)));
  const strayPairs = everyPairBroken
    ? []
    : brokenCells.filter((cell) => {
        if (explained.has(cell.observer) || explained.has(cell.peer)) return false;
        const a = groupOf.get(cell.observer);
        const b = groupOf.get(cell.peer);
        return a === undefined || b === undefined || a === b;
      });

  return { judged, brokenCells, everyPairBroken, partition, isolated, strayPairs };
}
