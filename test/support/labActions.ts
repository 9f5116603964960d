// What an operator (or an incident) does to a lab cluster with redis-cli, for the fix scenarios: read
// a node's view, forget a node everywhere, leave a slot open the way an interrupted reshard does.
// Shared by the e2e tests and scripts/record-fix-fixtures.ts; no test framework in here.
import type { Lab } from "../../src/lab/lab.js";
import type { ClusterNodeEntry } from "../../src/model/cluster.js";
import { parseClusterNodes } from "../../src/parse/clusterNodes.js";
import { waitFor } from "./observe.js";

/** redis-cli against lab node `index`; throws on an error reply. */
export async function cli(lab: Lab, index: number, args: string[], input?: string): Promise<string> {
  const node = lab.node(index);
  const result = await lab.exec(["redis-cli", "-h", node.address, "-p", String(node.port), ...args], {
    timeoutMs: 60_000,
    ...(input !== undefined ? { input } : {}),
  });
  if (result.code !== 0) throw new Error(`redis-cli ${args.join(" ")} on node ${index}: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}

export async function nodesOf(lab: Lab, index: number): Promise<ClusterNodeEntry[]> {
  return parseClusterNodes(await cli(lab, index, ["CLUSTER", "NODES"]));
}

export async function idOf(lab: Lab, index: number): Promise<string> {
  return (await cli(lab, index, ["CLUSTER", "MYID"])).trim();
}

/** The lab index of the node at a client address. */
export function indexAt(lab: Lab, address: string): number {
  const node = lab.nodes.find((candidate) => candidate.endpoint === address);
  if (!node) throw new Error(`no lab node at ${address}`);
  return node.index;
}

/** Replicas that `observer` does not flag fail, as lab indexes, in its view's order. */
export async function replicas(lab: Lab, observer: number): Promise<number[]> {
  const view = await nodesOf(lab, observer);
  return view.filter((entry) => entry.role === "slave" && !entry.flags.includes("fail")).map((entry) => indexAt(lab, entry.address));
}

/** The lab index of the replica of the master at lab index `master`, per that master's view. */
export async function replicaOf(lab: Lab, master: number): Promise<number> {
  const id = await idOf(lab, master);
  const replica = (await nodesOf(lab, master)).find((entry) => entry.masterId === id);
  if (!replica) throw new Error(`node ${master} has no replica`);
  return indexAt(lab, replica.address);
}

/** `CLUSTER FORGET id` on every other node, as `redis-cli --cluster del-node` does before it resets the node. */
export async function forgetEverywhere(lab: Lab, forgotten: number, others: readonly number[]): Promise<void> {
  const id = await idOf(lab, forgotten);
  await Promise.all(others.map((index) => cli(lab, index, ["CLUSTER", "FORGET", id])));
  await waitFor("every other node has forgotten it", async () => {
    const views = await Promise.all(others.map((index) => nodesOf(lab, index)));
    return views.every((view) => !view.some((entry) => entry.id === id));
  });
}

/** Until every given observer flags the node at lab index `index` fail. */
export async function waitFlaggedFailBy(lab: Lab, index: number, observers: readonly number[]): Promise<void> {
  const address = lab.node(index).endpoint;
  await waitFor(`nodes ${observers.join(", ")} flag node ${index} fail`, async () => {
    const views = await Promise.all(observers.map((observer) => nodesOf(lab, observer).catch(() => null)));
    return views.every((view) => view?.some((entry) => entry.address === address && entry.flags.includes("fail")) === true);
  });
}

export interface OpenSlot {
  slot: number;
  source: ClusterNodeEntry;
  target: ClusterNodeEntry;
}

/**
 * A real `redis-cli --cluster reshard` of one slot by a user who may not MIGRATE: redis-cli sets the
 * slot importing on the target and migrating on the source, then stops at the first MIGRATE (the slot
 * holds keys), exactly where a reshard killed or failing mid-slot leaves it.
 */
export async function interruptedReshard(lab: Lab, seed: number, live: readonly number[]): Promise<OpenSlot & { output: string }> {
  const view = await nodesOf(lab, seed);
  const [source, target] = view.filter((entry) => entry.role === "master" && entry.slots.length > 0 && !entry.flags.includes("fail"));
  if (!source || !target) throw new Error("an interrupted reshard needs two masters");
  await Promise.all(live.map((index) => cli(lab, index, ["ACL", "SETUSER", "resharder", "on", ">reshard-secret", "~*", "&*", "+@all", "-migrate"])));
  const result = await lab.exec(
    [
      "redis-cli",
      "--cluster",
      "reshard",
      lab.node(seed).endpoint,
      "--cluster-from",
      source.id,
      "--cluster-to",
      target.id,
      "--cluster-slots",
      "1",
      "--cluster-yes",
      "--user",
      "resharder",
      "--pass",
      "reshard-secret",
    ],
    { timeoutMs: 60_000 },
  );
  return { slot: source.slots[0]?.start ?? -1, source, target, output: result.stdout + result.stderr };
}
