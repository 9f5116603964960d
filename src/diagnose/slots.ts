// Slot arithmetic over the 16384 hash slots, on ranges as CLUSTER NODES prints them (`0-5460`).
import type { SlotRange } from "../model/cluster.js";

export const SLOT_COUNT = 16384;

/** Ranges of the slots for which `covered[slot]` is 0. */
export function gaps(covered: Uint8Array): SlotRange[] {
  const ranges: SlotRange[] = [];
  let start = -1;
  for (let slot = 0; slot <= SLOT_COUNT; slot += 1) {
    const hole = slot < SLOT_COUNT && covered[slot] === 0;
    if (hole && start < 0) start = slot;
    if (!hole && start >= 0) {
      ranges.push({ start, end: slot - 1 });
      start = -1;
    }
  }
  return ranges;
}

export function formatRanges(ranges: readonly SlotRange[]): string {
  return ranges.map((range) => (range.start === range.end ? `${range.start}` : `${range.start}-${range.end}`)).join(",");
}

export function countSlots(ranges: readonly SlotRange[]): number {
  return ranges.reduce((sum, range) => sum + range.end - range.start + 1, 0);
}
