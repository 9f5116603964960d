// Which client/bus port pairs a directory is about: learned from configuration, inferred from rules
// that open both P and P+10000, or the default 6379/16379.
import type { ClusterPorts, Policy, RedisNodeFacts, ScopeModel } from "./model.js";
import { BUS_PORT_OFFSET } from "../cluster/ports.js";
import { DEFAULT_CLIENT_PORT } from "./ports.js";

/** The ports Redis itself derives: with `tls-cluster yes` the bus follows the TLS port. */
export function portsOf(facts: RedisNodeFacts): ClusterPorts {
  const client = facts.tlsCluster && facts.tlsPort ? facts.tlsPort.value : (facts.port?.value ?? facts.tlsPort?.value ?? DEFAULT_CLIENT_PORT);
  const bus = facts.clusterPort?.value ?? client + BUS_PORT_OFFSET;
  const learnedFrom = facts.clusterPort?.at ?? facts.port?.at ?? facts.tlsPort?.at;
  return { client, bus, announcedBus: facts.announceBusPort?.value ?? bus, ...(learnedFrom ? { learnedFrom } : {}) };
}

export type ClusterMode = "cluster" | "standalone" | "unknown";

/** Cluster when any node says so; standalone when the only Redis here is Sentinel-managed or says `cluster-enabled no`. */
export function scopeMode(nodes: RedisNodeFacts[]): ClusterMode {
  if (nodes.some((node) => node.clusterEnabled?.value === true)) return "cluster";
  if (nodes.some((node) => node.sentinel || node.clusterEnabled?.value === false)) return "standalone";
  return "unknown";
}

/** Client ports P opened in one direction of a policy together with P+10000 (small explicit ranges only). */
function inferredPairs(policy: Policy): ClusterPorts[] {
  const pairs: ClusterPorts[] = [];
  for (const direction of [policy.in, policy.out]) {
    if (!direction) continue;
    const opened = new Set<number>();
    for (const rule of direction.rules) {
      if (rule.verdict !== "allow" || rule.ports.kind !== "ranges") continue;
      for (const range of rule.ports.ranges) {
        if (range.to - range.from > 64) continue;
        for (let port = range.from; port <= range.to; port++) opened.add(port);
      }
    }
    for (const port of opened) {
      if (port >= 1024 && opened.has(port + BUS_PORT_OFFSET)) pairs.push({ client: port, bus: port + BUS_PORT_OFFSET, announcedBus: port + BUS_PORT_OFFSET });
    }
  }
  return pairs;
}

export function scopePairs(scope: ScopeModel): ClusterPorts[] {
  const dataNodes = scope.nodes.filter((node) => !node.sentinel);
  const learned = dataNodes.map(portsOf);
  const pairs = learned.length > 0 ? learned : [{ client: DEFAULT_CLIENT_PORT, bus: DEFAULT_CLIENT_PORT + BUS_PORT_OFFSET, announcedBus: DEFAULT_CLIENT_PORT + BUS_PORT_OFFSET }];
  pairs.push(...scope.policies.flatMap(inferredPairs));
  const unique = new Map<string, ClusterPorts>();
  for (const pair of pairs) {
    const key = `${pair.client}/${pair.bus}`;
    if (!unique.has(key)) unique.set(key, pair);
  }
  return [...unique.values()];
}
