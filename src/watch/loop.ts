// The sampling loop: never two samples at once, one every interval (a late sample skips the ticks it
// missed rather than bunching up), plus an early follow-up when the state machine asks for one.
import { setTimeout as sleep } from "node:timers/promises";
import type { Snapshot } from "../model/snapshot.js";
import { step, type StepOutput, type WatchState } from "./machine.js";
import type { Sampler } from "./sampler.js";

/** Everything that acts on a sample's outcome: printing, metrics, history, webhooks, recording. */
export type Sink = (output: StepOutput, snapshot: Snapshot) => void;

export interface LoopOptions {
  intervalMs: number;
  /** Stops the loop (between samples) when aborted. */
  signal: AbortSignal;
  /** Stop after this long, or run until aborted. */
  durationMs: number | null;
}

/** Timers fire a little early or late; a sample this close to its tick is the tick's. */
const TICK_SLACK_MS = 5;

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // aborted: the loop's condition ends it
  }
}

export async function runLoop(sampler: Sampler, initial: WatchState, sinks: readonly Sink[], options: LoopOptions): Promise<WatchState> {
  let state = initial;
  const startedAt = Date.now();
  let nextTick = startedAt;
  const over = (): boolean => options.signal.aborted || (options.durationMs !== null && Date.now() - startedAt >= options.durationMs);
  while (!over()) {
    // A follow-up sample runs between ticks and leaves the regular schedule where it was.
    const regular = Date.now() >= nextTick - TICK_SLACK_MS;
    const snapshot = await sampler.sample();
    const output = step(state, snapshot);
    state = output.state;
    for (const address of output.probeBusOf) sampler.probeSuspect(address);
    for (const sink of sinks) sink(output, snapshot);
    const now = Date.now();
    if (regular) {
      nextTick += options.intervalMs;
      // A sample that ran past its tick (a node timing out) skips the missed ticks: no bunching up.
      if (nextTick <= now) nextTick = now + options.intervalMs - ((now - startedAt) % options.intervalMs);
    }
    const wait = Math.min(nextTick - now, output.followUpInMs ?? Number.POSITIVE_INFINITY);
    const left = options.durationMs === null ? wait : Math.min(wait, options.durationMs - (now - startedAt));
    await pause(left, options.signal);
  }
  return state;
}
