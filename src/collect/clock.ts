// Durations are measured on the monotonic clock and rounded to 0.1 ms: loopback round trips are
// well under a millisecond, so whole milliseconds would record them all as 0.
export function elapsedMs(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}
