// Many clusters in one watch (`busdoctor watch --clusters clusters.yaml`): each cluster has its own
// sampler, state machine and loop, so a cluster whose nodes hang costs its own loop a timeout per sample
// and never delays another's; they share the process's outlets: one /metrics (every series labelled
// with its cluster) and /sd, the Alertmanager push, the webhooks. Each keeps its own history database.
import { basename, dirname, extname, join } from "node:path";
import type { HostPort } from "../cluster/address.js";
import type { ConnectionOptions } from "../collect/options.js";
import { HistoryStore } from "../history/store.js";
import { AlertmanagerPusher } from "../alerting/alertmanager.js";
import { incidentAlerts, type IncidentAlert } from "../alerting/incidentAlert.js";
import { runLoop, type Sink } from "../watch/loop.js";
import { initialState } from "../watch/machine.js";
import { WatchMetrics } from "../watch/metrics.js";
import { alertEventJson, isAlertEvent, logLines, logStyle } from "../watch/render.js";
import { Sampler } from "../watch/sampler.js";
import type { WatchOutputOptions } from "../watch/run.js";
import { serveMetrics } from "../watch/server.js";
import type { SampleSignals } from "../watch/signals.js";
import { WebhookSender } from "../watch/webhook.js";
import { targetGroups } from "./discovery.js";

export interface FleetCluster {
  name: string;
  seeds: HostPort[];
  connection: ConnectionOptions;
}

export interface FleetOptions extends WatchOutputOptions {
  clusters: FleetCluster[];
}

export interface FleetIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

export interface RunningFleet {
  done: Promise<void>;
  stop(): void;
}

/** Outlets every cluster feeds; closed once every cluster's loop has ended. */
interface Outlets {
  metrics: WatchMetrics | null;
  pusher: AlertmanagerPusher | null;
  webhooks: WebhookSender[];
  /** Each cluster's latest sample, for /sd. */
  latest: Map<string, SampleSignals>;
  closers: Array<() => void | Promise<void>>;
}

const GRACE_MS = 5000;

/** history.db -> history-payments.db, beside it. */
export function clusterHistoryPath(path: string, cluster: string): string {
  const extension = extname(path);
  return join(dirname(path), `${basename(path, extension)}-${cluster}${extension || ".db"}`);
}

async function openOutlets(options: FleetOptions, io: FleetIo): Promise<Outlets> {
  const outlets: Outlets = { metrics: null, pusher: null, webhooks: [], latest: new Map(), closers: [] };
  if (options.listen !== null) {
    const metrics = new WatchMetrics(options.linkMetrics);
    const server = await serveMetrics(metrics.registry, options.listen, { "/sd": () => targetGroups(outlets.latest) });
    outlets.metrics = metrics;
    outlets.closers.push(() => void server.close());
    const host = options.listen.host.includes(":") ? `[${options.listen.host}]` : options.listen.host;
    io.stderr(`metrics on http://${host}:${options.listen.port}/metrics, discovered nodes (Prometheus http_sd) on /sd`);
  }
  if (options.alertmanagers.length > 0) {
    const pusher = new AlertmanagerPusher(options.alertmanagers, options.alertmanagerPolicy, io.stderr);
    outlets.pusher = pusher;
    outlets.closers.push(() => pusher.close(GRACE_MS));
  }
  for (const url of options.webhooks) {
    const sender = new WebhookSender(url, options.webhookPolicy, io.stderr);
    outlets.webhooks.push(sender);
    outlets.closers.push(async () => {
      const left = await sender.close(GRACE_MS);
      if (left > 0) io.stderr(`webhook ${url.origin}: ${left} event(s) not delivered before exit`);
    });
  }
  return outlets;
}

/** What one cluster's samples feed: its lines on stdout, the shared outlets, its own history. */
function clusterSinks(cluster: string, options: FleetOptions, outlets: Outlets, store: HistoryStore | null, io: FleetIo): Sink[] {
  const style = logStyle(options.color);
  const memory = new Map<number, IncidentAlert>();
  const sinks: Sink[] = [
    (output) => {
      for (const event of output.events) {
        if (options.json) {
          if (isAlertEvent(event)) io.stdout(JSON.stringify({ ...alertEventJson(event), cluster }));
        } else {
          for (const line of logLines(event, style)) io.stdout(`[${cluster}] ${line}`);
        }
      }
    },
    (output) => void outlets.latest.set(cluster, output.signals),
  ];
  const { metrics, pusher } = outlets;
  if (metrics !== null) sinks.push((output, snapshot) => metrics.update(cluster, output, (snapshot.finishedAtMs - snapshot.takenAtMs) / 1000));
  if (pusher !== null) {
    sinks.push((output) => {
      pusher.update(incidentAlerts(cluster, output, memory));
      for (const { host, stats } of pusher.stats()) metrics?.updateAlertmanager(host, stats);
    });
  }
  for (const sender of outlets.webhooks) {
    sinks.push((output) => {
      for (const event of output.events) if (isAlertEvent(event)) sender.send({ ...alertEventJson(event), cluster });
      metrics?.updateWebhook(sender.url.host, sender.stats());
    });
  }
  if (store !== null) sinks.push((output) => store.record(output.signals, output.events, output.state.book.open.length));
  return sinks;
}

async function watchCluster(cluster: FleetCluster, options: FleetOptions, outlets: Outlets, signal: AbortSignal, io: FleetIo): Promise<void> {
  const say = (line: string): void => io.stderr(`cluster ${cluster.name}: ${line}`);
  let store: HistoryStore | null = null;
  if (options.history !== null) {
    const path = clusterHistoryPath(options.history.path, cluster.name);
    store = HistoryStore.open(path, options.history.options);
  }
  const sampler = await Sampler.open(cluster.seeds, cluster.connection, {
    onMembership: (change) => {
      for (const member of change.added) say(`node ${member.address} joined the sampled set`);
      for (const member of change.removed) say(`node ${member.address} is no longer listed by any node: no longer sampled`);
    },
  });
  try {
    say(`watching from ${cluster.seeds.map((seed) => `${seed.host}:${seed.port}`).join(", ")} every ${options.intervalMs} ms`);
    const sinks = clusterSinks(cluster.name, options, outlets, store, io);
    await runLoop(sampler, initialState(store?.nextIncidentId() ?? 1), sinks, { intervalMs: options.intervalMs, signal, durationMs: options.durationMs });
  } finally {
    sampler.close();
    store?.close();
  }
}

/**
 * Starts every cluster's watch. A cluster that cannot be reached keeps being sampled (its nodes show as
 * down, reconnected in the background) while the others go on; the fleet ends when stopped, or when a
 * cluster's loop fails (a history that cannot be written), which stops the others.
 */
export async function startFleet(options: FleetOptions, io: FleetIo): Promise<RunningFleet> {
  const outlets = await openOutlets(options, io);
  const abort = new AbortController();
  io.stderr(`watching ${options.clusters.length} cluster(s): ${options.clusters.map((cluster) => cluster.name).join(", ")}`);
  const loops = options.clusters.map((cluster) =>
    watchCluster(cluster, options, outlets, abort.signal, io).catch((error: unknown) => {
      abort.abort();
      throw error;
    }),
  );
  const done = Promise.all(loops).then(() => undefined);
  return {
    done: done.finally(async () => {
      await Promise.allSettled(loops);
      for (const close of outlets.closers) await close();
    }),
    stop: () => abort.abort(),
  };
}
