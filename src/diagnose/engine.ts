// Runs the rules and arranges their findings: one root cause first, what follows from it under it.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { Diagnosis, Finding, Health, Severity } from "../model/finding.js";
import type { LinkCell } from "../model/links.js";
import { readBus } from "./bus.js";
import type { GossipRates } from "./gossipRates.js";
import type { Rule, RuleContext } from "./rule.js";
import { RULES } from "./rules/index.js";

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

interface Ranked {
  finding: Finding;
  rule: Rule;
  order: number;
}

function byImportance(a: Ranked, b: Ranked): number {
  return SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] || a.order - b.order;
}

function healthOf(findings: readonly Finding[]): Health {
  if (findings.some((finding) => finding.severity === "critical")) return "critical";
  if (findings.some((finding) => finding.severity === "warning")) return "warning";
  return "healthy";
}

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

export function runRules(analysis: ClusterAnalysis, rates: GossipRates | null, rules: readonly Rule[] = RULES): Diagnosis {
  const context: RuleContext = {
    analysis,
    bus: readBus(analysis),
    rates,
    nodeAt: new Map(analysis.nodes.map((node) => [node.address, node])),
    linksTo: new CellGroups(analysis.links, (cell) => cell.peer),
    linksFrom: new CellGroups(analysis.links, (cell) => cell.observer),
  };
  const ranked: Ranked[] = rules.flatMap((rule, order) => rule.check(context).map((finding) => ({ finding, rule, order })));
  const actionable = ranked.filter((entry) => entry.finding.severity !== "info");
  // The root cause is the most severe cause; with no cause, the most severe symptom stands in.
  const causes = actionable.filter((entry) => entry.rule.kind === "cause").sort(byImportance);
  const root = causes[0] ?? [...actionable].sort(byImportance)[0] ?? null;
  const rootNodes = new Set(root?.finding.nodes ?? []);
  const consequences: Finding[] = [];
  const otherFindings: Finding[] = [];
  for (const entry of [...ranked].sort(byImportance)) {
    if (entry === root) continue;
    const follows =
      root !== null &&
      entry.finding.severity !== "info" &&
      (entry.rule.kind === "symptom" || (entry.order > root.order && entry.finding.nodes.some((node) => rootNodes.has(node))));
    (follows ? consequences : otherFindings).push(entry.finding);
  }
  return {
    health: healthOf(ranked.map((entry) => entry.finding)),
    rootCause: root?.finding ?? null,
    consequences,
    otherFindings,
  };
}
