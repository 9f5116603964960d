// Runs the rules and arranges their findings: the root cause first, causes independent of it beside
// it (co-root causes), what follows from them under them, and notes that need no action.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { Finding, Severity } from "../model/finding.js";
import type { LinkCell } from "../model/links.js";
import { forgottenNodes } from "./forgotten.js";
import type { Rule, RuleContext } from "./rule.js";
import { RULES } from "./rules/index.js";

function groupCells(cells: readonly LinkCell[], keyOf: (cell: LinkCell) => string): Map<string, LinkCell[]> {
  const groups = new Map<string, LinkCell[]>();
  // Cells come row by row, so consecutive cells often share a key: look a key up once per run.
  let lastKey: string | null = null;
  let lastGroup: LinkCell[] = [];
  for (const cell of cells) {
    const key = keyOf(cell);
    if (key !== lastKey) {
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      lastKey = key;
      lastGroup = group;
    }
    lastGroup.push(cell);
  }
  return groups;
}

/**
 * Link cells grouped by a key, grouped on first use: a 1000-node cluster has a million cells, and
 * rules read the groups only for nodes that are already in trouble, so a healthy run never builds them.
 */
class CellGroups implements ReadonlyMap<string, readonly LinkCell[]> {
  private built: Map<string, LinkCell[]> | null = null;

  constructor(
    private readonly cells: readonly LinkCell[],
    private readonly keyOf: (cell: LinkCell) => string,
  ) {}

  private get groups(): Map<string, LinkCell[]> {
    return (this.built ??= groupCells(this.cells, this.keyOf));
  }

  get size(): number {
    return this.groups.size;
  }

  get(key: string): readonly LinkCell[] | undefined {
    return this.groups.get(key);
  }

  has(key: string): boolean {
    return this.groups.has(key);
  }

  forEach(visit: (cells: readonly LinkCell[], key: string, map: ReadonlyMap<string, readonly LinkCell[]>) => void): void {
    for (const [key, cells] of this.groups) visit(cells, key, this);
  }

  entries(): MapIterator<[string, readonly LinkCell[]]> {
    return this.groups.entries();
  }

  keys(): MapIterator<string> {
    return this.groups.keys();
  }

  values(): MapIterator<readonly LinkCell[]> {
    return this.groups.values();
  }

  [Symbol.iterator](): MapIterator<[string, readonly LinkCell[]]> {
    return this.groups[Symbol.iterator]();
  }
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

interface Ranked {
  finding: Finding;
  rule: Rule;
  order: number;
}

function byImportance(a: Ranked, b: Ranked): number {
  return SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] || a.order - b.order;
}

/** What the rules found, arranged: one root cause, independent causes beside it, what follows, notes. */
export interface Arranged {
  rootCause: Finding | null;
  coRootCauses: Finding[];
  consequences: Finding[];
  otherFindings: Finding[];
}

/** What the rules read besides the analysis: the context minus the lookups built here. */
export type RuleInputs = Omit<RuleContext, "analysis" | "forgotten" | "nodeAt" | "linksTo" | "linksFrom">;

export function ruleContext(analysis: ClusterAnalysis, inputs: RuleInputs): RuleContext {
  return {
    analysis,
    ...inputs,
    forgotten: forgottenNodes(analysis),
    nodeAt: new Map(analysis.nodes.map((node) => [node.address, node])),
    linksTo: new CellGroups(analysis.links, (cell) => cell.peer),
    linksFrom: new CellGroups(analysis.links, (cell) => cell.observer),
  };
}

const overlaps = (a: readonly string[], b: readonly string[]): boolean => a.some((node) => b.includes(node));

/**
 * The root cause is the most severe cause (with no cause, the most severe symptom stands in). Every
 * other cause that shares no node with a cause already placed is independent and enough on its own: a
 * co-root cause. Causes about nodes already named, and every symptom, follow from them. Notes (info)
 * need no action.
 */
export function arrange(ranked: readonly Ranked[]): Arranged {
  const sorted = [...ranked].sort(byImportance);
  const actionable = sorted.filter((entry) => entry.finding.severity !== "info");
  const root = actionable.find((entry) => entry.rule.kind === "cause") ?? actionable[0] ?? null;
  const placed: Finding[] = root ? [root.finding] : [];
  const arranged: Arranged = { rootCause: root?.finding ?? null, coRootCauses: [], consequences: [], otherFindings: [] };
  for (const entry of sorted) {
    if (entry === root) continue;
    if (entry.finding.severity === "info") arranged.otherFindings.push(entry.finding);
    else if (entry.rule.kind === "cause" && !placed.some((cause) => overlaps(cause.nodes, entry.finding.nodes))) {
      arranged.coRootCauses.push(entry.finding);
      placed.push(entry.finding);
    } else arranged.consequences.push(entry.finding);
  }
  return arranged;
}

export function runRules(context: RuleContext, rules: readonly Rule[] = RULES): Arranged {
  return arrange(rules.flatMap((rule, order) => rule.check(context).map((finding) => ({ finding, rule, order }))));
}
