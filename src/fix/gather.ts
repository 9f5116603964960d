// The read-only shell of `fix`: a snapshot (check's own collector, unchanged) and the few extra
// read-only commands a plan or a check needs (CLUSTER COUNTKEYSINSLOT, CONFIG GET). Nothing here
// changes a cluster; the write-capable client is src/fix/client.ts, opened only with --apply.
import { setTimeout as sleep } from "node:timers/promises";
import type { HostPort } from "../cluster/address.js";
import { collectForCheck, type CheckProgress } from "../check/run.js";
import { collectSnapshot } from "../collect/collect.js";
import type { ConnectionOptions } from "../collect/options.js";
import { runSettings } from "../collect/runSettings.js";
import { analyze } from "../diagnose/analyze/index.js";
import { evidenceOf, readArgs, readKey, type FixEvidence, type ReadResult, type Reading } from "./evidence.js";
import type { ExtraRead } from "./model.js";
import { extraReadsFor, needsSecondReading } from "./plan/index.js";
import { readCluster } from "./reading.js";
import { hostnamesOf, runOn, type SessionSettings } from "./session.js";
import type { CommandResult, Snapshot } from "../model/snapshot.js";

/** How fix connects and what it may dial: the same settings and seed scope as check's collector. */
export async function sessionSettingsFor(seeds: readonly HostPort[], options: ConnectionOptions): Promise<SessionSettings> {
  const { client, admit } = await runSettings(seeds, options);
  return { client, admit };
}

/** One session per node, the node's reads in one pipeline; a node that fails yields failed results. */
export async function readExtras(requests: ReadonlyArray<{ address: string; read: ExtraRead }>, settings: SessionSettings): Promise<ReadResult[]> {
  const byAddress = new Map<string, ExtraRead[]>();
  const seen = new Set<string>();
  for (const { address, read } of requests) {
    if (seen.has(readKey(address, read))) continue;
    seen.add(readKey(address, read));
    byAddress.set(address, [...(byAddress.get(address) ?? []), read]);
  }
  const perNode = await Promise.all(
    [...byAddress].map(async ([address, reads]): Promise<ReadResult[]> => {
      const results = await runOn(address, reads.map(readArgs), settings);
      return reads.map((read, index) => ({ address, read, result: results[index] as CommandResult }));
    }),
  );
  return perNode.flat();
}

export interface Gatherer {
  /** For a plan: what `check` collects (with its second look when one cannot decide the phase), plus the plan's reads. */
  forPlan(): Promise<Reading>;
  /** Right before or after a step: one snapshot, plus the plan's reads and `also` (what the step's checks need). */
  now(also: ReadonlyArray<{ address: string; read: ExtraRead }>): Promise<Reading>;
}

export async function createGatherer(seeds: HostPort[], options: ConnectionOptions, progress: CheckProgress): Promise<Gatherer> {
  const settings = await sessionSettingsFor(seeds, options);
  const withReads = async (snapshot: Snapshot, also: ReadonlyArray<{ address: string; read: ExtraRead }>): Promise<Reading> => {
    const analysis = analyze(snapshot);
    const planned = extraReadsFor(readCluster({ snapshot, reads: [] }, analysis));
    return { snapshot, reads: await readExtras([...planned, ...also], { ...settings, hostnames: hostnamesOf(analysis) }) };
  };
  return {
    forPlan: async () => withReads((await collectForCheck(seeds, options, { sampleMs: null, resample: true }, progress)).snapshot, []),
    now: async (also) => withReads(await collectSnapshot(seeds, options, progress), also),
  };
}

/**
 * The evidence for a plan: one reading, or, when a slot is open, two readings `intervalMs` apart so
 * that the plan can tell an idle open slot (an interrupted migration) from a migration in progress.
 */
export async function gatherEvidence(gatherer: Gatherer, intervalMs: number, onWait?: (ms: number) => void): Promise<FixEvidence> {
  const first = await gatherer.forPlan();
  if (!needsSecondReading(readCluster(first))) return evidenceOf(first);
  onWait?.(intervalMs);
  await sleep(intervalMs);
  return evidenceOf(await gatherer.forPlan(), first);
}
