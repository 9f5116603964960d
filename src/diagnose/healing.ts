// What answers again between two looks that belongs to the fault the second look still shows: only that
// says the fault heals. Links elsewhere can answer again while it stands (PINGs that a rule lifted
// inside one side of a partition held back), and that is no heal of it. Counting them read a standing
// partition as "recovering" in the compatibility matrix (Redis 6.2, 7.0, 7.4: {2,5} cut from {1,3,4,6});
// the partition became a note and the slots that both sides claimed after the failover across it stood
// as the root cause (test/fixtures/<server>-<version>/snapshots/partition-2-4.failed-over.rule-lifted).
// Pure.
import type { LinkCell } from "../model/links.js";
import type { BusPicture } from "./bus.js";
import type { LookComparison } from "./looks.js";

export interface Healing {
  /** Links broken in the first look that answer now and are part of the fault still seen. */
  healed: LinkCell[];
  /** Nodes whose bus port gave busdoctor no answer in the first look and answers now, of the fault still seen. */
  busAnswersAgain: string[];
}

/**
 * With nothing broken any more (or every pair broken), every heal counts. Otherwise a link counts when it
 * crosses the partition still seen, or touches a node still cut off or a pair still failing; a node's bus
 * answering busdoctor again counts when the node is one of those. (A partition that heals shows it in
 * links across it: busdoctor's own probes cannot say which side of it busdoctor's host is on.)
 */
export function healingOf(bus: BusPicture, looks: LookComparison): Healing {
  if (bus.brokenCells.length === 0 || bus.everyPairBroken) return { healed: looks.healed, busAnswersAgain: [...looks.busAnswersAgain] };
  const groupOf = new Map((bus.partition ?? []).flatMap((group, index) => group.map((node) => [node, index] as const)));
  const faultNodes = new Set([...bus.isolated.map((entry) => entry.node), ...bus.strayPairs.flatMap((cell) => [cell.observer, cell.peer])]);
  const crossesPartition = (cell: LinkCell): boolean => {
    const from = groupOf.get(cell.observer);
    const to = groupOf.get(cell.peer);
    return from !== undefined && to !== undefined && from !== to;
  };
  return {
    healed: looks.healed.filter((cell) => crossesPartition(cell) || faultNodes.has(cell.observer) || faultNodes.has(cell.peer)),
    busAnswersAgain: [...looks.busAnswersAgain].filter((node) => faultNodes.has(node)),
  };
}
