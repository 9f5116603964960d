// The bus port open to the whole internet: the bus has no authentication.
import { isWholeInternet, parseAddressRange } from "../../firewall/addresses.js";
import { acceptsPort, blockedFromInternet, isExplicitWorld, rulePeers } from "../evaluate.js";
import { splitAroundBus } from "../fix/hcl.js";
import { loadBalancerFix } from "../fix/yaml.js";
import type { ClusterPorts, LintFinding, Peer, Policy, ServiceFacts } from "../model.js";
import { allowFix, finding, type LintRule, type RuleContext } from "./rule.js";

function describeWorld(peer: Peer): string {
  return peer.kind === "cidr" ? peer.cidr : peer.kind === "internet" ? peer.label : "anywhere";
}

/** A LoadBalancer Service that carries the bus port to anyone (no source ranges, not internal). */
function publicLoadBalancerBusPorts(service: ServiceFacts, pair: ClusterPorts) {
  if (service.type !== "LoadBalancer" || service.internal) return [];
  if (service.sourceRanges.length > 0 && !service.sourceRanges.some(isWholeInternet)) return [];
  return service.ports.filter((port) => port.port === pair.bus || port.port === pair.announcedBus || port.targetPort === pair.bus);
}

/**
 * Every allow rule naming the whole internet that covers the bus port, unless a connection from the
 * internet to the bus port is dropped for certain anyway (a drop before it, a deny of higher priority).
 */
function policyFindings(policy: Policy, pairs: readonly ClusterPorts[], id: string, context: RuleContext): LintFinding[] {
  const findings: LintFinding[] = [];
  const rules = policy.in;
  if (!rules) return findings;
  const reported = new Set<string>();
  const all = rules.chains.flatMap((chain) => chain.rules);
  for (const pair of pairs) {
    for (const version of rules.versions) {
      if (blockedFromInternet(rules, pair.bus, version)) continue;
      for (const rule of all) {
        if (!acceptsPort(rule, pair.bus, version)) continue;
        const world = rulePeers(rule, "in").peers.find(
          (peer) => isExplicitWorld(peer) && (peer.kind !== "cidr" || parseAddressRange(peer.cidr)?.version === version),
        );
        const key = `${pair.bus} ${rule.at.line} ${rule.at.column}`;
        if (!world || reported.has(key)) continue;
        reported.add(key);
        const everyPort = !rule.conditions.some((condition) => condition.kind === "port");
        const what = everyPort ? `every port (the cluster bus port ${pair.bus} included)` : `the cluster bus port ${pair.bus}`;
        // Security groups only add up: the rule itself must change. Elsewhere a nodes-only accept and a
        // drop for everyone else go before it.
        const fix = splitAroundBus(rule, pair.bus, "in") ?? allowFix(rules, "in", { ports: [pair.bus], nodesOnly: true, before: rule, thenDrop: true });
        const found = finding(
          id,
          "error",
          rule.at,
          `${policy.name} allows ${what} from ${describeWorld(world)}, the whole internet: the cluster bus has no authentication, ` +
            `so anyone who reaches it can join the cluster, take slots or mark nodes failed. Allow it from the cluster's own nodes only.`,
          fix,
          context.judgePolicy(policy),
        );
        if (found) findings.push(found);
      }
    }
  }
  return findings;
}

export const busPortPublic: LintRule = {
  id: "bus-port-public",
  defaultSeverity: "error",
  summary: "The cluster bus port is open to the whole internet.",
  help:
    "The cluster bus carries no authentication (requirepass and ACLs protect only the client port): whoever reaches it can send " +
    "MEET, failure reports and config updates. Rules allowing 0.0.0.0/0 or ::/0 to the bus port, or internet-facing LoadBalancer " +
    "Services carrying it, expose the cluster. Allow the bus port from the cluster's own nodes only.",
  check(context) {
    const { scope, pairs } = context;
    const findings: LintFinding[] = [];
    for (const policy of scope.policies) for (const found of policyFindings(policy, pairs, this.id, context)) findings.push(found);
    for (const service of scope.services) {
      for (const pair of pairs) {
        for (const port of publicLoadBalancerBusPorts(service, pair)) {
          const found = finding(
            this.id,
            "error",
            port.at,
            `LoadBalancer Service ${service.name} exposes the cluster bus port ${port.port} to the internet (no loadBalancerSourceRanges, ` +
              `not an internal load balancer): the bus has no authentication. Make the load balancer internal or restrict its source ranges.`,
            loadBalancerFix(service.specPlacement),
            context.judgeScope(),
          );
          if (found) findings.push(found);
        }
      }
    }
    return findings;
  },
};
