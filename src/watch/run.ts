// Wires a watch together: the sampler, the state machine's loop and the sinks that act on its output.
import { appendFileSync } from "node:fs";
import type { CollectError } from "../collect/errors.js";
import type { ConnectionOptions } from "../collect/options.js";
import { formatAddress, type HostPort } from "../cluster/address.js";
import { InputError } from "../errors.js";
import type { NodeSnapshot } from "../model/snapshot.js";
import { runLoop, type Sink } from "./loop.js";
import { initialState } from "./machine.js";
import { alertEventJson, isAlertEvent, logLines, logStyle } from "./render.js";
import { HistoryStore, type HistoryOptions } from "../history/store.js";
import { WatchMetrics } from "./metrics.js";
import { Sampler } from "./sampler.js";
import { serveMetrics, type ListenAddress } from "./server.js";
import { WebhookSender, type WebhookPolicy } from "./webhook.js";

export interface WatchOptions {
  seeds: HostPort[];
  connection: ConnectionOptions;
  intervalMs: number;
  durationMs: number | null;
  json: boolean;
  color: boolean;
  recordFile: string | null;
  listen: ListenAddress | null;
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
  io.stderr(`watching ${sampler.addresses.length} node(s) every ${options.intervalMs} ms from ${options.seeds.map((seed) => formatAddress(seed.host, seed.port)).join(", ")}`);
  const sinks: Sink[] = [printer(options, io)];
  if (options.recordFile !== null) sinks.push(recorder(options.recordFile));
  const closers: Array<() => void | Promise<void>> = [() => sampler.close()];
  const metrics = options.listen === null ? null : new WatchMetrics();
  if (metrics !== null && options.listen !== null) {
    const server = await serveMetrics(metrics.registry, options.listen).catch((error: unknown) => {
      sampler.close();
      throw error;
    });
    closers.push(() => void server.close());
    io.stderr(`metrics on http://${options.listen.host.includes(":") ? `[${options.listen.host}]` : options.listen.host}:${options.listen.port}/metrics`);
    sinks.push((output, snapshot) => metrics.update(output, (snapshot.finishedAtMs - snapshot.takenAtMs) / 1000));
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
  if (options.history !== null) {
    const { path } = options.history;
    let store: HistoryStore;
    try {
      store = HistoryStore.open(path, options.history.options);
    } catch (error) {
      for (const close of closers) await close();
      throw error;
    }
    firstIncidentId = store.nextIncidentId();
    closers.push(() => store.close());
    io.stderr(`history in ${path}`);
    sinks.push((output) => store.record(output.signals, output.events, output.state.book.open.length));
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
