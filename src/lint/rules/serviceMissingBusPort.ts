// Kubernetes Services of cluster pods that carry the client port and not the bus port, where it matters:
// the headless Service peers discover each other through, and per-pod Services whose address nodes announce.
import { servicePortFix } from "../fix/yaml.js";
import type { ClusterPorts, LintFinding, PodGroup, ScopeModel, ServiceFacts } from "../model.js";
import { finding, type LintRule } from "./rule.js";

function selects(service: ServiceFacts, pod: PodGroup): boolean {
  if (Object.keys(service.selector).length === 0 || service.namespace !== pod.namespace) return false;
  return Object.entries(service.selector).every(([key, value]) => pod.labels[key] === value);
}

function carries(service: ServiceFacts, port: number): boolean {
  return service.ports.some((entry) => entry.port === port || entry.targetPort === port);
}

/** Another Service for (some of) the same pods that carries both ports, e.g. the headless one next to a client Service. */
function coveredElsewhere(scope: ScopeModel, service: ServiceFacts, pair: ClusterPorts): boolean {
  return scope.services.some((other) => {
    if (other === service || other.namespace !== service.namespace || !carries(other, pair.bus) || !carries(other, pair.client)) return false;
    const a = Object.entries(other.selector);
    const b = Object.entries(service.selector);
    const subset = (x: [string, string][], y: Record<string, string>) => x.every(([key, value]) => y[key] === value);
    return subset(a, service.selector) || subset(b, other.selector);
  });
}

export const serviceMissingBusPort: LintRule = {
  id: "service-missing-bus-port",
  defaultSeverity: "warning",
  summary: "A headless or per-pod Service of cluster pods carries the client port but not the bus port.",
  help:
    "A per-pod Service (LoadBalancer or NodePort selecting statefulset.kubernetes.io/pod-name) is the address a node announces when " +
    "cluster.externalAccess-style setups are used: without the bus port, peers cannot gossip through it (error). The headless Service " +
    "that names the pods should list the bus port too, so service meshes and tools that follow Service ports let it through " +
    "(warning). A client-only Service next to a headless Service that carries both ports is fine and not reported.",
  check({ scope, pairs, mode }) {
    const findings: LintFinding[] = [];
    for (const service of scope.services) {
      const pods = scope.pods.filter((pod) => selects(service, pod));
      const clusterPods = pods.filter((pod) => pod.redis && pod.node.clusterEnabled?.value === true);
      if (pods.length > 0 ? clusterPods.length === 0 : mode !== "cluster") continue;
      const perPod = service.perPod || ((service.type === "LoadBalancer" || service.type === "NodePort") && clusterPods.some((pod) => pod.node.announceIp));
      if (!perPod && !service.headless) continue;
      for (const pair of pairs) {
        const client = service.ports.find((entry) => entry.port === pair.client || entry.targetPort === pair.client);
        if (!client || carries(service, pair.bus)) continue;
        if (!perPod && coveredElsewhere(scope, service, pair)) continue;
        findings.push(
          finding(
            this.id,
            perPod ? "error" : "warning",
            client.at,
            perPod
              ? `Service ${service.name} is the per-pod address a node announces and carries the client port ${pair.client} but not the cluster bus port ${pair.bus}: peers cannot reach the node's bus through it.`
              : `Headless Service ${service.name} lists the client port ${pair.client} but not the cluster bus port ${pair.bus}, and no other Service for these pods does: tools that follow Service ports (service meshes, network policies by port name) will not let the bus through.`,
            servicePortFix(pair.announcedBus, pair.bus),
          ),
        );
      }
    }
    return findings;
  },
};
