// Two masters claiming the same slots in their own views: the lower configEpoch is the stale one, and
// it yields once the bus connects them. busdoctor names it and never changes epochs.
import type { SlotRange } from "../../model/cluster.js";
import { formatRanges } from "../../diagnose/slots.js";
import { EMPTY, redisCli, type PartPlan, type PlanContext, type StepDraft } from "./context.js";

/**
 * Two answering masters whose own lines claim the same slot: the lower configEpoch is the stale one.
 * A stale claimant in cluster_state:fail takes no writes (CLUSTERDOWN): a note names it. One that
 * reports ok may be taking writes that will be lost: that is a data-risk step to read.
 */
export function splitBrainPlan(context: PlanContext): PartPlan {
  const claims = context.views.filter((view) => view.own.role === "master" && view.own.slots.length > 0);
  const steps: StepDraft[] = [];
  const notes: string[] = [];
  for (let a = 0; a < claims.length; a += 1) {
    for (let b = a + 1; b < claims.length; b += 1) {
      const first = claims[a];
      const second = claims[b];
      if (!first || !second) continue;
      const shared = overlap(first.own.slots, second.own.slots);
      if (shared.length === 0) continue;
      const [stale, winner] = first.own.configEpoch <= second.own.configEpoch ? [first, second] : [second, first];
      const tie = first.own.configEpoch === second.own.configEpoch;
      const slots = formatRanges(shared);
      if (!tie && stale.view.info?.state !== "ok") {
        notes.push(
          `split brain, stale side named by configEpoch: ${stale.node.address} (configEpoch ${stale.own.configEpoch}) still claims slots ${slots} in its own view, ${winner.node.address} (configEpoch ${winner.own.configEpoch}) serves them; ${stale.node.address} reports cluster_state:${stale.view.info?.state ?? "unknown"} and so takes no writes, and it yields once the bus connects them (busdoctor never changes epochs)`,
        );
        continue;
      }
      steps.push({
        code: "RESOLVE_SPLIT_BRAIN",
        class: "data-risk",
        by: "operator",
        title: tie
          ? `${first.node.address} and ${second.node.address} both claim slots ${slots} with configEpoch ${first.own.configEpoch}`
          : `${stale.node.address} (configEpoch ${stale.own.configEpoch}) is the stale claimant of slots ${slots}; ${winner.node.address} (configEpoch ${winner.own.configEpoch}) wins once the bus connects them`,
        targets: [stale.node.address],
        commands: [
          `# nothing to run: once the bus works between them, ${stale.node.address} yields slots ${slots} and becomes a replica`,
          `# to keep writes ${stale.node.address} accepted since the split, copy them out first: ${redisCli(context, stale.node.address, ["--scan"])}`,
          `# busdoctor never changes epochs: CLUSTER BUMPEPOCH on ${stale.node.address} would make it win instead and discard ${winner.node.address}'s writes`,
        ],
        where: null,
        action: null,
        why: [
          { source: stale.node.address, what: "CLUSTER NODES (myself)", detail: stale.own.line },
          { source: winner.node.address, what: "CLUSTER NODES (myself)", detail: winner.own.line },
        ],
        preconditions: [],
        expect: [],
        verifyWithinMs: 0,
        verify: "busdoctor fix again: one master per slot",
        risk: tie
          ? "Redis breaks the tie by node id (the lower id takes a new epoch); whichever side yields loses the writes it took since the split."
          : `Writes ${stale.node.address} accepted since the split are lost when it yields to the higher configEpoch.`,
        undo: [],
        alternatives: [],
      });
    }
  }
  return { ...EMPTY, steps, notes };
}

function overlap(a: readonly SlotRange[], b: readonly SlotRange[]): SlotRange[] {
  const ranges: SlotRange[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (start <= end) ranges.push({ start, end });
    }
  }
  return ranges.sort((x, y) => x.start - y.start);
}
