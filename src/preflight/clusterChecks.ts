// Pure: with --cluster, what every existing node's own view says about the new node (and its view of
// them), or, before it has joined, what can be tested from here about the bus ports it will need.
import { clusterCliAddress, formatAddress } from "../cluster/address.js";
import { diagnose } from "../diagnose/index.js";
import type { ClusterAnalysis, NodeSummary } from "../model/analysis.js";
import type { LinkCell } from "../model/links.js";
import type { CheckItem, ClusterFacts, PreflightCheck } from "./model.js";
import { describePortProbe } from "../cluster/portProbe.js";

/** Who the new node is: its id when it answered, and the address preflight was given. */
export interface NewNode {
  id: string | null;
  address: string;
  /** host:port peers will dial for its bus, for the command they should run. */
  busHost: string;
  busPort: number | null;
}

/** One cell of the link matrix as a pass or fail: a fresh PONG and no ping pending past the threshold. */
function cellItem(node: string, cell: LinkCell | undefined, analysis: ClusterAnalysis, about: string): CheckItem {
  if (cell === undefined) return { node, status: "fail", reason: `no view of ${about} from this node` };
  const { state } = cell;
  const pending = `${analysis.pendingThresholdMs} ms`;
  const stale = `${analysis.pongStaleThresholdMs} ms`;
  switch (state.kind) {
    case "ok":
      if (state.pongAgeMs === null) return { node, status: "fail", reason: `lists ${about} but has never received a PONG from it` };
      if (state.pongAgeMs > analysis.pongStaleThresholdMs) {
        return { node, status: "fail", reason: `last PONG from ${about} ${state.pongAgeMs} ms ago (older than ${stale})` };
      }
      return { node, status: "pass", reason: `last PONG from ${about} ${state.pongAgeMs} ms ago, no ping pending past ${pending}` };
    case "ping-pending":
      return { node, status: "fail", reason: `ping to ${about} pending ${state.pendingMs} ms (past ${pending}): its PINGs get no PONG` };
    case "pong-stale":
      return { node, status: "fail", reason: `no PONG from ${about} for ${state.pongAgeMs} ms (past ${stale})` };
    case "pfail":
    case "fail": {
      const flag = state.kind === "pfail" ? "fail? (PFAIL)" : "fail";
      const pendingText = state.pendingMs === null ? "" : `, ping pending ${state.pendingMs} ms`;
      return { node, status: "fail", reason: `flags ${about} ${flag}${pendingText}` };
    }
    case "missing":
      return { node, status: "fail", reason: `does not list ${about} in its CLUSTER NODES (gossip has not reached it yet)` };
    case "unknown":
      return { node, status: "fail", reason: `its view could not be read: ${state.reason}` };
  }
}

function summarizeItems(name: PreflightCheck["name"], items: CheckItem[], passText: string, failText: string): PreflightCheck {
  if (items.length === 0) return { name, status: "skip", reason: "no other node in the cluster", items };
  const failed = items.filter((item) => item.status === "fail");
  if (failed.length === 0) return { name, status: "pass", reason: `all ${items.length} ${passText}`, items };
  return { name, status: "fail", reason: `${failed.length} of ${items.length} ${failText}`, items };
}

function findNewNode(analysis: ClusterAnalysis, node: NewNode): NodeSummary | undefined {
  return analysis.nodes.find((summary) => (node.id !== null ? summary.id === node.id : summary.address === node.address));
}

/** Listed by some other node's view: the node has been met (handshake done, it has its real id there). */
function isKnownByPeers(analysis: ClusterAnalysis, node: NewNode, summary: NodeSummary | undefined): boolean {
  return analysis.views.some(
    (view) =>
      view.observer !== summary?.address &&
      (view.nodes ?? []).some((entry) => !entry.myself && (node.id !== null ? entry.id === node.id : entry.address === node.address)),
  );
}

function joinedChecks(analysis: ClusterAnalysis, summary: NodeSummary): PreflightCheck[] {
  const others = analysis.nodes.filter((other) => other.address !== summary.address);
  const cell = (observer: string, peer: string): LinkCell | undefined => analysis.links.find((link) => link.observer === observer && link.peer === peer);
  const seen = others.map((other) => cellItem(other.address, cell(other.address, summary.address), analysis, summary.address));
  const it = summary.address;
  const checks = [summarizeItems("seen-by-peers", seen, `existing nodes hear ${it} (fresh PONG, no ping pending)`, `existing nodes do not hear ${it}`)];
  if (summary.response.kind !== "answering") {
    checks.push({ name: "sees-peers", status: "skip", reason: `its own view could not be read under ${summary.address} (${summary.response.kind})` });
    return checks;
  }
  const sees = others.map((other) => cellItem(other.address, cell(summary.address, other.address), analysis, other.address));
  checks.push(summarizeItems("sees-peers", sees, `existing nodes are heard in ${it}'s own view`, `existing nodes are not heard in ${it}'s own view`));
  return checks;
}

/** The peers' side of the bus cannot be tested from here: what to run on each of their hosts. */
function peerProbeCommand(host: string, port: number): string {
  return `timeout 3 bash -c 'exec 3<>/dev/tcp/${host}/${port}' && echo open || echo 'not open'`;
}

function notJoinedChecks(analysis: ClusterAnalysis, node: NewNode, seed: string): PreflightCheck[] {
  const others = analysis.nodes.filter((other) => other.address !== node.address);
  const bus = node.busPort === null ? null : formatAddress(node.busHost, node.busPort);
  const joined: PreflightCheck = {
    name: "joined",
    status: "skip",
    reason: `${node.address} is in no existing node's view yet (${others.length} nodes read from ${seed}): it has not joined; meet it (redis-cli --cluster add-node ${clusterCliAddress(node.address)} ${clusterCliAddress(seed)}) and run preflight again to check the bus both ways`,
  };
  const items = others.map((other): CheckItem => {
    const command = node.busPort === null ? undefined : peerProbeCommand(node.busHost, node.busPort);
    const withCommand = command === undefined ? {} : { command };
    if (other.busPort === null || other.busProbe === null) {
      return { node: other.address, status: "fail", reason: "announces no bus port that could be probed", ...withCommand };
    }
    const status = other.busProbe.state === "open" ? "pass" : "fail";
    return { node: other.address, status, reason: `its bus port from here: ${describePortProbe(other.busProbe)}`, ...withCommand };
  });
  const peersSide = bus === null ? "" : `; whether each existing node can reach ${bus} cannot be tested from here: run the command shown on each node's host`;
  const check = summarizeItems(
    "peer-bus-ports",
    items,
    `existing nodes' bus ports accept TCP from here${peersSide}`,
    `existing nodes' bus ports do not accept TCP from here${peersSide}`,
  );
  return [joined, check];
}

export function clusterChecks(cluster: ClusterFacts, node: NewNode): PreflightCheck[] {
  if (cluster.snapshot === null) {
    return [
      { name: "cluster-views", status: "fail", reason: `could not read the cluster's views from ${cluster.seed}: ${cluster.error ?? "no reason given"}` },
    ];
  }
  const { analysis } = diagnose(cluster.snapshot);
  const summary = findNewNode(analysis, node);
  const views: PreflightCheck = {
    name: "cluster-views",
    status: "pass",
    reason: `read ${analysis.views.filter((view) => view.nodes !== null).length} of ${analysis.nodes.length} nodes' own CLUSTER NODES from seed ${cluster.seed}`,
  };
  if (summary !== undefined && isKnownByPeers(analysis, node, summary)) return [views, ...joinedChecks(analysis, summary)];
  return [views, ...notJoinedChecks(analysis, node, cluster.seed)];
}
