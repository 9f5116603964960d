// The page's chart columns: nodes that join late are padded with gaps, a replayed sample is not added
// twice, and thinned to the pixels each bucket keeps its worst value (a short fail never vanishes).
import { describe, expect, it } from "vitest";
import { SeriesStore } from "../../../src/dashboard/client/series.js";
import type { WirePoint, WireValues } from "../../../src/dashboard/wire.js";

const values = (state: number, pfail = 0, known = 6): WireValues => [state, pfail, 0, 10, 10, known, 1];
const point = (second: number, nodes: Record<string, WireValues>): WirePoint => ({ at: second * 1000, nodes });

describe("SeriesStore", () => {
  it("pads a node that joins late, and ignores a sample it already has", () => {
    const store = new SeriesStore();
    store.push(point(1, { a: values(1) }));
    store.push(point(2, { a: values(1), b: values(0) }));
    store.push(point(2, { a: values(0), b: values(0) }));
    expect(store.xs).toEqual([1, 2]);
    expect(store.nodes).toEqual(["a", "b"]);
    expect(store.signal(0)).toEqual([
      [1, 1],
      [null, 0],
    ]);
  });

  it("thins to about the points asked, each bucket at its last time with its worst value", () => {
    const store = new SeriesStore();
    for (let second = 1; second <= 10; second += 1) store.push(point(second, { a: values(second === 4 ? 0 : 1, second === 7 ? 5 : 0, second === 9 ? 4 : 6) }));
    const view = store.thinned(4);
    expect(view.xs).toEqual([3, 6, 9, 10]);
    expect(view.signal(0)).toEqual([[1, 0, 1, 1]]); // cluster_state: the lowest
    expect(view.signal(1)).toEqual([[0, 0, 5, 0]]); // slots pfail: the highest
    expect(view.signal(5)).toEqual([[6, 6, 4, 6]]); // known nodes: the lowest
    expect(store.thinned(100).xs).toBe(store.xs);
  });
});
