import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createProgress, PROGRESS_DELAY_MS, type ProgressStream } from "../../../src/render/progress.js";

/** A stream that records what was written, as a terminal or a pipe would receive it. */
function recorder(isTTY: boolean, columns = 80): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return {
    isTTY,
    columns,
    writes,
    write(chunk: string) {
      writes.push(chunk);
      return true;
    },
  };
}

const CLEAR = "\r\x1b[K";

// Fake timers make the delay deterministic: nothing here depends on how fast the machine is.
beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("createProgress", () => {
  const silent: Array<[string, boolean, boolean]> = [
    ["not a TTY (pipe, log file)", false, true],
    ["disabled by the caller (--json, --quiet)", true, false],
  ];
  it.each(silent)("draws nothing when %s", (_, isTTY, enabled) => {
    const stream = recorder(isTTY);
    const progress = createProgress(stream, enabled);
    progress.update("probing 6 nodes");
    vi.advanceTimersByTime(5 * PROGRESS_DELAY_MS);
    progress.done();
    expect(stream.writes).toEqual([]);
  });

  it("draws nothing when the work ends before the delay", () => {
    const stream = recorder(true);
    const progress = createProgress(stream, true);
    progress.update("probing 6 nodes");
    vi.advanceTimersByTime(PROGRESS_DELAY_MS - 1);
    progress.done();
    vi.advanceTimersByTime(5 * PROGRESS_DELAY_MS);
    expect(stream.writes).toEqual([]);
  });

  it("after the delay redraws one line with \\r, follows updates, and clears it at the end", () => {
    const stream = recorder(true);
    const progress = createProgress(stream, true);
    progress.update("probing 6 nodes");
    vi.advanceTimersByTime(PROGRESS_DELAY_MS);
    expect(stream.writes).toEqual([`${CLEAR}| probing 6 nodes`]);
    progress.update("waiting for 127.0.0.3:6379");
    expect(stream.writes.at(-1)).toBe(`${CLEAR}/ waiting for 127.0.0.3:6379`);
    vi.advanceTimersByTime(100);
    expect(stream.writes.at(-1)).toBe(`${CLEAR}- waiting for 127.0.0.3:6379`);
    expect(stream.writes.every((chunk) => !chunk.includes("\n"))).toBe(true);
    progress.done();
    expect(stream.writes.at(-1)).toBe(CLEAR);
    const count = stream.writes.length;
    vi.advanceTimersByTime(1000);
    progress.update("late");
    progress.done();
    expect(stream.writes).toHaveLength(count);
  });

  it("never writes past the terminal's width", () => {
    const stream = recorder(true, 20);
    const progress = createProgress(stream, true);
    progress.update("probing 127.0.0.1:6379 127.0.0.2:6379 127.0.0.3:6379");
    vi.advanceTimersByTime(PROGRESS_DELAY_MS);
    expect(stream.writes).toEqual([`${CLEAR}| probing 127.0.0.1`]); // 19 columns of 20
  });
});
