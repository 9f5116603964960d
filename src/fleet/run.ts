// Many clusters in one watch (`busdoctor watch --clusters clusters.yaml`): each cluster has its own
// sampler, state machine and loop, so a cluster whose nodes hang costs its own loop a timeout per sample
// and never delays another's; they share the process's outlets (src/watch/outlets.ts): one /metrics
// (every series labelled with its cluster) and /sd, the Alertmanager push, the webhooks. Each keeps its
// own history database, opened (and locked) for every cluster before anything is dialled. The live
// dashboard shows one cluster: a fleet serves none.
import { basename, dirname, extname, join } from "node:path";
import { formatAddress, type HostPort } from "../cluster/address.js";
import type { ConnectionOptions } from "../collect/options.js";
import { runLoop } from "../watch/loop.js";
import { initialState } from "../watch/machine.js";
import { Outlets, type OutletIo, type WatchOutputOptions } from "../watch/outlets.js";
import { openLocalFiles, openSampler, type LocalFiles } from "../watch/run.js";

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

async function watchCluster(
  cluster: FleetCluster,
  files: LocalFiles,
  options: FleetOptions,
  outlets: Outlets,
  signal: AbortSignal,
  io: OutletIo,
): Promise<void> {
  const say = (line: string): void => io.stderr(`cluster ${cluster.name}: ${line}`);
  const { sampler } = await openSampler(cluster.seeds, cluster.connection, say, `cluster "${cluster.name}"`);
  try {
    say(`watching from ${cluster.seeds.map((seed) => formatAddress(seed.host, seed.port)).join(", ")} every ${options.intervalMs} ms`);
    const sinks = [...outlets.sinksFor(cluster.name, `[${cluster.name}] `), ...files.sinks];
    await runLoop(sampler, initialState(files.firstIncidentId), sinks, {
      intervalMs: options.intervalMs,
      signal,
      durationMs: options.durationMs,
      onSinkFailure: outlets.failureHandler(cluster.name, sinks, say),
    });
  } finally {
    sampler.close();
  }
}

/** Every cluster's history, opened before anything is dialled; none is left open when one cannot be. */
function openHistories(options: FleetOptions, io: OutletIo): Array<{ cluster: FleetCluster; files: LocalFiles }> {
  const opened: Array<{ cluster: FleetCluster; files: LocalFiles }> = [];
  try {
    for (const cluster of options.clusters) {
      const history = options.history === null ? null : { path: clusterHistoryPath(options.history.path, cluster.name), options: options.history.options };
      opened.push({ cluster, files: openLocalFiles(null, history, (line) => io.stderr(`cluster ${cluster.name}: ${line}`)) });
    }
  } catch (error) {
    for (const { files } of opened) for (const close of files.closers) close();
    throw error;
  }
  return opened;
}

/**
 * Starts every cluster's watch. A cluster that cannot be reached keeps being sampled (its nodes show as
 * down, reconnected in the background) while the others go on; an output that fails is counted and
 * reported, and sampling goes on. The fleet ends when stopped, or when a cluster cannot be watched at all
 * (it lists more nodes than --max-nodes), which stops the others.
 */
export async function startFleet(options: FleetOptions, io: OutletIo): Promise<RunningFleet> {
  const histories = openHistories(options, io);
  const closeHistories = (): void => {
    for (const { files } of histories) for (const close of files.closers) close();
  };
  let outlets: Outlets;
  try {
    outlets = await Outlets.open(options, io);
  } catch (error) {
    closeHistories();
    throw error;
  }
  const abort = new AbortController();
  io.stderr(`watching ${options.clusters.length} cluster(s): ${options.clusters.map((cluster) => cluster.name).join(", ")}`);
  const loops = histories.map(({ cluster, files }) =>
    watchCluster(cluster, files, options, outlets, abort.signal, io).catch((error: unknown) => {
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
        closeHistories();
      }),
    stop: () => abort.abort(),
  };
}
