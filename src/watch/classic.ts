// The classic warning signs on-call engineers already look for, each a condition over the signals of
// this sample (and a short window of earlier ones). They fire after Redis has noticed the fault; the
// early warning fires before. Pure.
import type { Evidence } from "../model/finding.js";
import type { Reading } from "../model/events.js";
import type { NodeSignals, SampleSignals } from "../model/signals.js";

/** Sent-without-received is judged over this long: one quiet second is normal in a small cluster. */
const GOSSIP_WINDOW_MS = 3000;

/** Per node: (time, messages sent, messages received) for the last GOSSIP_WINDOW_MS and one more. */
export type GossipWindow = Map<string, Array<{ at: number; sent: number; received: number }>>;

export interface ClassicInput {
  signals: SampleSignals;
  previous: SampleSignals | null;
  window: GossipWindow;
  /** Nodes the answering views list (by id, handshakes aside): what cluster_known_nodes should say. */
  expectedNodes: number;
  /** Keys of the alerts firing now: a growing count keeps firing while it stays non-zero. */
  firing: ReadonlySet<string>;
  /** Each node's connected_clients in its last sample with cluster_state:ok. */
  clientsWhileOk: ReadonlyMap<string, number>;
}

const source = (node: NodeSignals): string => node.address;

function clusterStateFail(nodes: readonly NodeSignals[]): Reading[] {
  const failing = nodes.filter((node) => node.clusterState === "fail");
  if (failing.length === 0) return [];
  return [
    {
      key: "CLUSTER_STATE_FAIL",
      code: "CLUSTER_STATE_FAIL",
      severity: "critical",
      nodes: failing.map(source),
      summary: `${failing.length} node(s) report cluster_state:fail: their clients get CLUSTERDOWN`,
      evidence: failing.slice(0, 6).map((node) => ({
        source: node.address,
        what: "CLUSTER INFO",
        detail: `cluster_state:fail cluster_slots_pfail:${node.slotsPfail} cluster_slots_fail:${node.slotsFail} cluster_known_nodes:${node.knownNodes}`,
      })),
      cause: null,
      support: 0,
    },
  ];
}

function slotsPfail(input: ClassicInput): Reading[] {
  const before = new Map((input.previous?.nodes ?? []).map((node) => [node.address, node.slotsPfail ?? 0]));
  const pfail = input.signals.nodes.filter((node) => (node.slotsPfail ?? 0) > 0);
  const growing = pfail.filter((node) => (node.slotsPfail ?? 0) > (before.get(node.address) ?? 0));
  if (pfail.length === 0 || (growing.length === 0 && !input.firing.has("SLOTS_PFAIL"))) return [];
  return [
    {
      key: "SLOTS_PFAIL",
      code: "SLOTS_PFAIL",
      severity: "warning",
      nodes: pfail.map(source),
      summary: `slots in PFAIL on ${pfail.length} node(s): they suspect a master is down and will mark it FAIL once a majority agrees`,
      evidence: pfail.slice(0, 6).map((node) => ({
        source: node.address,
        what: "CLUSTER INFO",
        detail: `cluster_slots_pfail:${node.slotsPfail} (was ${before.get(node.address) ?? "unknown"} one sample earlier)`,
      })),
      cause: null,
      support: 0,
    },
  ];
}

function slotsFail(nodes: readonly NodeSignals[]): Reading[] {
  const failing = nodes.filter((node) => (node.slotsFail ?? 0) > 0);
  if (failing.length === 0) return [];
  return [
    {
      key: "SLOTS_FAIL",
      code: "SLOTS_FAIL",
      severity: "critical",
      nodes: failing.map(source),
      summary: `slots in FAIL on ${failing.length} node(s): their master was declared failed and is not replaced yet`,
      evidence: failing.slice(0, 6).map((node) => ({ source: node.address, what: "CLUSTER INFO", detail: `cluster_slots_fail:${node.slotsFail}` })),
      cause: null,
      support: 0,
    },
  ];
}

/** Adds this sample's counters to the window and drops what is older than needed. */
export function advanceGossipWindow(window: GossipWindow, signals: SampleSignals): GossipWindow {
  const next: GossipWindow = new Map();
  for (const node of signals.nodes) {
    const sent = node.messages?.["sent"];
    const received = node.messages?.["received"];
    if (sent === undefined || received === undefined) continue;
    const kept = (window.get(node.address) ?? []).filter((point) => point.sent <= sent && point.received <= received);
    kept.push({ at: signals.at, sent, received });
    // Keep the newest point at least a window old, and everything after it.
    const anchor = kept.findLastIndex((point) => point.at <= signals.at - GOSSIP_WINDOW_MS);
    next.set(node.address, anchor > 0 ? kept.slice(anchor) : kept);
  }
  return next;
}

function gossipAsymmetry(input: ClassicInput): Reading[] {
  const deltas = new Map<string, { sent: number; received: number; seconds: number }>();
  for (const [address, points] of input.window) {
    const first = points[0];
    const last = points.at(-1);
    if (!first || !last || last.at - first.at < GOSSIP_WINDOW_MS) continue;
    deltas.set(address, { sent: last.sent - first.sent, received: last.received - first.received, seconds: (last.at - first.at) / 1000 });
  }
  const flat = [...deltas].filter(([, delta]) => delta.sent > 0 && delta.received === 0);
  // A cluster where nobody receives anything is stalled as a whole: that is not asymmetry.
  const othersHear = [...deltas].some(([, delta]) => delta.received > 0);
  if (flat.length === 0 || !othersHear) return [];
  return [
    {
      key: "GOSSIP_ASYMMETRY",
      code: "GOSSIP_ASYMMETRY",
      severity: "warning",
      nodes: flat.map(([address]) => address),
      summary: `${flat.map(([address]) => address).join(", ")} keep sending bus messages but receive none: nobody's messages reach them`,
      evidence: flat.slice(0, 6).map(([address, delta]) => ({
        source: address,
        what: `CLUSTER INFO over ${delta.seconds.toFixed(1)} s`,
        detail: `cluster_stats_messages_sent +${delta.sent}, cluster_stats_messages_received +0`,
      })),
      cause: null,
      support: 0,
    },
  ];
}

function knownNodesLow(input: ClassicInput): Reading[] {
  const before = new Map((input.previous?.nodes ?? []).map((node) => [node.address, node.knownNodes]));
  const evidence: Evidence[] = [];
  const low: string[] = [];
  for (const node of input.signals.nodes) {
    if (node.knownNodes === null) continue;
    if (node.knownNodes >= input.expectedNodes) continue;
    const was = before.get(node.address) ?? null;
    const dropped = was !== null && node.knownNodes < was;
    low.push(node.address);
    evidence.push({
      source: node.address,
      what: "CLUSTER INFO",
      detail: `cluster_known_nodes:${node.knownNodes} while the views list ${input.expectedNodes} nodes${dropped ? ` (was ${was})` : ""}`,
    });
  }
  if (low.length === 0) return [];
  return [
    {
      key: "KNOWN_NODES_LOW",
      code: "KNOWN_NODES_LOW",
      severity: "warning",
      nodes: low,
      summary: `${low.length} node(s) know fewer nodes than the cluster has: gossip about a member did not reach them, or they forgot it`,
      evidence: evidence.slice(0, 6),
      cause: null,
      support: 0,
    },
  ];
}

/**
 * The node answers, its clients stay connected (no fewer than while the cluster was ok), and it reports
 * cluster_state:fail: clients reach it on the client port, the cluster bus does not.
 */
function clientsUpClusterDown(nodes: readonly NodeSignals[], clientsWhileOk: ReadonlyMap<string, number>): Reading[] {
  const signature = nodes.filter((node) => {
    const before = clientsWhileOk.get(node.address);
    return node.answering && node.clusterState === "fail" && before !== undefined && node.connectedClients !== null && node.connectedClients >= before;
  });
  if (signature.length === 0) return [];
  return [
    {
      key: "CLIENTS_UP_CLUSTER_DOWN",
      code: "CLIENTS_UP_CLUSTER_DOWN",
      severity: "critical",
      nodes: signature.map(source),
      summary: `${signature.length} node(s) answer and keep their clients connected while reporting cluster_state:fail: the client port works, the cluster bus does not`,
      evidence: signature.slice(0, 6).map((node) => ({
        source: node.address,
        what: "INFO clients / CLUSTER INFO",
        detail: `connected_clients:${node.connectedClients} (${clientsWhileOk.get(node.address)} while cluster_state was ok) cluster_state:fail`,
      })),
      cause: null,
      support: 0,
    },
  ];
}

/** Remembers each node's connected_clients while its cluster_state is ok, for the signature above. */
export function rememberClients(clientsWhileOk: Map<string, number>, signals: SampleSignals): Map<string, number> {
  const members = new Set(signals.nodes.map((node) => node.address));
  for (const address of clientsWhileOk.keys()) if (!members.has(address)) clientsWhileOk.delete(address);
  for (const node of signals.nodes) if (node.clusterState === "ok" && node.connectedClients !== null) clientsWhileOk.set(node.address, node.connectedClients);
  return clientsWhileOk;
}

export function classicReadings(input: ClassicInput): Reading[] {
  const { nodes } = input.signals;
  return [
    ...clusterStateFail(nodes),
    ...slotsPfail(input),
    ...slotsFail(nodes),
    ...gossipAsymmetry(input),
    ...knownNodesLow(input),
    ...clientsUpClusterDown(nodes, input.clientsWhileOk),
  ];
}
