// Wires a watch of one cluster together: its local files, the sampler, the state machine's loop, the live
// dashboard and the outlets (outlets.ts) its output goes to. A fleet of clusters is src/fleet/run.ts, on
// the same pieces: local files opened before anything is dialled, the first sample's refusals, outlets.
import { closeSync, writeSync } from "node:fs";
import { CollectError } from "../collect/errors.js";
import { DEFAULT_MAX_NODES } from "../collect/limits.js";
import type { ConnectionOptions } from "../collect/options.js";
import { formatAddress, type HostPort } from "../cluster/address.js";
import { Dashboard } from "../dashboard/hub.js";
import { loadAssets, registerDashboard } from "../dashboard/routes.js";
import { InputError } from "../errors.js";
import { openPrivateAppend } from "../files/privateFile.js";
import { HistoryStore, type HistoryOptions } from "../history/store.js";
import type { NodeSnapshot, Snapshot } from "../model/snapshot.js";
import { runLoop, type Sink } from "./loop.js";
import { initialState } from "./machine.js";
import type { MembershipChange } from "./membership.js";
import { Outlets, type WatchOutputOptions } from "./outlets.js";
import { Sampler } from "./sampler.js";

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

/** --record: every sample appended as one JSON line to a private file (privateFile.ts), opened once. */
function recorder(file: string): { sink: Sink; close: () => void } {
  const failed = (error: unknown): InputError =>
    new InputError(`--record ${file}: cannot append to it (${(error as NodeJS.ErrnoException).code ?? "unwritable"})`);
  let fd: number;
  try {
    fd = openPrivateAppend(file);
  } catch (error) {
    throw failed(error);
  }
  return {
    sink: {
      output: "record",
      take: (_output, snapshot) => {
        try {
          writeSync(fd, `${JSON.stringify(snapshot)}\n`);
        } catch (error) {
          throw failed(error);
        }
      },
    },
    close: () => closeSync(fd),
  };
}

export interface LocalFiles {
  sinks: Sink[];
  /** Close these last: the dashboard reads past incidents from the history until its server is down. */
  closers: Array<() => void>;
  store: HistoryStore | null;
  firstIncidentId: number;
}

/**
 * Opens the record file and the history (with its one-writer lock) before anything is dialled: a refusal
 * comes first, in one line. `say` reports where the history is.
 */
export function openLocalFiles(recordFile: string | null, history: { path: string; options: HistoryOptions } | null, say: (line: string) => void): LocalFiles {
  const files: LocalFiles = { sinks: [], closers: [], store: null, firstIncidentId: 1 };
  try {
    if (recordFile !== null) {
      const record = recorder(recordFile);
      files.sinks.push(record.sink);
      files.closers.push(record.close);
    }
    if (history !== null) {
      const store = HistoryStore.open(history.path, history.options);
      files.store = store;
      files.firstIncidentId = store.nextIncidentId();
      files.closers.push(() => store.close());
      say(`history in ${history.path}`);
      files.sinks.push({ output: "history", take: (output) => store.record(output.signals, output.events, output.state.book.open.length) });
    }
  } catch (error) {
    for (const close of files.closers) close();
    throw error;
  }
  return files;
}

/** The lines a change of the sampled set is reported in. */
function membershipLines(change: MembershipChange, maxNodes: number): string[] {
  const lines = change.added.map((member) => `node ${member.address} joined the sampled set`);
  const merged = new Map(change.merged);
  for (const member of change.removed) {
    const kept = merged.get(member.address);
    lines.push(
      kept === undefined
        ? `node ${member.address} is no longer listed by any node: no longer sampled`
        : `node ${member.address} is ${kept} under another address: sampled once, as ${kept}`,
    );
  }
  if (change.overLimit > 0) lines.push(`the cluster lists more nodes than --max-nodes ${maxNodes}: ${change.overLimit} not sampled`);
  return lines;
}

/**
 * Connects to the seeds and takes a first sample, reporting membership changes through `say`. Refuses a
 * cluster that lists more nodes than --max-nodes: a watch of part of it would judge from part of it.
 */
export async function openSampler(
  seeds: HostPort[],
  connection: ConnectionOptions,
  say: (line: string) => void,
  /** "the cluster", or a fleet's `cluster "payments"`. */
  subject = "the cluster",
): Promise<{ sampler: Sampler; first: Snapshot }> {
  const maxNodes = connection.maxNodes ?? DEFAULT_MAX_NODES;
  const sampler = await Sampler.open(seeds, connection, {
    onMembership: (change) => {
      for (const line of membershipLines(change, maxNodes)) say(line);
    },
  });
  try {
    const first = await sampler.sample();
    if (sampler.overLimit > 0) {
      const listed = sampler.addresses.length + sampler.overLimit;
      throw new CollectError(
        "too-many-nodes",
        `${subject} lists ${listed} nodes or more, more than --max-nodes ${maxNodes}; give --max-nodes ${listed} or more to watch them all`,
      );
    }
    return { sampler, first };
  } catch (error) {
    sampler.close();
    throw error;
  }
}

export async function startWatch(options: WatchOptions, io: WatchIo): Promise<RunningWatch> {
  const files = openLocalFiles(options.recordFile, options.history, io.stderr);
  const dashboard = options.listen === null ? null : Dashboard.withDefaults(options.intervalMs, files.store);
  const closers: Array<() => void | Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of [...closers, ...files.closers]) await close();
  };
  let sampler: Sampler;
  let outlets: Outlets;
  try {
    const opened = await openSampler(options.seeds, options.connection, io.stderr);
    sampler = opened.sampler;
    closers.push(() => opened.sampler.close());
    if (!opened.first.nodes.some((node) => node.connection.ok)) throw io.noSeed(opened.first.nodes);
    io.stderr(
      `watching ${sampler.addresses.length} node(s) every ${options.intervalMs} ms from ${options.seeds.map((seed) => formatAddress(seed.host, seed.port)).join(", ")}`,
    );
    if (dashboard !== null) closers.push(() => dashboard.close());
    outlets = await Outlets.open(
      options,
      io,
      dashboard === null ? null : { register: (router) => registerDashboard(router, dashboard, loadAssets()), served: [{ what: "dashboard", path: "/" }] },
    );
    const opening = outlets;
    closers.push(() => opening.close());
  } catch (error) {
    await closeAll();
    throw error;
  }
  const sinks = [...outlets.sinksFor(options.clusterName, ""), ...files.sinks];
  if (dashboard !== null) sinks.push({ output: "dashboard", take: (output, snapshot) => dashboard.observe(output, snapshot) });
  const abort = new AbortController();
  const done = runLoop(sampler, initialState(files.firstIncidentId), sinks, {
    intervalMs: options.intervalMs,
    signal: abort.signal,
    durationMs: options.durationMs,
    onSinkFailure: outlets.failureHandler(options.clusterName, sinks, io.stderr),
  });
  return {
    done: done.then(() => undefined).finally(closeAll),
    stop: () => abort.abort(),
  };
}
