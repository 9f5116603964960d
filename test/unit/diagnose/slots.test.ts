import { describe, expect, it } from "vitest";
import { SLOT_COUNT, countSlots, formatRanges, gaps } from "../../../src/diagnose/slots.js";

function coverage(ranges: Array<[number, number]>): Uint8Array {
  const covered = new Uint8Array(SLOT_COUNT);
  for (const [start, end] of ranges) covered.fill(1, start, end + 1);
  return covered;
}

describe("gaps", () => {
  it.each([
    { name: "full coverage", covered: [[0, 16383]] as Array<[number, number]>, expected: "" },
    { name: "nothing covered", covered: [], expected: "0-16383" },
    {
      name: "middle master missing",
      covered: [
        [0, 5460],
        [10923, 16383],
      ] as Array<[number, number]>,
      expected: "5461-10922",
    },
    { name: "single slots at both ends", covered: [[1, 16382]] as Array<[number, number]>, expected: "0,16383" },
  ])("$name", ({ covered, expected }) => {
    expect(formatRanges(gaps(coverage(covered)))).toBe(expected);
  });

  it("counts slots in ranges", () => {
    expect(
      countSlots([
        { start: 0, end: 5460 },
        { start: 16383, end: 16383 },
      ]),
    ).toBe(5462);
  });
});
