// Which client/bus port pairs a scope is about: learned from configuration, inferred from rules that
// open both P and P+10000, or the default 6379/16379.
import { BUS_PORT_OFFSET } from "../cluster/ports.js";
import type { ClusterPorts, DirectionPolicy, Location, Policy, RedisNodeFacts, ScopeModel } from "./model.js";
import { DEFAULT_CLIENT_PORT } from "./ports.js";

/** The ports Redis itself derives: with `tls-cluster yes` the bus follows the TLS port. */
export function portsOf(facts: RedisNodeFacts): ClusterPorts {
  const client = facts.tlsCluster && facts.tlsPort ? facts.tlsPort.value : (facts.port?.value ?? facts.tlsPort?.value ?? DEFAULT_CLIENT_PORT);
  const bus = facts.clusterPort?.value ?? client + BUS_PORT_OFFSET;
  const learnedFrom = facts.clusterPort?.at ?? facts.port?.at ?? facts.tlsPort?.at;
  return { client, bus, announcedBus: facts.announceBusPort?.value ?? bus, ...(learnedFrom ? { learnedFrom } : {}) };
}

/** Ports a direction of a policy explicitly accepts (small explicit ranges only), each with its first rule. */
export function openedPorts(direction: DirectionPolicy | undefined): Map<number, Location> {
  const opened = new Map<number, Location>();
  for (const chain of direction?.chains ?? []) {
    for (const rule of chain.rules) {
      if (rule.verdict.kind !== "accept") continue;
      for (const condition of rule.conditions) {
        if (condition.kind !== "port" || condition.field !== "dport" || condition.negated) continue;
        for (const range of condition.ranges) {
          if (range.to - range.from > 64) continue;
          for (let port = range.from; port <= range.to; port++) if (!opened.has(port)) opened.set(port, rule.at);
        }
      }
    }
  }
  return opened;
}

/** Client ports P opened in one direction of a policy together with P+10000. */
function inferredPairs(policy: Policy): ClusterPorts[] {
  const pairs: ClusterPorts[] = [];
  for (const direction of [policy.in, policy.out]) {
    const opened = openedPorts(direction);
    for (const port of opened.keys()) {
      if (port >= 1024 && opened.has(port + BUS_PORT_OFFSET)) pairs.push({ client: port, bus: port + BUS_PORT_OFFSET, announcedBus: port + BUS_PORT_OFFSET });
    }
  }
  return pairs;
}

/**
 * Pairs inferred from rules are capped: a policy listing thousands of ports would otherwise make every
 * rule check every port of it (the lowest ports are kept; real clusters use a handful).
 */
const MAX_INFERRED_PAIRS = 16;

export function scopePairs(scope: ScopeModel): ClusterPorts[] {
  const unique = new Map<string, ClusterPorts>();
  const add = (pair: ClusterPorts): void => {
    const key = `${pair.client}/${pair.bus}`;
    if (!unique.has(key)) unique.set(key, pair);
  };
  for (const node of scope.nodes) if (!node.sentinel) add(portsOf(node));
  if (unique.size === 0) add({ client: DEFAULT_CLIENT_PORT, bus: DEFAULT_CLIENT_PORT + BUS_PORT_OFFSET, announcedBus: DEFAULT_CLIENT_PORT + BUS_PORT_OFFSET });
  const inferred = new Map<number, ClusterPorts>();
  for (const policy of scope.policies) for (const pair of inferredPairs(policy)) inferred.set(pair.client, pair);
  for (const pair of [...inferred.values()].sort((a, b) => a.client - b.client).slice(0, MAX_INFERRED_PAIRS)) add(pair);
  return [...unique.values()];
}
