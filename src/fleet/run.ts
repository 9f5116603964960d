// Many clusters in one watch (`busdoctor watch --clusters clusters.yaml`): each cluster has its own
// sampler, state machine and loop, so a cluster whose nodes hang costs its own loop a timeout per sample
// and never delays another's; they share the process's outlets (src/watch/outlets.ts): one /metrics
// (every series labelled with its cluster) and /sd, the Alertmanager push, the webhooks. Each keeps its
// own history database. The live dashboard shows one cluster: a fleet serves none.
import { basename, dirname, extname, join } from "node:path";
import type { HostPort } from "../cluster/address.js";
import type { ConnectionOptions } from "../collect/options.js";
import { HistoryStore } from "../history/store.js";
import { runLoop } from "../watch/loop.js";
import { initialState } from "../watch/machine.js";
import { Outlets, type OutletIo, type WatchOutputOptions } from "../watch/outlets.js";
import { Sampler } from "../watch/sampler.js";

export interface FleetCluster {
  name: string;
  seeds: HostPort[];
  connection: ConnectionOptions;
}

export interface FleetOptions extends WatchOutputOptions {
  clusters: FleetCluster[];
}

export interface RunningFleet {
  done: Promise<void>;
  stop(): void;
}

/** The history database of one cluster of a fleet: history.db -> history-payments.db, beside it. */
export function clusterHistoryPath(path: string, cluster: string): string {
  const extension = extname(path);
  return join(dirname(path), `${basename(path, extension)}-${cluster}${extension || ".db"}`);
}

async function watchCluster(cluster: FleetCluster, options: FleetOptions, outlets: Outlets, signal: AbortSignal, io: OutletIo): Promise<void> {
  const say = (line: string): void => io.stderr(`cluster ${cluster.name}: ${line}`);
  const store = options.history === null ? null : HistoryStore.open(clusterHistoryPath(options.history.path, cluster.name), options.history.options);
  let sampler: Sampler | null = null;
  try {
    sampler = await Sampler.open(cluster.seeds, cluster.connection, {
      onMembership: (change) => {
        for (const member of change.added) say(`node ${member.address} joined the sampled set`);
        for (const member of change.removed) say(`node ${member.address} is no longer listed by any node: no longer sampled`);
      },
    });
    say(`watching from ${cluster.seeds.map((seed) => `${seed.host}:${seed.port}`).join(", ")} every ${options.intervalMs} ms`);
    const sinks = outlets.sinksFor(cluster.name, `[${cluster.name}] `, store);
    await runLoop(sampler, initialState(store?.nextIncidentId() ?? 1), sinks, { intervalMs: options.intervalMs, signal, durationMs: options.durationMs });
  } finally {
    sampler?.close();
    store?.close();
  }
}

/**
 * Starts every cluster's watch. A cluster that cannot be reached keeps being sampled (its nodes show as
 * down, reconnected in the background) while the others go on; the fleet ends when stopped, or when a
 * cluster's loop fails (a history that cannot be written), which stops the others.
 */
export async function startFleet(options: FleetOptions, io: OutletIo): Promise<RunningFleet> {
  const outlets = await Outlets.open(options, io);
  const abort = new AbortController();
  io.stderr(`watching ${options.clusters.length} cluster(s): ${options.clusters.map((cluster) => cluster.name).join(", ")}`);
  const loops = options.clusters.map((cluster) =>
    watchCluster(cluster, options, outlets, abort.signal, io).catch((error: unknown) => {
      abort.abort();
      throw error;
    }),
  );
  return {
    done: Promise.all(loops)
      .then(() => undefined)
      .finally(async () => {
        await Promise.allSettled(loops);
        await outlets.close();
      }),
    stop: () => abort.abort(),
  };
}
