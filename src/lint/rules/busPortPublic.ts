// The bus port open to the whole internet: the bus has no authentication.
import { isWholeInternet } from "../cidr.js";
import { evaluatePort } from "../evaluate.js";
import { writeAllowFix } from "../fix/index.js";
import { loadBalancerFix } from "../fix/yaml.js";
import type { ClusterPorts, LintFinding, Peer, ScopeModel, ServiceFacts } from "../model.js";
import { busApplies, finding, type LintRule } from "./rule.js";

function isWorld(peer: Peer): boolean {
  return (peer.kind === "cidr" && isWholeInternet(peer.cidr)) || peer.kind === "internet";
}

function describeWorld(peer: Peer): string {
  return peer.kind === "cidr" ? peer.cidr : peer.kind === "internet" ? peer.label : "anywhere";
}

/** A LoadBalancer Service that carries the bus port to anyone (no source ranges, not internal). */
function publicLoadBalancerBusPorts(service: ServiceFacts, pair: ClusterPorts) {
  if (service.type !== "LoadBalancer" || service.internal) return [];
  if (service.sourceRanges.length > 0 && !service.sourceRanges.some(isWholeInternet)) return [];
  return service.ports.filter((port) => port.port === pair.bus || port.port === pair.announcedBus || port.targetPort === pair.bus);
}

function policyFindings(scope: ScopeModel, pairs: ClusterPorts[], id: string): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const policy of scope.policies) {
    if (!policy.in) continue;
    for (const pair of pairs) {
      for (const rule of evaluatePort(policy.in, pair.bus).allowRules) {
        const world = rule.peers.find(isWorld);
        if (!world) continue;
        const what = rule.ports.kind === "any" ? `every port (the cluster bus port ${pair.bus} included)` : `the cluster bus port ${pair.bus}`;
        findings.push(
          finding(
            id,
            "error",
            rule.at,
            `${policy.name} allows ${what} from ${describeWorld(world)}, the whole internet: the cluster bus has no authentication, ` +
              `so anyone who reaches it can join the cluster, take slots or mark nodes failed. Allow it from the cluster's own nodes only.`,
            writeAllowFix({ syntax: rule.syntax, direction: "in", ports: [pair.bus], nodesOnly: true }),
          ),
        );
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
  check({ scope, pairs, mode }) {
    if (!busApplies(mode)) return [];
    const findings = policyFindings(scope, pairs, this.id);
    for (const service of scope.services) {
      for (const pair of pairs) {
        for (const port of publicLoadBalancerBusPorts(service, pair)) {
          findings.push(
            finding(
              this.id,
              "error",
              port.at,
              `LoadBalancer Service ${service.name} exposes the cluster bus port ${port.port} to the internet (no loadBalancerSourceRanges, ` +
                `not an internal load balancer): the bus has no authentication. Make the load balancer internal or restrict its source ranges.`,
              loadBalancerFix(),
            ),
          );
        }
      }
    }
    return findings;
  },
};
