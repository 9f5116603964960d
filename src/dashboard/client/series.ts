// The charts' data, column by column as uPlot takes it: one time column (seconds) and, per node, one
// column per signal. Appending a sample is O(nodes); nodes that join late are padded with gaps.
import { SIGNAL_NAMES, type WirePoint } from "../wire.js";

export type Column = Array<number | null>;

/** As many points as the server keeps (15 minutes at 1 s), with room for a longer interval. */
const CAPACITY = 3600;

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
        this.nodes.push(address);
        this.columns.set(address, SIGNAL_NAMES.map(() => new Array<number | null>(this.xs.length - 1).fill(null)));
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
}
