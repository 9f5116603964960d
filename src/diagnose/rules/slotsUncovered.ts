// SLOTS_UNCOVERED: in some node's own view, slots have no master, or their master is flagged
// `fail`. Views with the same gap are grouped, so ten nodes that agree make one line of evidence.
import type { NodeView } from "../../model/analysis.js";
import type { ClusterNodeEntry, SlotRange } from "../../model/cluster.js";
import type { Evidence, Fix } from "../../model/finding.js";
import { SLOT_COUNT, countSlots, formatRanges, gaps } from "../slots.js";
import type { Rule, RuleContext } from "../rule.js";
import { joinNames } from "../words.js";

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

/** The masters a view lists for the slots of `ranges`, flagged fail: whose slots these were. */
function ownersIn(view: NodeView, ranges: readonly SlotRange[]): ClusterNodeEntry[] {
  return (view.nodes ?? []).filter(
    (entry) =>
      entry.role === "master" &&
      entry.flags.includes("fail") &&
      entry.slots.some((slot) => ranges.some((range) => slot.start <= range.end && range.start <= slot.end)),
  );
}

/**
 * The fix depends on whose slots they are. A failed master that answers (its bus is cut) still holds
 * the keys: its slots come back once the bus works, and nothing may reassign them. A master that is
 * down comes back with its data when restarted; only when it cannot do slots need a new, empty owner.
 * Slots nobody ever owned just need one.
 */
function fixFor(context: RuleContext, view: NodeView, ranges: readonly SlotRange[], observer: string): Fix {
  const owners = ownersIn(view, ranges).map((entry) => context.nodeAt.get(entry.address) ?? null);
  if (owners.length === 0) {
    return { where: "no node owns them", lines: [`redis-cli --cluster fix ${observer}   # assigns slots no master ever owned (no data to lose)`] };
  }
  const down = owners.filter((owner) => owner !== null && owner.response.kind !== "answering");
  if (down.length === 0 || down.length < owners.length) {
    return {
      where: "after the cause is fixed",
      lines: [
        "# their master still holds the keys: the slots come back by themselves once it is reachable on the bus",
        `redis-cli --cluster check ${observer}`,
      ],
    };
  }
  const names = joinNames(down.map((owner) => owner?.address ?? ""));
  return {
    where: `their master ${names} is down and no replica took over`,
    lines: [
      `# start ${names} again: it serves the slots with its data`,
      `# only if it cannot come back, give the slots a new, empty owner (their keys are lost):`,
      `redis-cli --cluster fix ${observer}`,
    ],
  };
}

export const slotsUncovered: Rule = {
  code: "SLOTS_UNCOVERED",
  kind: "symptom",
  check(context) {
    const { analysis } = context;
    const byGap = new Map<string, { ranges: SlotRange[]; observers: string[]; view: NodeView }>();
    const covered = new Uint8Array(SLOT_COUNT);
    for (const view of analysis.views) {
      // A node that forgot the cluster sees every slot uncovered: that is not the cluster's coverage.
      if (context.forgotten.has(view.observer)) continue;
      const ranges = uncoveredIn(view, covered);
      if (ranges.length === 0) continue;
      const gap = formatRanges(ranges);
      const group = byGap.get(gap);
      if (group) group.observers.push(view.observer);
      else byGap.set(gap, { ranges, observers: [view.observer], view });
    }
    if (byGap.size === 0) return [];
    const evidence: Evidence[] = [...byGap].map(([gap, group]) => ({
      source: group.observers.join(", "),
      what: "CLUSTER NODES",
      detail: `slots ${gap} have no master that is up (${countSlots(group.ranges)} slots)`,
    }));
    const observers = [...byGap.values()].flatMap((group) => group.observers);
    const [[firstGap, firstGroup]] = [...byGap] as [[string, { ranges: SlotRange[]; observers: string[]; view: NodeView }]];
    return [
      {
        code: "SLOTS_UNCOVERED",
        severity: "critical",
        nodes: observers,
        summary: `slots ${firstGap} are not covered in the view of ${observers.length} node(s)`,
        evidence,
        explanation:
          "Keys in uncovered slots cannot be served: their master is failed (and no replica was promoted yet) or no node owns them. With cluster-require-full-coverage yes (the default) the whole node then answers CLUSTERDOWN.",
        fix: [fixFor(context, firstGroup.view, firstGroup.ranges, observers[0] ?? firstGroup.view.observer)],
      },
    ];
  },
};
