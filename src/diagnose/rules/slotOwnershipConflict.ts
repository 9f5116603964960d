// SLOT_OWNERSHIP_CONFLICT: two nodes each claim the same slot in their own view (their `myself`
// line), e.g. an isolated old master still serving 0-5460 after its replica was promoted for them:
//   old master:  9f0e... 127.0.0.3:6379@16379 myself,master - 0 0 3 connected 10923-16383
//   promoted:    7c2d... 127.0.0.6:6379@16379 myself,master - 0 0 7 connected 10923-16383
import type { Evidence } from "../../model/finding.js";
import type { SlotRange } from "../../model/cluster.js";
import { SLOT_COUNT, countSlots, formatRanges, gaps } from "../slots.js";
import type { Rule } from "../rule.js";

export const slotOwnershipConflict: Rule = {
  code: "SLOT_OWNERSHIP_CONFLICT",
  kind: "symptom",
  check({ analysis }) {
    const owner = new Int32Array(SLOT_COUNT).fill(-1);
    // 1 where `owner` is set: a range no claim reached yet (every range, in a healthy cluster) is found
    // by one native scan and filled at once, instead of a walk slot by slot in code not yet optimized.
    const claimed = new Uint8Array(SLOT_COUNT);
    const conflicts = new Map<string, Uint8Array>(); // "a|b" -> slots both claim (1 = claimed by both)
    const claims = analysis.views.map((view) => (view.nodes ?? []).find((entry) => entry.myself && entry.role === "master") ?? null);
    claims.forEach((claim, index) => {
      for (const range of claim?.slots ?? []) {
        const firstClaimed = claimed.indexOf(1, range.start);
        if (firstClaimed === -1 || firstClaimed > range.end) {
          owner.fill(index, range.start, range.end + 1);
          claimed.fill(1, range.start, range.end + 1);
          continue;
        }
        for (let slot = range.start; slot <= range.end; slot += 1) {
          const previous = owner[slot] ?? -1;
          if (previous >= 0 && previous !== index) {
            const key = `${previous}|${index}`;
            const marks = conflicts.get(key) ?? new Uint8Array(SLOT_COUNT).fill(1);
            marks[slot] = 0;
            conflicts.set(key, marks);
          } else {
            owner[slot] = index;
            claimed[slot] = 1;
          }
        }
      }
    });
    if (conflicts.size === 0) return [];
    const evidence: Evidence[] = [];
    const nodes = new Set<string>();
    for (const [key, marks] of conflicts) {
      const [a, b] = key.split("|").map(Number);
      const first = analysis.views[a ?? 0];
      const second = analysis.views[b ?? 0];
      if (!first || !second) continue;
      // gaps() finds the zero runs, which here are the slots both claim.
      const shared: SlotRange[] = gaps(marks);
      nodes.add(first.observer).add(second.observer);
      evidence.push({
        source: "busdoctor",
        what: "CLUSTER NODES (myself lines)",
        detail: `${first.observer} (epoch ${claims[a ?? 0]?.configEpoch}) and ${second.observer} (epoch ${claims[b ?? 0]?.configEpoch}) both claim slots ${formatRanges(shared)} (${countSlots(shared)} slots)`,
      });
    }
    return [
      {
        code: "SLOT_OWNERSHIP_CONFLICT",
        severity: "critical",
        nodes: [...nodes],
        summary: `${nodes.size} masters claim the same slots in their own views`,
        evidence,
        explanation:
          "Each master claims its slots in its own view. Two claims on one slot mean a failover happened that one side never heard of (an isolated old master), or slots were assigned by hand on both. The claim with the higher config epoch wins once the bus carries the update between them.",
        fix: [
          {
            where: "once the bus works between them",
            lines: [
              "# the node with the lower config epoch yields by itself as soon as it hears the other: open the bus, then",
              `redis-cli --cluster check ${[...nodes][0] ?? "<any node>"}`,
            ],
          },
        ],
      },
    ];
  },
};
