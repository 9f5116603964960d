// The monitor's I/O: one long-lived session per node and one pipelined round of read-only commands per
// node per sample, each node bounded by its own timeout. A node that fails (timeout, error, a reply that
// breaks RESP or a limit) loses its connection, which is destroyed at once, and is reconnected in the
// background, so a dead, hung or streaming node costs one timeout per sample at most, never stalls the
// others and never buffers without bound. Only nodes in the seeds' scope are dialled.
// Each round becomes a Snapshot, the same contract `check` diagnoses.
import { nodeViewOf, suspectNodeIds } from "../parse/nodeView.js";
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { CommandResult, NodeCommand, NodeSnapshot, ProbeResult, SkippedAddress, Snapshot } from "../model/snapshot.js";
import { SNAPSHOT_FORMAT } from "../model/snapshot.js";
import { VERSION } from "../version.js";
import { closeSession, COMMAND_ARGS, openSession, type NodeSession } from "../collect/nodeClient.js";
import type { ConnectionOptions } from "../collect/options.js";
import { retryOlderForms, wireForm } from "../collect/olderForms.js";
import { probeTcp } from "../collect/probe.js";
import type { ReadBudget } from "../collect/resp.js";
import { runSettings, type RunSettings } from "../collect/runSettings.js";
import { formatAddress, type HostPort } from "../cluster/address.js";
import { majorityBusPort, type BusPortVote } from "../cluster/ports.js";
import { busProbeHost, tlsServerName } from "../cluster/busAddress.js";
import { announceConfigOf } from "../parse/config.js";
import type { AnnounceConfig } from "../model/cluster.js";
import { seedMembers, updateMembership, type Member, type MembershipChange } from "./membership.js";

/**
 * Sent every round: PING proves the node answers, INFO carries its clock (server_time_usec, which
 * ping-sent ages are read on) and connected_clients. Four commands a round; CLUSTER LINKS, only
 * needed for link churn, goes every LINKS_EVERY rounds, keeping a 1 s interval under 5 commands/s.
 */
const ROUND_COMMANDS: readonly NodeCommand[] = ["ping", "clusterInfo", "clusterNodes", "info"];
const LINKS_EVERY = 3;
const BUS_PROBE_MAX_AGE_MS = 3000;
/**
 * A suspect's bus port is probed with this short timeout: a handshake from the monitor's host takes a
 * round trip (well under a millisecond on a LAN), so no answer in 200 ms means the port is filtered, and
 * the result is in hand for the early warning's next follow-up sample (250 ms later) instead of a second later.
 */
const SUSPECT_PROBE_TIMEOUT_MS = 200;
/** At most one suspect probe per node this often: a few per second per node at most. */
const SUSPECT_PROBE_GAP_MS = 250;

/** A reconnect or bus probe already running for a node is not started twice. */
interface NodeHandle {
  member: Member;
  session: NodeSession | null;
  /** Why the last connect failed, reported for the node until a connect succeeds. */
  lastConnection: CommandResult;
  connecting: Promise<void> | null;
  /** CONFIG GET cluster-node-timeout, asked once per session: it rarely changes and is often denied. */
  nodeTimeout: CommandResult | undefined;
  /** CONFIG GET cluster-announce-*, asked once per session: where the node's bus is (busProbeHost). */
  announce: CommandResult | undefined;
  announceConfig: AnnounceConfig | null;
  /** Commands this node refused in their newer form (INFO on Redis 6.2): sent in the older one from then on. */
  olderForms: Set<NodeCommand>;
  clientProbe: ProbeResult | null;
  busProbe: ProbeResult | null;
  busProbedAt: number;
  busProbing: boolean;
  /** Whether the bus port ever answered the monitor: only then does a silent probe mean it got filtered. */
  busOpenSeen: boolean;
  busPort: number | null;
  /** Set when membership drops the node, so a connect still running closes what it opened. */
  dropped: boolean;
}

export interface SamplerEvents {
  /** Membership changed (after the round that showed it). */
  onMembership(change: MembershipChange): void;
}

function notConnected(): CommandResult {
  return { ok: false, kind: "connection", error: "not connected yet", ms: 0 };
}

export class Sampler {
  private readonly handles = new Map<string, NodeHandle>();
  private round = 0;
  /** Some node announces client addresses (Valkey): an address a view prints may not carry the bus. */
  private clientIpsAnnounced = false;
  /** The bytes this sample may still read from all nodes together. */
  private budget: ReadBudget;
  private outOfScope: SkippedAddress[] = [];
  /** Listed nodes left out because of --max-nodes, as of the last round with views. */
  overLimit = 0;

  private constructor(
    private readonly seeds: readonly HostPort[],
    private readonly options: ConnectionOptions,
    private readonly settings: RunSettings,
    private readonly events: SamplerEvents,
  ) {
    this.budget = settings.newBudget();
  }

  /** Reads TLS files and connects to the seeds (bounded by the timeout) before the first round. */
  static async open(seeds: HostPort[], options: ConnectionOptions, events: SamplerEvents): Promise<Sampler> {
    const sampler = new Sampler(seeds, options, await runSettings(seeds, options), events);
    for (const member of seedMembers(seeds, formatAddress)) sampler.handles.set(member.key, sampler.newHandle(member));
    await Promise.all([...sampler.handles.values()].map((handle) => sampler.connect(handle)));
    return sampler;
  }

  get addresses(): string[] {
    return [...this.handles.values()].map((handle) => handle.member.address);
  }

  private newHandle(member: Member): NodeHandle {
    return {
      member,
      session: null,
      lastConnection: notConnected(),
      connecting: null,
      nodeTimeout: undefined,
      announce: undefined,
      announceConfig: null,
      olderForms: new Set(),
      clientProbe: null,
      busProbe: null,
      busProbedAt: 0,
      busProbing: false,
      busOpenSeen: false,
      busPort: null,
      dropped: false,
    };
  }

  /** Connects (with a client-port probe beside it, to tell a dead node from a hung one) unless already trying. */
  private connect(handle: NodeHandle): Promise<void> {
    handle.connecting ??= (async () => {
      const { host, port, hostname } = handle.member;
      const [session, probe] = await Promise.all([
        openSession(host, port, this.settings.client, tlsServerName(host, hostname ?? null)),
        probeTcp(host, port, this.timeoutMs),
      ]);
      handle.clientProbe = probe;
      if (!session.client) {
        handle.lastConnection = session.connection;
        return;
      }
      const [timeout, announce] = await session.client.pipeline([COMMAND_ARGS.configNodeTimeout, COMMAND_ARGS.configAnnounce]);
      if (handle.dropped || !session.client.alive) {
        closeSession(session);
        // A node that times out or garbles even this one reply is reported as such until it answers.
        if (timeout !== undefined && !timeout.ok) handle.lastConnection = timeout;
        return;
      }
      handle.session = session;
      handle.nodeTimeout = timeout;
      handle.announce = announce;
      handle.announceConfig = announceConfigOf(announce);
      if ((handle.announceConfig?.clientIps.length ?? 0) > 0) this.clientIpsAnnounced = true;
    })().finally(() => {
      handle.connecting = null;
    });
    return handle.connecting;
  }

  /** Where the node's bus is: not a client address it announces (Valkey), when it says so; null: unknown or out of scope. */
  private busHost(handle: NodeHandle): string | null {
    return busProbeHost({
      host: handle.member.host,
      own: handle.announceConfig,
      clusterAnnouncesClientIps: this.clientIpsAnnounced,
      admit: this.settings.admit,
    });
  }

  private dropSession(handle: NodeHandle, why: CommandResult): void {
    if (handle.session) closeSession(handle.session);
    handle.session = null;
    handle.lastConnection = why;
  }

  private get timeoutMs(): number {
    return this.settings.client.timeoutMs;
  }

  /** Starts a TCP probe of the node's announced bus port in the background; the next rounds report it. */
  private refreshBusProbe(handle: NodeHandle, timeoutMs: number): void {
    const host = this.busHost(handle);
    if (handle.busPort === null || handle.busProbing || host === null) return;
    handle.busProbing = true;
    void probeTcp(host, handle.busPort, timeoutMs).then((probe) => {
      handle.busProbe = probe;
      handle.busProbedAt = Date.now();
      handle.busProbing = false;
      if (probe.state === "open") handle.busOpenSeen = true;
    });
  }

  /**
   * Probes the bus port of a node the early warning suspects, with a short timeout, so the next sample
   * tells whether the port still answers. A port that never answered the monitor (it runs outside the
   * nodes' security group) gets the ordinary timeout: its silence says nothing about the fault.
   */
  probeSuspect(address: string): void {
    const handle = [...this.handles.values()].find((candidate) => candidate.member.address === address);
    if (!handle || Date.now() - handle.busProbedAt < SUSPECT_PROBE_GAP_MS) return;
    this.refreshBusProbe(handle, handle.busOpenSeen ? Math.min(SUSPECT_PROBE_TIMEOUT_MS, this.timeoutMs) : this.timeoutMs);
  }

  private async queryNode(handle: NodeHandle, withLinks: boolean): Promise<Omit<NodeSnapshot, "failureReports" | "probes">> {
    const startedAtMs = Date.now();
    const { member } = handle;
    const base = { address: member.address, host: member.host, port: member.port, origin: member.origin, startedAtMs };
    const client = handle.session?.client;
    if (!handle.session || !client) {
      void this.connect(handle);
      return { ...base, finishedAtMs: Date.now(), connection: handle.lastConnection, commands: {} };
    }
    const commands: NodeCommand[] = withLinks ? [...ROUND_COMMANDS, "clusterLinks"] : [...ROUND_COMMANDS];
    const replies = await client.pipeline(
      commands.map((command) => wireForm(command, handle.olderForms.has(command))),
      this.budget,
    );
    const results: Partial<Record<NodeCommand, CommandResult>> = {};
    commands.forEach((command, index) => {
      const reply = replies[index];
      if (reply) results[command] = reply;
    });
    for (const command of await retryOlderForms(client, results, this.budget)) handle.olderForms.add(command);
    if (handle.nodeTimeout) results.configNodeTimeout = handle.nodeTimeout;
    if (handle.announce) results.configAnnounce = handle.announce;
    const connection = handle.session.connection;
    if (!client.alive) {
      // Timed out, closed or unreadable: reported as this round's failure; the next rounds use a fresh connection.
      this.dropSession(handle, replies.find((reply) => !reply.ok) ?? connection);
      void this.connect(handle);
    }
    return { ...base, finishedAtMs: Date.now(), connection, commands: results };
  }

  private async failureReports(handle: NodeHandle, suspects: readonly string[]): Promise<Record<string, CommandResult>> {
    const client = handle.session?.client;
    if (suspects.length === 0 || !client) return {};
    const results = await client.pipeline(
      suspects.map((id) => ["CLUSTER", "COUNT-FAILURE-REPORTS", id]),
      this.budget,
    );
    return Object.fromEntries(suspects.flatMap((id, index) => (results[index] ? [[id, results[index]]] : [])));
  }

  /** One round over every known node; resolves within about one timeout whatever the nodes do. */
  async sample(): Promise<Snapshot> {
    this.round += 1;
    this.budget = this.settings.newBudget();
    const takenAtMs = Date.now();
    const withLinks = this.round % LINKS_EVERY === 1;
    const handles = [...this.handles.values()];
    const queried = await Promise.all(handles.map((handle) => this.queryNode(handle, withLinks)));
    const views = new Map<string, ClusterNodeEntry[]>();
    queried.forEach((node) => {
      const view = nodeViewOf(node.commands.clusterNodes);
      if (view) views.set(node.address, view);
    });
    const suspects = suspectNodeIds([...views.values()]);
    const reports = await Promise.all(handles.map((handle) => this.failureReports(handle, suspects)));
    this.learnBusPorts(views);
    const nodes: NodeSnapshot[] = [];
    handles.forEach((handle, index) => {
      const node = queried[index];
      // A node whose first connect is still running has no probe yet; it joins the next round.
      if (!node || !handle.clientProbe) return;
      nodes.push({ ...node, failureReports: reports[index] ?? {}, probes: { client: handle.clientProbe, bus: this.freshBusProbe(handle) } });
    });
    this.follow(views);
    return {
      format: SNAPSHOT_FORMAT,
      tool: { name: "busdoctor", version: VERSION },
      takenAtMs,
      finishedAtMs: Date.now(),
      seeds: this.seeds.map((seed) => formatAddress(seed.host, seed.port)),
      settings: { timeoutMs: this.options.timeoutMs, tls: this.options.tls !== null, auth: this.options.password !== null, user: this.options.user },
      nodes,
      baseline: null,
      outOfScope: this.outOfScope,
    };
  }

  /**
   * Bus probes are taken at discovery and again for suspects only; an old one would tell about the
   * port as it was before the fault, so past this age it is left out of the snapshot.
   */
  private freshBusProbe(handle: NodeHandle): ProbeResult | null {
    const maxAgeMs = Math.max(BUS_PROBE_MAX_AGE_MS, 3 * this.timeoutMs);
    return Date.now() - handle.busProbedAt <= maxAgeMs ? handle.busProbe : null;
  }

  /**
   * The bus port most views announce for each node (matched by id, as views may list a node under
   * another address than its own); a node whose port changes gets probed again.
   */
  private learnBusPorts(views: ReadonlyMap<string, readonly ClusterNodeEntry[]>): void {
    const byId = new Map<string, BusPortVote[]>();
    const byAddress = new Map<string, BusPortVote[]>();
    for (const entries of views.values()) {
      for (const entry of entries) {
        const vote = { cport: entry.cport, own: entry.myself };
        for (const [votes, key] of [
          [byId, entry.id],
          [byAddress, entry.address],
        ] as const) {
          const list = votes.get(key);
          if (list) list.push(vote);
          else votes.set(key, [vote]);
        }
      }
    }
    for (const handle of this.handles.values()) {
      const { id, address } = handle.member;
      const busPort = majorityBusPort((id === null ? undefined : byId.get(id)) ?? byAddress.get(address) ?? []);
      if (busPort === null || busPort === handle.busPort) continue;
      handle.busPort = busPort;
      handle.busProbe = null;
      handle.busOpenSeen = false;
      this.refreshBusProbe(handle, this.timeoutMs);
    }
  }

  private follow(views: ReadonlyMap<string, readonly ClusterNodeEntry[]>): void {
    const change = updateMembership(
      [...this.handles.values()].map((handle) => handle.member),
      views,
      { admit: this.settings.admit, maxNodes: this.settings.maxNodes },
    );
    const newlyOverLimit = change.overLimit > 0 && this.overLimit === 0;
    if (change.outOfScope !== null) {
      this.outOfScope = change.outOfScope;
      this.overLimit = change.overLimit;
    }
    // Handles are keyed by Member.key, which never changes: a renamed member keeps its connection.
    for (const member of change.removed) {
      const handle = this.handles.get(member.key);
      if (!handle) continue;
      handle.dropped = true;
      if (handle.session) closeSession(handle.session);
      this.handles.delete(member.key);
    }
    for (const member of change.members) {
      const handle = this.handles.get(member.key);
      if (handle) handle.member = member;
    }
    for (const member of change.added) {
      const handle = this.newHandle(member);
      this.handles.set(member.key, handle);
      void this.connect(handle);
    }
    if (change.added.length > 0 || change.removed.length > 0 || change.renamed.length > 0 || newlyOverLimit) this.events.onMembership(change);
  }

  close(): void {
    for (const handle of this.handles.values()) {
      handle.dropped = true;
      if (handle.session) closeSession(handle.session);
    }
    this.handles.clear();
  }
}
