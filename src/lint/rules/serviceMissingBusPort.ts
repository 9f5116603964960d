// Kubernetes Services of cluster pods that carry the client port and not the bus port, where it matters:
// the headless Service peers discover each other through, and per-pod Services whose address nodes announce.
import { nodeEvidence, type Judgement } from "../evidence.js";
import { servicePortFix } from "../fix/yaml.js";
import { LabelIndex, SelectorIndex, selectsLabels } from "../labels.js";
import type { ClusterPorts, LintFinding, ServiceFacts } from "../model.js";
import { finding, type LintRule } from "./rule.js";

function carries(service: ServiceFacts, port: number): boolean {
  return service.ports.some((entry) => entry.port === port || entry.targetPort === port);
}

function sameNamespace(a: string, b: string): boolean {
  return a === b || a === "" || b === "";
}

/**
 * Another Service for (some of) the same pods that carries both ports, e.g. the headless one next to
 * a client Service: one whose selector contains this one's, or is contained in it.
 */
function coveredElsewhere(service: ServiceFacts, pair: ClusterPorts, wider: LabelIndex<ServiceFacts>, narrower: SelectorIndex<ServiceFacts>): boolean {
  const covers = (other: ServiceFacts): boolean =>
    other !== service && other.namespace === service.namespace && carries(other, pair.bus) && carries(other, pair.client);
  return (
    wider.candidates(service.selector).some((other) => covers(other) && selectsLabels(service.selector, other.selector)) ||
    narrower.candidates(service.selector).some((other) => covers(other) && selectsLabels(other.selector, service.selector))
  );
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
  check({ scope, pairs, judgeScope }) {
    const findings: LintFinding[] = [];
    const pods = new LabelIndex(scope.pods, (pod) => pod.labels);
    const wider = new LabelIndex(scope.services, (service) => service.selector);
    const narrower = new SelectorIndex(scope.services, (service) => service.selector);
    for (const service of scope.services) {
      if (!service.perPod && !service.headless && service.type !== "LoadBalancer" && service.type !== "NodePort") continue;
      const selected =
        Object.keys(service.selector).length === 0
          ? []
          : pods.candidates(service.selector).filter((pod) => sameNamespace(service.namespace, pod.namespace) && selectsLabels(service.selector, pod.labels));
      const clusterPods = selected.filter((pod) => pod.redis && pod.node.clusterEnabled?.value === true);
      const podEvidence = clusterPods.map((pod) => nodeEvidence(pod.node)[0]).find((item) => item !== undefined);
      let judgement: Judgement;
      if (podEvidence) judgement = { stance: "cluster", why: `cluster mode: ${podEvidence.what} at ${podEvidence.at.file}:${podEvidence.at.line}` };
      else if (selected.some((pod) => pod.redis)) continue;
      else judgement = judgeScope();
      const perPod = service.perPod || ((service.type === "LoadBalancer" || service.type === "NodePort") && clusterPods.some((pod) => pod.node.announceIp));
      if (!perPod && !service.headless) continue;
      for (const pair of pairs) {
        const client = service.ports.find((entry) => entry.port === pair.client || entry.targetPort === pair.client);
        if (!client || carries(service, pair.bus)) continue;
        if (!perPod && coveredElsewhere(service, pair, wider, narrower)) continue;
        const found = finding(
          this.id,
          perPod ? "error" : "warning",
          client.at,
          perPod
            ? `Service ${service.name} is the per-pod address a node announces and carries the client port ${pair.client} but not the cluster bus port ${pair.bus}: peers cannot reach the node's bus through it.`
            : `Headless Service ${service.name} lists the client port ${pair.client} but not the cluster bus port ${pair.bus}, and no other Service for these pods does: tools that follow Service ports (service meshes, network policies by port name) will not let the bus through.`,
          servicePortFix(pair.announcedBus, pair.bus, client.next),
          judgement,
        );
        if (found) findings.push(found);
      }
    }
    return findings;
  },
};
