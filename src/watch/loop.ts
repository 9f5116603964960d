// The sampling loop: never two samples at once, one every interval (a late sample skips the ticks it
// missed rather than bunching up), plus an early follow-up when the state machine asks for one. Each
// sample's outcome goes to every sink; a sink that throws is reported (outputFailures.ts) and the loop
// goes on: a full disk under the history never ends the monitor.
import { setTimeout as sleep } from "node:timers/promises";
import type { Snapshot } from "../model/snapshot.js";
import { step, type StepOutput, type WatchState } from "./machine.js";
import type { OutputName } from "./outputFailures.js";

/** One output acting on a sample's outcome: printing, metrics, history, webhooks, recording. */
export interface Sink {
  output: OutputName;
  take(output: StepOutput, snapshot: Snapshot): void;
}

/** Where samples come from: the Sampler, or recorded snapshots in a test. */
export interface SampleSource {
  sample(): Promise<Snapshot>;
  /** The state machine asks for a bus probe of a node it suspects. */
  probeSuspect(address: string): void;
}

export interface LoopOptions {
  intervalMs: number;
  /** Stops the loop (between samples) when aborted. */
  signal: AbortSignal;
  /** Stop after this long, or run until aborted. */
  durationMs: number | null;
  /** A sink threw: count and report it (the loop has already moved on to the next sink). */
  onSinkFailure(output: OutputName, error: unknown): void;
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

export async function runLoop(sampler: SampleSource, initial: WatchState, sinks: readonly Sink[], options: LoopOptions): Promise<WatchState> {
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
    for (const sink of sinks) {
      try {
        sink.take(output, snapshot);
      } catch (error) {
        options.onSinkFailure(sink.output, error);
      }
    }
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
