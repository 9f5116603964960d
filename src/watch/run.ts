// Wires a watch of one cluster together: the sampler, the state machine's loop, the live dashboard and the
// outlets (outlets.ts) its output goes to. A fleet of clusters is src/fleet/run.ts, on the same outlets.
import { appendFileSync } from "node:fs";
import type { CollectError } from "../collect/errors.js";
import type { ConnectionOptions } from "../collect/options.js";
import type { HostPort } from "../cluster/address.js";
import { InputError } from "../errors.js";
import type { NodeSnapshot } from "../model/snapshot.js";
import { runLoop, type Sink } from "./loop.js";
import { initialState } from "./machine.js";
import { HistoryStore } from "../history/store.js";
import { Sampler } from "./sampler.js";
import { Dashboard } from "../dashboard/hub.js";
import { loadAssets, registerDashboard } from "../dashboard/routes.js";
import { Outlets, type WatchOutputOptions } from "./outlets.js";

export interface WatchOptions extends WatchOutputOptions {
  /** The `cluster` label of every series and alert. */
  clusterName: string;
  seeds: HostPort[];
  connection: ConnectionOptions;
  recordFile: string | null;
}

export interface WatchIo {
  stdout(line: string): void;
  stderr(line: string): void;
  noSeed(failures: Array<Pick<NodeSnapshot, "address" | "connection" | "commands">>): CollectError;
}

export interface RunningWatch {
  done: Promise<void>;
  stop(): void;
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
  let store: HistoryStore | null = null;
  try {
    if (options.history !== null) store = HistoryStore.open(options.history.path, options.history.options);
  } catch (error) {
    sampler.close();
    throw error;
  }
  const dashboard = options.listen === null ? null : Dashboard.withDefaults(options.intervalMs, store);
  let outlets: Outlets;
  try {
    outlets = await Outlets.open(
      options,
      io,
      dashboard === null ? null : { register: (router) => registerDashboard(router, dashboard, loadAssets()), served: [{ what: "dashboard", path: "/" }] },
    );
  } catch (error) {
    sampler.close();
    dashboard?.close();
    store?.close();
    throw error;
  }
  if (store !== null && options.history !== null) io.stderr(`history in ${options.history.path}`);
  const sinks = outlets.sinksFor(options.clusterName, "", store);
  if (options.recordFile !== null) sinks.push(recorder(options.recordFile));
  if (dashboard !== null) sinks.push((output, snapshot) => dashboard.observe(output, snapshot));
  const abort = new AbortController();
  const done = runLoop(sampler, initialState(store?.nextIncidentId() ?? 1), sinks, { intervalMs: options.intervalMs, signal: abort.signal, durationMs: options.durationMs }).then(
    () => undefined,
  );
  return {
    done: done.finally(async () => {
      sampler.close();
      dashboard?.close();
      await outlets.close();
      // Closed last: the dashboard reads past incidents from it until the server is down.
      store?.close();
    }),
    stop: () => abort.abort(),
  };
}
