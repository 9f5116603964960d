// The charts' data, column by column as uPlot takes it: one time column (seconds) and, per node, one
// column per signal. Appending a sample is O(nodes); nodes that join late are padded with gaps.
import { byAddress, SIGNAL_NAMES, type WirePoint } from "../wire.js";

export type Column = Array<number | null>;

/** As many points as the server keeps (15 minutes at 1 s), with room for a longer interval. */
const CAPACITY = 3600;

/**
 * How a bucket of samples is drawn when there are more samples than pixels: the worst value in it,
 * so that a one-second cluster_state:fail or PFAIL never disappears between two pixels. Indexes as
 * in WireValues: cluster_state and known_nodes at their lowest, the rest at their highest.
 */
const WORST: Array<(a: number, b: number) => number> = [Math.min, Math.max, Math.max, Math.max, Math.max, Math.min, Math.max];

function bucketed(column: Column, size: number, worst: (a: number, b: number) => number): Column {
  const out: Column = [];
  for (let start = 0; start < column.length; start += size) {
    let value: number | null = null;
    for (let index = start; index < Math.min(column.length, start + size); index += 1) {
      const next = column[index];
      if (next !== null && next !== undefined) value = value === null ? next : worst(value, next);
    }
    out.push(value);
  }
  return out;
}

export class SeriesStore {
  xs: number[] = [];
  readonly nodes: string[] = [];
  private readonly columns = new Map<string, Column[]>();
  private last: WirePoint | undefined;

  reset(points: readonly WirePoint[]): void {
    this.xs = [];
    this.nodes.length = 0;
    this.columns.clear();
    this.last = undefined;
    for (const point of points) this.push(point);
  }

  push(point: WirePoint): void {
    if (this.xs.length > 0 && point.at / 1000 <= (this.xs.at(-1) ?? 0)) return; // a replayed sample
    this.xs.push(point.at / 1000);
    this.last = point;
    for (const address of Object.keys(point.nodes)) {
      if (!this.columns.has(address)) {
        // In address order, as the matrix numbers them: the legend reads in the same order.
        this.nodes.push(address);
        this.nodes.sort(byAddress);
        this.columns.set(
          address,
          SIGNAL_NAMES.map(() => new Array<number | null>(this.xs.length - 1).fill(null)),
        );
      }
    }
    for (const [address, columns] of this.columns) {
      const values = point.nodes[address];
      columns.forEach((column, signal) => column.push(values?.[signal] ?? null));
    }
    if (this.xs.length > CAPACITY) {
      this.xs.shift();
      for (const columns of this.columns.values()) for (const column of columns) column.shift();
    }
  }

  lastPoint(): WirePoint | undefined {
    return this.last;
  }

  /** One signal's column for every node, in node order. */
  signal(index: number): Column[] {
    return this.nodes.map((address) => this.columns.get(address)?.[index] ?? []);
  }

  /** The time column and a signal's columns with at most about `points` points (buckets of samples, each at its last time). */
  thinned(points: number): { xs: number[]; signal: (index: number) => Column[] } {
    const size = Math.max(1, Math.ceil(this.xs.length / Math.max(1, points)));
    if (size === 1) return { xs: this.xs, signal: (index) => this.signal(index) };
    const xs = this.xs.filter((_, index) => index % size === size - 1 || index === this.xs.length - 1);
    return { xs, signal: (index) => this.signal(index).map((column) => bucketed(column, size, WORST[index] ?? Math.max)) };
  }
}
