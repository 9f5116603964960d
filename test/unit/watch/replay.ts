// Loads a recorded watch fixture (real samples, see fixtures/record-samples.ts) and replays it through
// the state machine, as the watch loop would have, collecting every event.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { Snapshot } from "../../../src/model/snapshot.js";
import type { WatchEvent } from "../../../src/model/events.js";
import { initialState, step, type StepOutput } from "../../../src/watch/machine.js";

export interface RecordingMeta {
  name: string;
  nodeTimeoutMs: number;
  /** Tool clock (ms) just before the fault was injected, and once the injection returned. */
  faultAt: number;
  faultApplied: number;
  healAt: number;
  faulty: string;
}

export interface Recording {
  meta: RecordingMeta;
  snapshots: Snapshot[];
}

const fixture = (file: string): URL => new URL(`./fixtures/${file}`, import.meta.url);

export function loadRecording(name: string): Recording {
  const meta = JSON.parse(readFileSync(fixture(`${name}.meta.json`), "utf8")) as RecordingMeta;
  const lines = gunzipSync(readFileSync(fixture(`${name}.jsonl.gz`)))
    .toString("utf8")
    .trim()
    .split("\n");
  return { meta, snapshots: lines.map((line) => JSON.parse(line) as Snapshot) };
}

export interface Replay {
  events: WatchEvent[];
  outputs: StepOutput[];
}

export function replay(snapshots: readonly Snapshot[]): Replay {
  let state = initialState();
  const events: WatchEvent[] = [];
  const outputs: StepOutput[] = [];
  for (const snapshot of snapshots) {
    const output = step(state, snapshot);
    state = output.state;
    events.push(...output.events);
    outputs.push(output);
  }
  return { events, outputs };
}
