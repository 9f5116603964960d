// Collecting what `check` diagnoses: one snapshot, and when that snapshot cannot decide (diagnose says
// why in `secondLook`), a second one a moment later that carries the first inside it, so the decision
// replays from the recorded file alone. The wait is bounded: about 2 s, never more than the node
// timeout, never less than half a second.
import { setTimeout as sleep } from "node:timers/promises";
import { collectSampled, collectSnapshot, withFirstLook, type CollectProgress } from "../collect/collect.js";
import type { ConnectionOptions } from "../collect/options.js";
import type { HostPort } from "../cluster/address.js";
import { diagnose, type DiagnosisResult } from "../diagnose/index.js";
import type { Snapshot } from "../model/snapshot.js";

const SECOND_LOOK_MS = 2000;
const MIN_SECOND_LOOK_MS = 500;

export interface CheckCollection {
  /** Take a baseline this long before the snapshot, for gossip rates (`--sample`). */
  sampleMs: number | null;
  /** Look again when one snapshot cannot decide (`--no-resample` turns it off). */
  resample: boolean;
}

export type CheckProgress = CollectProgress & { onSecondLook(waitMs: number, reasons: readonly string[]): void };

/** How long to wait before the second look: 2 s, capped by cluster-node-timeout. */
export function secondLookDelayMs(nodeTimeoutMs: number | null): number {
  return Math.max(MIN_SECOND_LOOK_MS, Math.min(SECOND_LOOK_MS, nodeTimeoutMs ?? SECOND_LOOK_MS));
}

/** The snapshot to report on, and its diagnosis when deciding on a second look already made it (diagnose is pure: no need to run it twice). */
export interface CheckCollected {
  snapshot: Snapshot;
  diagnosed: DiagnosisResult | null;
}

export async function collectForCheck(
  seeds: HostPort[],
  connection: ConnectionOptions,
  collection: CheckCollection,
  progress: CheckProgress,
): Promise<CheckCollected> {
  const first =
    collection.sampleMs === null ? await collectSnapshot(seeds, connection, progress) : await collectSampled(seeds, connection, collection.sampleMs, progress);
  if (!collection.resample) return { snapshot: first, diagnosed: null };
  const diagnosed = diagnose(first);
  const { analysis, diagnosis } = diagnosed;
  if (diagnosis.secondLook.length === 0) return { snapshot: first, diagnosed };
  const waitMs = secondLookDelayMs(analysis.nodeTimeoutMs);
  progress.onSecondLook(waitMs, diagnosis.secondLook);
  await sleep(Math.max(0, waitMs - (Date.now() - first.finishedAtMs)));
  return { snapshot: withFirstLook(await collectSnapshot(seeds, connection, progress), first, diagnosis.secondLook), diagnosed: null };
}
