// snapshot -> ClusterAnalysis: every node's own view parsed, one summary row per node, and the
// observer -> peer link matrix. Pure: reads the snapshot only.
import type { ClusterAnalysis, NodeSummary, NodeView } from "../../model/analysis.js";
import type { ClusterNodeEntry } from "../../model/cluster.js";
import type { BusConnections, LinkCell } from "../../model/links.js";
import type { NodeSnapshot, Snapshot } from "../../model/snapshot.js";
import { linkStateOf, linkThresholds, type LinkThresholds } from "./linkState.js";
import { classifyResponse } from "./response.js";
import { buildView } from "./views.js";

/** The value most entries agree on (first seen wins a tie), or null for no entries. */
export function majority<T>(values: readonly T[]): T | null {
  const counts = new Map<T, number>();
  let best: T | null = null;
  let bestCount = 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** Every view's entry for a node id, so summaries can take what most views agree on. */
function entriesById(views: readonly NodeView[]): Map<string, ClusterNodeEntry[]> {
  const byId = new Map<string, ClusterNodeEntry[]>();
  for (const view of views) {
    for (const entry of view.nodes ?? []) {
      const list = byId.get(entry.id);
      if (list) list.push(entry);
      else byId.set(entry.id, [entry]);
    }
  }
  return byId;
}

/** Node ids as every view lists them under an address, to name a node that did not answer. */
function idsByAddress(views: readonly NodeView[]): Map<string, string[]> {
  const byAddress = new Map<string, string[]>();
  for (const view of views) {
    for (const entry of view.nodes ?? []) {
      const list = byAddress.get(entry.address);
      if (list) list.push(entry.id);
      else byAddress.set(entry.address, [entry.id]);
    }
  }
  return byAddress;
}

function summarize(
  node: NodeSnapshot,
  view: NodeView,
  id: string | null,
  byId: Map<string, ClusterNodeEntry[]>,
  addressById: Map<string, string>,
): NodeSummary {
  const entries = id === null ? [] : (byId.get(id) ?? []);
  const own = entries.find((entry) => entry.myself && view.myId === entry.id) ?? null;
  const others = entries.filter((entry) => !entry.myself);
  const role = own ? own.role : majority(others.map((entry) => entry.role));
  const masterId = own ? own.masterId : majority(others.map((entry) => entry.masterId));
  let flaggedAs: NodeSummary["flaggedAs"] = null;
  for (const entry of others) {
    if (entry.flags.includes("fail")) flaggedAs = "fail";
    else if (entry.flags.includes("fail?") && flaggedAs === null) flaggedAs = "fail?";
  }
  return {
    address: node.address,
    id,
    role,
    masterAddress: masterId === null ? null : (addressById.get(masterId) ?? null),
    clientPort: node.port,
    busPort: majority(entries.map((entry) => entry.cport)),
    response: classifyResponse(node),
    clientProbe: node.probes.client,
    busProbe: node.probes.bus,
    clusterState: view.info?.state ?? null,
    // A node's own claim when it answered; otherwise what the first view that lists it says.
    slots: (own ?? others[0])?.slots ?? [],
    flaggedAs,
  };
}

/**
 * CLUSTER LINKS entries folded per peer: a `to` entry is the observer's own connection to the peer's
 * bus port, a `from` entry the peer's connection to the observer's. Sample entry:
 *   ["direction","to","node","18adf66a...","create-time",1795668979746,"events","","send-buffer-allocated",0,"send-buffer-used",0]
 */
function connectionsById(view: NodeView): Map<string, BusConnections> | null {
  if (view.links === null) return null;
  const byId = new Map<string, BusConnections>();
  for (const link of view.links) {
    const current = byId.get(link.nodeId) ?? { outbound: false, inbound: false };
    if (link.direction === "to") current.outbound = true;
    else current.inbound = true;
    byId.set(link.nodeId, current);
  }
  return byId;
}

function linkRow(
  observer: NodeSummary,
  view: NodeView,
  fallbackNowMs: number,
  nodes: readonly NodeSummary[],
  thresholds: LinkThresholds,
): LinkCell[] {
  const row: LinkCell[] = [];
  const answering = observer.response.kind === "answering" && view.nodes !== null;
  const byId = new Map((view.nodes ?? []).map((entry) => [entry.id, entry]));
  const connections = connectionsById(view);
  // Without INFO server_time_usec (denied), the tool's clock stands in: right on one host, off by
  // the clock skew elsewhere.
  const nowMs = view.nowMs ?? fallbackNowMs;
  for (const peer of nodes) {
    if (peer.address === observer.address) continue;
    if (!answering) {
      const reason = view.nodes === null && observer.response.kind === "answering" ? "CLUSTER NODES not available" : observer.response.kind;
      row.push({ observer: observer.address, peer: peer.address, state: { kind: "unknown", reason }, connections: null, line: null });
      continue;
    }
    const entry = peer.id === null ? undefined : byId.get(peer.id);
    if (!entry) {
      row.push({ observer: observer.address, peer: peer.address, state: { kind: "missing" }, connections: null, line: null });
      continue;
    }
    row.push({
      observer: observer.address,
      peer: peer.address,
      state: linkStateOf(entry, nowMs, thresholds),
      connections: connections === null ? null : (connections.get(entry.id) ?? { outbound: false, inbound: false }),
      line: entry.line,
    });
  }
  return row;
}

export function analyze(snapshot: Snapshot): ClusterAnalysis {
  const views = snapshot.nodes.map(buildView);
  const byId = entriesById(views);
  const addressById = new Map<string, string>();
  for (const [id, entries] of byId) {
    const address = majority(entries.map((entry) => entry.address));
    if (address !== null) addressById.set(id, address);
  }
  const idsAt = idsByAddress(views);
  const nodes = snapshot.nodes.map((node, index) => {
    const view = views[index] as NodeView;
    const id = view.myId ?? majority(idsAt.get(node.address) ?? []);
    return summarize(node, view, id, byId, addressById);
  });
  const nodeTimeoutMs = majority(views.map((view) => view.nodeTimeoutMs).filter((value): value is number => value !== null));
  const thresholds = linkThresholds(nodeTimeoutMs);
  const links = nodes.flatMap((observer, index) =>
    linkRow(observer, views[index] as NodeView, snapshot.nodes[index]?.finishedAtMs ?? snapshot.finishedAtMs, nodes, thresholds),
  );
  return {
    nodes,
    views,
    links,
    nodeTimeoutMs,
    pendingThresholdMs: thresholds.pendingMs,
    pongStaleThresholdMs: thresholds.pongStaleMs,
  };
}
