// The numbers on-call engineers watch, read off one sample's analysis: per node (cluster_state, slots
// in PFAIL/FAIL, known nodes, connected clients, gossip message rates) and per observer -> peer (ping
// pending age, pong age, flags, link re-creations, failure reports). Pure; rates and link churn compare
// with the previous sample's counters, carried in SignalMemory.
import type { ClusterAnalysis, NodeView } from "../model/analysis.js";
import type { ClusterLink } from "../model/cluster.js";
import type { LinkSignals, NodeSignals, SampleSignals } from "../model/signals.js";
import type { CommandResult, Snapshot } from "../model/snapshot.js";
import { parseClusterLinks } from "../parse/clusterLinks.js";

/** What signals need from earlier samples: counters for rates, link create-times for churn. */
export interface SignalMemory {
  at: number | null;
  messages: Map<string, Record<string, number>>;
  /** "observer|peerId|direction" -> create-time of the link object last seen. */
  linkCreated: Map<string, number>;
  /** "observer|peer" -> re-creations counted so far. */
  recreations: Map<string, number>;
}

export function emptySignalMemory(): SignalMemory {
  return { at: null, messages: new Map(), linkCreated: new Map(), recreations: new Map() };
}

function ratesSince(now: Record<string, number>, before: Record<string, number> | undefined, seconds: number): Record<string, number> | null {
  if (!before || seconds <= 0) return null;
  const rates: Record<string, number> = {};
  for (const [name, value] of Object.entries(now)) {
    const delta = value - (before[name] ?? 0);
    // A counter that went down means the node restarted: no rate across a reset.
    if (delta < 0) return null;
    rates[name] = delta / seconds;
  }
  return rates;
}

/** CONNECTED_CLIENTS from `INFO clients`: "connected_clients:12". */
function connectedClients(view: NodeView): number | null {
  const text = view.serverInfo?.["clients"]?.["connected_clients"];
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : null;
}

/** The create-times need the raw CLUSTER LINKS reply: the analysis keeps only which links exist. */
function rawLinks(result: CommandResult | undefined): ClusterLink[] {
  if (!result?.ok) return [];
  try {
    return parseClusterLinks(result.reply);
  } catch {
    return []; // the analysis reports the unreadable reply; churn just skips this round
  }
}

function integerReply(reply: unknown): number | null {
  return typeof reply === "number" && Number.isFinite(reply) ? reply : null;
}

function linkRows(view: NodeView, snapshot: Snapshot, index: number, memory: SignalMemory): LinkSignals[] {
  const entries = view.nodes;
  if (entries === null) return [];
  const nowMs = view.nowMs ?? snapshot.nodes[index]?.finishedAtMs ?? snapshot.finishedAtMs;
  const addressById = new Map(entries.map((entry) => [entry.id, entry.address]));
  // CLUSTER LINKS comes every few rounds; on the others the counts carry over unchanged.
  for (const link of rawLinks(snapshot.nodes[index]?.commands.clusterLinks)) {
    const peer = addressById.get(link.nodeId);
    if (peer === undefined) continue;
    const key = `${view.observer}|${link.nodeId}|${link.direction}`;
    const before = memory.linkCreated.get(key);
    if (before !== undefined && before !== link.createTimeMs) {
      const pair = `${view.observer}|${peer}`;
      memory.recreations.set(pair, (memory.recreations.get(pair) ?? 0) + 1);
    }
    memory.linkCreated.set(key, link.createTimeMs);
  }
  const reports = snapshot.nodes[index]?.failureReports ?? {};
  const rows: LinkSignals[] = [];
  for (const entry of entries) {
    if (entry.myself) continue;
    const report = reports[entry.id];
    rows.push({
      observer: view.observer,
      peer: entry.address,
      pingSentMs: entry.pingSentMs > 0 ? entry.pingSentMs : null,
      pongRecvMs: entry.pongRecvMs > 0 ? entry.pongRecvMs : null,
      pingPendingMs: entry.pingSentMs > 0 ? Math.max(0, nowMs - entry.pingSentMs) : null,
      pongAgeMs: entry.pongRecvMs > 0 ? Math.max(0, nowMs - entry.pongRecvMs) : null,
      flag: entry.flags.includes("fail") ? "fail" : entry.flags.includes("fail?") ? "pfail" : null,
      linkRecreations: memory.recreations.get(`${view.observer}|${entry.address}`) ?? 0,
      failureReports: report?.ok ? integerReply(report.reply) : null,
    });
  }
  return rows;
}

/** Reads one sample. Mutates `memory` (the only state it keeps) so it stays bounded by membership. */
export function readSignals(analysis: ClusterAnalysis, snapshot: Snapshot, memory: SignalMemory): SampleSignals {
  const at = snapshot.takenAtMs;
  const seconds = memory.at === null ? 0 : (at - memory.at) / 1000;
  const nodes: NodeSignals[] = analysis.nodes.map((node, index) => {
    const view = analysis.views[index];
    const info = view?.info ?? null;
    const messages = info?.messages ?? null;
    return {
      address: node.address,
      answering: node.response.kind === "answering",
      role: node.role,
      clusterState: info?.state ?? null,
      slotsPfail: info?.slotsPfail ?? null,
      slotsFail: info?.slotsFail ?? null,
      knownNodes: info?.knownNodes ?? null,
      linksBufferLimitExceeded: info?.linksBufferLimitExceeded ?? null,
      connectedClients: view ? connectedClients(view) : null,
      messages,
      messageRates: messages === null ? null : ratesSince(messages, memory.messages.get(node.address), seconds),
    };
  });
  const links = analysis.views.flatMap((view, index) => linkRows(view, snapshot, index, memory));

  memory.at = at;
  memory.messages = new Map(nodes.flatMap((node) => (node.messages ? [[node.address, node.messages] as const] : [])));
  // A link that vanishes and comes back keeps its last create-time, so its return counts as a
  // re-creation; only nodes that left the cluster are forgotten.
  const members = new Set(nodes.map((node) => node.address));
  for (const key of memory.linkCreated.keys()) if (!members.has(key.slice(0, key.indexOf("|")))) memory.linkCreated.delete(key);
  for (const pair of memory.recreations.keys()) {
    const [observer = "", peer = ""] = pair.split("|");
    if (!members.has(observer) || !members.has(peer)) memory.recreations.delete(pair);
  }
  return { at, nodes, links };
}

/** The longest wait of a PING still below the early threshold, and its ends: a sample just after it crosses settles whether it is a fault. */
export function quietestPending(signals: SampleSignals, thresholdMs: number): { pendingMs: number; observer: string; peer: string } | null {
  let quiet: { pendingMs: number; observer: string; peer: string } | null = null;
  for (const link of signals.links) {
    const pending = link.pingPendingMs;
    if (pending === null || pending > thresholdMs || link.flag !== null) continue;
    if (quiet === null || pending > quiet.pendingMs) quiet = { pendingMs: pending, observer: link.observer, peer: link.peer };
  }
  return quiet;
}
