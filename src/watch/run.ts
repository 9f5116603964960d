// Wires a watch together: the sampler, the state machine's loop and the sinks that act on its output.
import { appendFileSync } from "node:fs";
import type { CollectError } from "../collect/errors.js";
import type { ConnectionOptions } from "../collect/options.js";
import type { HostPort } from "../cluster/address.js";
import { InputError } from "../errors.js";
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
import { WebhookSender, type WebhookPolicy } from "./webhook.js";

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

function recorder(file: string): Sink {
  return (_output, snapshot) => {
    try {
      appendFileSync(file, `${JSON.stringify(snapshot)}\n`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unwritable";
      throw new InputError(`--record ${file}: cannot append to it (${code})`);
    }
  };
}

export async function startWatch(options: WatchOptions, io: WatchIo): Promise<RunningWatch> {
  const sampler = await Sampler.open(options.seeds, options.connection, {
    onMembership: (change) => {
      for (const member of change.added) io.stderr(`node ${member.address} joined the sampled set`);
      for (const member of change.removed) io.stderr(`node ${member.address} is no longer listed by any node: no longer sampled`);
    },
  });
  const first = await sampler.sample();
  if (!first.nodes.some((node) => node.connection.ok)) {
    sampler.close();
    throw io.noSeed(first.nodes);
  }
  io.stderr(`watching ${sampler.addresses.length} node(s) every ${options.intervalMs} ms from ${options.seeds.map((seed) => `${seed.host}:${seed.port}`).join(", ")}`);
  const sinks: Sink[] = [printer(options, io)];
  if (options.recordFile !== null) sinks.push(recorder(options.recordFile));
  const closers: Array<() => void | Promise<void>> = [() => sampler.close()];
  let store: HistoryStore | null = null;
  if (options.history !== null) {
    try {
      store = HistoryStore.open(options.history.path, options.history.options);
    } catch (error) {
      sampler.close();
      throw error;
    }
  }
  const metrics = options.listen === null ? null : new WatchMetrics();
  if (metrics !== null && options.listen !== null) {
    const dashboard = Dashboard.withDefaults(options.intervalMs, store);
    const router = new Router({ auth: options.httpAuth, loopbackOnly: isLoopbackHost(options.listen.host) });
    router.get("/metrics", metricsRoute(metrics.registry));
    registerDashboard(router, dashboard, loadAssets());
    const server = await startHttpServer(router, options.listen).catch((error: unknown) => {
      sampler.close();
      store?.close();
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
      if (left > 0) io.stderr(`webhook ${url.origin}: ${left} event(s) not delivered before exit`);
    });
  }
  let firstIncidentId = 1;
  if (store !== null && options.history !== null) {
    const opened = store;
    firstIncidentId = opened.nextIncidentId();
    // Closed last: the dashboard reads past incidents from it until the server is down.
    closers.push(() => opened.close());
    io.stderr(`history in ${options.history.path}`);
    sinks.push((output) => opened.record(output.signals, output.events, output.state.book.open.length));
  }
  const abort = new AbortController();
  const done = runLoop(sampler, initialState(firstIncidentId), sinks, { intervalMs: options.intervalMs, signal: abort.signal, durationMs: options.durationMs }).then(
    () => undefined,
  );
  return {
    done: done.finally(async () => {
      for (const close of closers) await close();
    }),
    stop: () => abort.abort(),
  };
}
