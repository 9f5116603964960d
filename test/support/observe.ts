// Reads a lab node's own view with redis-cli inside the lab, to wait until a fault has shown up in
// the cluster before busdoctor is asked about it. Waiting conditions use the raw CLUSTER NODES
// columns directly (flags, ping-sent on the node's own clock), not busdoctor's analysis.
import { formatAddress } from "../../src/cluster/address.js";
import type { Lab } from "../../src/lab/lab.js";
import { runCommand } from "../../src/lab/run.js";
import type { ClusterNodeEntry } from "../../src/model/cluster.js";
import { parseClusterNodes } from "../../src/parse/clusterNodes.js";

export interface ObservedView {
  nowMs: number;
  entries: ClusterNodeEntry[];
  state: string | null;
}

async function cli(lab: Lab, index: number, args: string[]): Promise<string | null> {
  // The lab's own redis-cli (the server's release, TLS flags in a TLS lab).
  const result = await runCommand(lab.redisCliArgv(index, args), { timeoutMs: 1500 });
  return result.code === 0 && !result.timedOut ? result.stdout : null;
}

/**
 * How the nodes' views name node `index`: its endpoint, or with Valkey's client addresses the client
 * address (CLUSTER NODES prints that one to clients).
 */
export function viewedEndpoint(lab: Lab, index: number): string {
  const node = lab.node(index);
  return formatAddress(node.clientAddress ?? node.address, node.port);
}

export async function observe(lab: Lab, index: number): Promise<ObservedView | null> {
  const [nodes, time, info] = await Promise.all([cli(lab, index, ["CLUSTER", "NODES"]), cli(lab, index, ["TIME"]), cli(lab, index, ["CLUSTER", "INFO"])]);
  if (nodes === null || time === null || info === null) return null;
  const [seconds, micros] = time.trim().split(/\s+/).map(Number);
  const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? null;
  return { nowMs: (seconds ?? 0) * 1000 + Math.floor((micros ?? 0) / 1000), entries: parseClusterNodes(nodes), state };
}

/** Whether `observer` has stopped hearing the node at `peerEndpoint`: flagged, or a ping pending long. */
export function isCut(view: ObservedView, peerEndpoint: string, pendingMs: number): boolean {
  const entry = view.entries.find((candidate) => candidate.address === peerEndpoint);
  if (!entry) return false;
  if (entry.flags.includes("fail") || entry.flags.includes("fail?")) return true;
  return entry.pingSentMs > 0 && view.nowMs - entry.pingSentMs >= pendingMs;
}

export function isFlaggedFail(view: ObservedView, peerEndpoint: string): boolean {
  return view.entries.find((candidate) => candidate.address === peerEndpoint)?.flags.includes("fail") ?? false;
}

/** Polls `condition` every 200 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}

/** Waits until every (observer, peer) pair given is cut in the observer's own view. */
export async function waitUntilCut(lab: Lab, pairs: Array<[observer: number, peer: number]>, pendingMs: number): Promise<void> {
  await waitFor(`${pairs.map(([o, p]) => `${o}->${p}`).join(", ")} are cut`, async () => {
    const observers = [...new Set(pairs.map(([observer]) => observer))];
    const views = new Map(await Promise.all(observers.map(async (o) => [o, await observe(lab, o)] as const)));
    return pairs.every(([observer, peer]) => {
      const view = views.get(observer);
      return view !== null && view !== undefined && isCut(view, viewedEndpoint(lab, peer), pendingMs);
    });
  });
}
