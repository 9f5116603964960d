// The public entry points: one Snapshot of every node the seeds lead to, with TCP probes from the tool's
// host, and optionally a CLUSTER INFO baseline taken `sampleMs` earlier for gossip rates.
import { setTimeout as sleep } from "node:timers/promises";
import type { CommandResult, NodeCommand, NodeSnapshot, ProbeResult, Snapshot, SnapshotBaseline } from "../model/snapshot.js";
import { SNAPSHOT_FORMAT } from "../model/snapshot.js";
import { VERSION } from "../version.js";
import { discover, type DiscoveryBounds, type DiscoveryHooks, type QueriedNode } from "./discovery.js";
import type { NodeRegistry } from "./registry.js";
import type { Admit, ScopeVerdict } from "../cluster/scope.js";
import { CollectError, nodeFailure, noSeedError } from "./errors.js";
import { closeSession } from "./nodeClient.js";
import type { ConnectionOptions } from "./options.js";
import { probeTcp } from "./probe.js";
import type { ReadBudget } from "./resp.js";
import { runSettings, type RunSettings } from "./runSettings.js";
import { formatAddress, type HostPort } from "../cluster/address.js";
import { majorityBusPort, type BusPortVote } from "../cluster/ports.js";
import { suspectNodeIds } from "../parse/nodeView.js";
import { busProbeHost } from "../cluster/busAddress.js";
import { announceConfigOf } from "../parse/config.js";
import type { AnnounceConfig } from "../model/cluster.js";
import { naturalCompare } from "../text/naturalOrder.js";

/** Enough for a spinner or progress line; events arrive in the order things happen. */
export type CollectEvent =
  | { type: "seed-connecting"; address: string }
  | { type: "node-discovered"; address: string; via: string }
  | { type: "node-done"; address: string; ok: boolean }
  | { type: "probes-pending"; count: number }
  | { type: "sampling"; waitMs: number };

export interface CollectProgress {
  onEvent(event: CollectEvent): void;
}

const SNAPSHOT_COMMANDS: readonly NodeCommand[] = [
  "ping",
  "clusterMyid",
  "clusterInfo",
  "clusterNodes",
  "clusterLinks",
  "info",
  "configNodeTimeout",
  "configClusterPort",
  "configAnnounce",
];

/** The baseline only needs the counters, plus CLUSTER NODES to find every node. */
const BASELINE_COMMANDS: readonly NodeCommand[] = ["clusterInfo", "clusterNodes"];

async function settingsFor(seeds: readonly HostPort[], options: ConnectionOptions): Promise<RunSettings> {
  if (seeds.length === 0) throw new CollectError("no-seed", "no seed address given");
  return runSettings(seeds, options);
}

function boundsOf(settings: RunSettings, budget: ReadBudget): DiscoveryBounds {
  return { admit: settings.admit, maxNodes: settings.maxNodes, budget };
}

/**
 * One verdict per address for one snapshot: every node's view lists every peer, and each check of an
 * address against the scope's ranges costs tens of microseconds (a SocketAddress per BlockList lookup),
 * milliseconds of a short run over a 6-node cluster. Per snapshot, so it is bounded by what one read.
 */
function oneVerdictPerAddress(admit: Admit): Admit {
  const verdicts = new Map<string, ScopeVerdict>();
  return (host) => {
    const known = verdicts.get(host);
    if (known !== undefined) return known;
    const verdict = admit(host);
    verdicts.set(host, verdict);
    return verdict;
  };
}

function answered(node: QueriedNode): boolean {
  return nodeFailure(node) === null;
}

function progressHooks(progress: CollectProgress | undefined): DiscoveryHooks {
  const emit = (event: CollectEvent): void => progress?.onEvent(event);
  return {
    onTarget: (target, via) =>
      emit(via === null ? { type: "seed-connecting", address: target.address } : { type: "node-discovered", address: target.address, via: via.address }),
    onView: () => undefined,
    onDone: (node) => emit({ type: "node-done", address: node.target.address, ok: answered(node) }),
  };
}

/** Throws when no seed answered a single command: there is nothing to diagnose. */
function requireAnsweringSeed(nodes: readonly QueriedNode[], user: string | null): void {
  const seeds = nodes.filter((node) => node.target.origin === "seed");
  if (seeds.some(answered)) return;
  throw noSeedError(
    seeds.map((node) => ({ address: node.target.address, connection: node.connection, commands: node.commands })),
    user,
  );
}

/**
 * One entry per node id: a seed given by name (`localhost:6379`) can be reached again under its announced
 * address before its own view tells who it is; the seed's entry is kept. Seeds first, then by address.
 */
function uniqueNodes(nodes: readonly QueriedNode[]): QueriedNode[] {
  const ordered = [...nodes].sort(
    (a, b) => Number(b.target.origin === "seed") - Number(a.target.origin === "seed") || naturalCompare(a.target.address, b.target.address),
  );
  const ids = new Set<string>();
  return ordered.filter(({ target: { id } }) => {
    if (id === null) return true;
    if (ids.has(id)) return false;
    ids.add(id);
    return true;
  });
}

/** Memoised TCP probes (one per host:port per run) and a count of those still outstanding. */
function probeBoard(timeoutMs: number, progress: CollectProgress | undefined): (host: string, port: number) => Promise<ProbeResult> {
  const probes = new Map<string, Promise<ProbeResult>>();
  let pending = 0;
  return (host, port) => {
    const key = formatAddress(host, port);
    const known = probes.get(key);
    if (known) return known;
    pending++;
    progress?.onEvent({ type: "probes-pending", count: pending });
    const probe = probeTcp(host, port, timeoutMs).then((result) => {
      pending--;
      progress?.onEvent({ type: "probes-pending", count: pending });
      return result;
    });
    probes.set(key, probe);
    return probe;
  };
}

/** What each answering node announces about its own addresses, for busProbeHost. */
class BusHosts {
  private readonly own = new Map<string, AnnounceConfig>();
  private clientIps = false;

  constructor(private readonly admit: Admit) {}

  learn(node: QueriedNode): void {
    const config = announceConfigOf(node.commands.configAnnounce);
    if (node.target.id === null || config === null) return;
    this.own.set(node.target.id, config);
    if (config.clientIps.length > 0) this.clientIps = true;
  }

  /** Where to probe the bus of node `id`, which the tool knows as `host`; null: unknown, or out of the run's scope. */
  hostFor(id: string, host: string): string | null {
    return busProbeHost({ host, own: this.own.get(id) ?? null, clusterAnnouncesClientIps: this.clientIps, admit: this.admit });
  }
}

async function countFailureReports(node: QueriedNode, suspects: readonly string[], budget: ReadBudget): Promise<Record<string, CommandResult>> {
  const client = node.session.client;
  if (suspects.length === 0 || client === null || !answered(node)) return {};
  const args = suspects.map((id) => ["CLUSTER", "COUNT-FAILURE-REPORTS", id]);
  const results = await client.pipeline(args, budget);
  node.finishedAtMs = Date.now();
  return Object.fromEntries(suspects.flatMap((id, index) => (results[index] ? [[id, results[index]]] : [])));
}

async function snapshotWith(
  seeds: readonly HostPort[],
  options: ConnectionOptions,
  settings: RunSettings,
  progress: CollectProgress | undefined,
): Promise<Snapshot> {
  const admit = oneVerdictPerAddress(settings.admit);
  const takenAtMs = Date.now();
  const budget = settings.newBudget();
  const probe = probeBoard(options.timeoutMs, progress);
  const busPortVotes = new Map<string, BusPortVote[]>();
  const busHosts = new BusHosts(admit);
  const hooks = progressHooks(progress);
  let registry: NodeRegistry | null = null;
  const { nodes: queried, outOfScope } = await discover(
    seeds,
    settings.client,
    SNAPSHOT_COMMANDS,
    {
      ...hooks,
      onTarget: (target, via) => {
        hooks.onTarget(target, via);
        void probe(target.host, target.port);
      },
      onView: (_observer, view, known) => {
        registry = known;
        for (const entry of view) {
          const votes = busPortVotes.get(entry.id) ?? [];
          votes.push({ cport: entry.cport, own: entry.myself });
          busPortVotes.set(entry.id, votes);
        }
      },
      // Bus probes start as soon as a node has answered (its view, and its own announced addresses,
      // which say where its bus is), so a filtered one overlaps the queries of the others.
      onDone: (node) => {
        hooks.onDone(node);
        busHosts.learn(node);
        for (const entry of node.view ?? []) {
          const target = registry?.targetFor(entry);
          const host = target === undefined ? null : busHosts.hostFor(entry.id, target.host);
          if (host !== null && entry.cport > 0) void probe(host, entry.cport);
        }
      },
    },
    { ...boundsOf(settings, budget), admit },
  );
  try {
    requireAnsweringSeed(queried, options.user);
    const nodes = uniqueNodes(queried);
    const suspects = suspectNodeIds(nodes.flatMap((node) => (node.view ? [node.view] : [])));
    const snapshots = await Promise.all(
      nodes.map(async (node): Promise<NodeSnapshot> => {
        const { target } = node;
        const busPort = target.id === null ? null : majorityBusPort(busPortVotes.get(target.id) ?? []);
        const busHost = target.id === null ? null : busHosts.hostFor(target.id, target.host);
        const [failureReports, client, bus] = await Promise.all([
          countFailureReports(node, suspects, budget),
          probe(target.host, target.port),
          busPort === null || busHost === null ? null : probe(busHost, busPort),
        ]);
        return {
          address: target.address,
          host: target.host,
          port: target.port,
          origin: target.origin,
          startedAtMs: node.startedAtMs,
          finishedAtMs: node.finishedAtMs,
          connection: node.connection,
          commands: node.commands,
          failureReports,
          probes: { client, bus },
        };
      }),
    );
    return {
      format: SNAPSHOT_FORMAT,
      tool: { name: "busdoctor", version: VERSION },
      takenAtMs,
      finishedAtMs: Date.now(),
      seeds: seeds.map((seed) => formatAddress(seed.host, seed.port)),
      settings: { timeoutMs: options.timeoutMs, tls: options.tls !== null, auth: options.password !== null, user: options.user },
      nodes: snapshots,
      baseline: null,
      outOfScope,
    };
  } finally {
    for (const node of queried) closeSession(node.session);
  }
}

/** Queries every node the seeds lead to, in parallel, each bounded by `options.timeoutMs` per step. */
export async function collectSnapshot(seeds: HostPort[], options: ConnectionOptions, progress?: CollectProgress): Promise<Snapshot> {
  const settings = await settingsFor(seeds, options);
  return snapshotWith(seeds, options, settings, progress);
}

/** CLUSTER INFO of every node now, then a full snapshot `sampleMs` later: the diagnosis compares counters. */
export async function collectSampled(seeds: HostPort[], options: ConnectionOptions, sampleMs: number, progress?: CollectProgress): Promise<Snapshot> {
  const settings = await settingsFor(seeds, options);
  const takenAtMs = Date.now();
  const { nodes: queried } = await discover(seeds, settings.client, BASELINE_COMMANDS, progressHooks(progress), boundsOf(settings, settings.newBudget()));
  for (const node of queried) closeSession(node.session);
  requireAnsweringSeed(queried, options.user);
  const clusterInfo = Object.fromEntries(uniqueNodes(queried).map((node) => [node.target.address, node.commands.clusterInfo ?? node.connection]));
  const baseline: SnapshotBaseline = { takenAtMs, clusterInfo };
  progress?.onEvent({ type: "sampling", waitMs: sampleMs });
  await sleep(sampleMs);
  return { ...(await snapshotWith(seeds, options, settings, progress)), baseline };
}

/**
 * The second of two looks, carrying the first (and its `--sample` baseline) inside it: the snapshot
 * file then replays the decision that needed both. `reasons`: why one look was not enough.
 */
export function withFirstLook(second: Snapshot, first: Snapshot, reasons: readonly string[]): Snapshot {
  return {
    ...second,
    baseline: first.baseline,
    firstLook: { takenAtMs: first.takenAtMs, finishedAtMs: first.finishedAtMs, nodes: first.nodes, reasons: [...reasons] },
  };
}
