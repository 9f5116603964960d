// Wires a watch together: the sampler, the state machine's loop and the sinks that act on its output.
import { closeSync, writeSync } from "node:fs";
import { CollectError } from "../collect/errors.js";
import type { ConnectionOptions } from "../collect/options.js";
import { formatAddress, type HostPort } from "../cluster/address.js";
import { InputError } from "../errors.js";
import { openPrivateAppend } from "../files/privateFile.js";
import type { NodeSnapshot } from "../model/snapshot.js";
import { runLoop, type Sink } from "./loop.js";
import { initialState } from "./machine.js";
import { alertEventJson, isAlertEvent, logLines, logStyle } from "./render.js";
import { HistoryStore, type HistoryOptions } from "../history/store.js";
import { WatchMetrics } from "./metrics.js";
import { Sampler } from "./sampler.js";
import { metricsRoute } from "./metricsRoute.js";
import type { HttpAuth } from "../http/auth.js";
import { exposureWarning, isLoopbackHost, listenUrl, type ListenAddress } from "../http/listen.js";
import { Router } from "../http/router.js";
import { startHttpServer } from "../http/server.js";
import { Dashboard } from "../dashboard/hub.js";
import { loadAssets, registerDashboard } from "../dashboard/routes.js";
import { DEFAULT_MAX_NODES } from "../collect/limits.js";
import { webhookName, WebhookSender, type WebhookPolicy } from "./webhook.js";

export interface WatchOptions {
  seeds: HostPort[];
  connection: ConnectionOptions;
  intervalMs: number;
  durationMs: number | null;
  json: boolean;
  color: boolean;
  recordFile: string | null;
  /** Where to serve the dashboard and /metrics, and the credentials it asks for. */
  listen: ListenAddress | null;
  httpAuth: HttpAuth | null;
  webhooks: URL[];
  webhookPolicy: WebhookPolicy;
  /** The history database, or null for none. */
  history: { path: string; options: HistoryOptions } | null;
}

/** How long a stopping watch gives webhooks to deliver what is queued. */
const WEBHOOK_GRACE_MS = 5000;

export interface WatchIo {
  stdout(line: string): void;
  stderr(line: string): void;
  noSeed(failures: Array<Pick<NodeSnapshot, "address" | "connection" | "commands">>): CollectError;
}

export interface RunningWatch {
  done: Promise<void>;
  stop(): void;
}

function printer(options: WatchOptions, io: WatchIo): Sink {
  const style = logStyle(options.color);
  return (output) => {
    for (const event of output.events) {
      if (options.json) {
        if (isAlertEvent(event)) io.stdout(JSON.stringify(alertEventJson(event)));
      } else {
        for (const line of logLines(event, style)) io.stdout(line);
      }
    }
  };
}

/** --record: every sample appended as one JSON line to a private file (privateFile.ts), opened once. */
function recorder(file: string): { sink: Sink; close: () => void } {
  const failed = (error: unknown): InputError => new InputError(`--record ${file}: cannot append to it (${(error as NodeJS.ErrnoException).code ?? "unwritable"})`);
  let fd: number;
  try {
    fd = openPrivateAppend(file);
  } catch (error) {
    throw failed(error);
  }
  return {
    sink: (_output, snapshot) => {
      try {
        writeSync(fd, `${JSON.stringify(snapshot)}\n`);
      } catch (error) {
        throw failed(error);
      }
    },
    close: () => closeSync(fd),
  };
}

/** Opens the record file and the history (with its one-writer lock) before anything is dialled: a refusal comes first, in one line. */
function openLocalFiles(options: WatchOptions, io: WatchIo): { sinks: Sink[]; closers: Array<() => void>; firstIncidentId: number; store: HistoryStore | null } {
  const sinks: Sink[] = [];
  const closers: Array<() => void> = [];
  let firstIncidentId = 1;
  let opened: HistoryStore | null = null;
  try {
    if (options.recordFile !== null) {
      const record = recorder(options.recordFile);
      sinks.push(record.sink);
      closers.push(record.close);
    }
    if (options.history !== null) {
      const { path } = options.history;
      const store = HistoryStore.open(path, options.history.options);
      opened = store;
      firstIncidentId = store.nextIncidentId();
      closers.push(() => store.close());
      io.stderr(`history in ${path}`);
      sinks.push((output) => store.record(output.signals, output.events, output.state.book.open.length));
    }
  } catch (error) {
    for (const close of closers) close();
    throw error;
  }
  return { sinks, closers, firstIncidentId, store: opened };
}

export async function startWatch(options: WatchOptions, io: WatchIo): Promise<RunningWatch> {
  const files = openLocalFiles(options, io);
  const closers: Array<() => void | Promise<void>> = [];
  // The files close last: the dashboard reads past incidents from the history until its server is down.
  const closeAll = async (): Promise<void> => {
    for (const close of [...closers, ...files.closers]) await close();
  };
  let sampler: Sampler;
  try {
    sampler = await Sampler.open(options.seeds, options.connection, {
      onMembership: (change) => {
        for (const member of change.added) io.stderr(`node ${member.address} joined the sampled set`);
        const merged = new Map(change.merged);
        for (const member of change.removed) {
          const kept = merged.get(member.address);
          io.stderr(kept === undefined ? `node ${member.address} is no longer listed by any node: no longer sampled` : `node ${member.address} is ${kept} under another address: sampled once, as ${kept}`);
        }
        if (change.overLimit > 0) io.stderr(`the cluster lists more nodes than --max-nodes ${options.connection.maxNodes ?? DEFAULT_MAX_NODES}: ${change.overLimit} not sampled`);
      },
    });
  } catch (error) {
    await closeAll();
    throw error;
  }
  const opened = sampler;
  closers.unshift(() => opened.close());
  try {
    const first = await sampler.sample();
    if (!first.nodes.some((node) => node.connection.ok)) throw io.noSeed(first.nodes);
    if (sampler.overLimit > 0) {
      const listed = sampler.addresses.length + sampler.overLimit;
      throw new CollectError("too-many-nodes", `the cluster lists ${listed} nodes or more, more than --max-nodes ${options.connection.maxNodes ?? DEFAULT_MAX_NODES}; give --max-nodes ${listed} or more to watch them all`);
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  io.stderr(`watching ${sampler.addresses.length} node(s) every ${options.intervalMs} ms from ${options.seeds.map((seed) => formatAddress(seed.host, seed.port)).join(", ")}`);
  const sinks: Sink[] = [printer(options, io), ...files.sinks];
  const metrics = options.listen === null ? null : new WatchMetrics();
  if (metrics !== null && options.listen !== null) {
    const dashboard = Dashboard.withDefaults(options.intervalMs, files.store);
    const router = new Router({ auth: options.httpAuth, loopbackOnly: isLoopbackHost(options.listen.host) });
    router.get("/metrics", metricsRoute(metrics.registry));
    registerDashboard(router, dashboard, loadAssets());
    const server = await startHttpServer(router, options.listen).catch(async (error: unknown) => {
      await closeAll();
      throw error;
    });
    closers.push(() => dashboard.close(), () => server.close());
    const warning = exposureWarning(options.listen, options.httpAuth !== null);
    if (warning !== null) io.stderr(warning);
    const base = listenUrl(options.listen);
    io.stderr(`dashboard on ${base}/, metrics on ${base}/metrics`);
    sinks.push((output, snapshot) => metrics.update(output, (snapshot.finishedAtMs - snapshot.takenAtMs) / 1000));
    sinks.push((output, snapshot) => dashboard.observe(output, snapshot));
  }
  for (const url of options.webhooks) {
    const sender = new WebhookSender(url, options.webhookPolicy, io.stderr);
    sinks.push((output) => {
      for (const event of output.events) if (isAlertEvent(event)) sender.send(alertEventJson(event));
      metrics?.updateWebhook(url.host, sender.stats());
    });
    closers.push(async () => {
      const left = await sender.close(WEBHOOK_GRACE_MS);
      if (left > 0) io.stderr(`webhook ${webhookName(url)}: ${left} event(s) not delivered before exit`);
    });
  }
  const abort = new AbortController();
  const done = runLoop(sampler, initialState(files.firstIncidentId), sinks, { intervalMs: options.intervalMs, signal: abort.signal, durationMs: options.durationMs }).then(
    () => undefined,
  );
  return {
    done: done.finally(closeAll),
    stop: () => abort.abort(),
  };
}
