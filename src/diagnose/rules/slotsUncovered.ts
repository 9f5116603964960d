// SLOTS_UNCOVERED: in some node's own view, slots have no master, or their master is flagged
// `fail`. Views with the same gap are grouped, so ten nodes that agree make one line of evidence.
import type { NodeView } from "../../model/analysis.js";
import type { ClusterNodeEntry, SlotRange } from "../../model/cluster.js";
import type { Evidence } from "../../model/finding.js";
import { SLOT_COUNT, countSlots, formatRanges, gaps } from "../slots.js";
import type { Rule } from "../rule.js";

/**
 * `covered` is scratch space reused view after view (a 1000-node cluster has 1000 views). Plain
 * indexed loops: over a million entries, for...of in code not yet optimized allocates a result per
 * step, and a callback per master would be half a million closures.
 */
function uncoveredIn(view: NodeView, covered: Uint8Array): SlotRange[] {
  if (!view.nodes) return [];
  covered.fill(0);
  for (let entryIndex = 0; entryIndex < view.nodes.length; entryIndex += 1) {
    const entry = view.nodes[entryIndex] as ClusterNodeEntry;
    if (entry.role !== "master" || entry.flags.includes("fail")) continue;
    for (let rangeIndex = 0; rangeIndex < entry.slots.length; rangeIndex += 1) {
      const range = entry.slots[rangeIndex] as SlotRange;
      covered.fill(1, range.start, range.end + 1);
    }
  }
  // The usual full coverage is settled by one native scan instead of a slot-by-slot walk.
  return covered.indexOf(0) === -1 ? [] : gaps(covered);
}

export const slotsUncovered: Rule = {
  code: "SLOTS_UNCOVERED",
  kind: "symptom",
  check({ analysis }) {
    const byGap = new Map<string, { ranges: SlotRange[]; observers: string[] }>();
    const covered = new Uint8Array(SLOT_COUNT);
    for (const view of analysis.views) {
      const ranges = uncoveredIn(view, covered);
      if (ranges.length === 0) continue;
      const gap = formatRanges(ranges);
      const group = byGap.get(gap);
      if (group) group.observers.push(view.observer);
      else byGap.set(gap, { ranges, observers: [view.observer] });
    }
    if (byGap.size === 0) return [];
    const evidence: Evidence[] = [...byGap].map(([gap, group]) => ({
      source: group.observers.join(", "),
      what: "CLUSTER NODES",
      detail: `slots ${gap} have no master that is up (${countSlots(group.ranges)} slots)`,
    }));
    const observers = [...byGap.values()].flatMap((group) => group.observers);
    const [firstGap] = byGap.keys();
    return [
      {
        code: "SLOTS_UNCOVERED",
        severity: "critical",
        nodes: observers,
        summary: `slots ${firstGap} are not covered in the view of ${observers.length} node(s)`,
        evidence,
        explanation:
          "Keys in uncovered slots cannot be served: their master is failed (and no replica was promoted yet) or no node owns them. With cluster-require-full-coverage yes (the default) the whole node then answers CLUSTERDOWN.",
        fix: [
          {
            where: "after the cause is fixed",
            lines: [
              `redis-cli --cluster check ${observers[0]}`,
              `redis-cli --cluster fix ${observers[0]}   # assigns orphan slots; only once every node is reachable on its bus`,
            ],
          },
        ],
      },
    ];
  },
};

