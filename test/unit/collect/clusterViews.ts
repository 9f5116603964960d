// Real CLUSTER NODES views for the collect unit tests: the scenarios recorded from redis-server 7.0.15
// under test/fixtures/v7.0.15/raw/<scenario>/<ip>_<port>/, and this directory's own fixtures.
import { readFileSync } from "node:fs";
import type { ClusterNodeEntry } from "../../../src/model/cluster.js";
import { parseClusterNodes } from "../../../src/parse/clusterNodes.js";

/** The view of 127.0.0.<node>:6379 in a recorded 6-node scenario. */
export function recordedView(scenario: string, node: number): ClusterNodeEntry[] {
  const url = new URL(`../../fixtures/v7.0.15/raw/${scenario}/127.0.0.${node}_6379/cluster_nodes.txt`, import.meta.url);
  return parseClusterNodes(readFileSync(url, "utf8"));
}

/** A cluster node that met nobody: it does not know its own IP. */
export function freshNodeView(): ClusterNodeEntry[] {
  return parseClusterNodes(readFileSync(new URL("./fixtures/fresh-node-cluster-nodes.txt", import.meta.url), "utf8"));
}

export function entryAt(view: readonly ClusterNodeEntry[], address: string): ClusterNodeEntry {
  const entry = view.find((candidate) => candidate.address === address);
  if (!entry) throw new Error(`no entry for ${address} in the view`);
  return entry;
}

/** The id node 127.0.0.<node> gives itself in a recorded scenario (fixtures get re-recorded with new ids). */
export function ownId(scenario: string, node: number): string {
  const myself = recordedView(scenario, node).find((entry) => entry.myself);
  if (!myself) throw new Error(`no myself line in ${scenario} node ${node}`);
  return myself.id;
}
