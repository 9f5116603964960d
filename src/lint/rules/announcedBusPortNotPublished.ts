// A node that announces (explicitly or by default) a bus port that no mapping publishes.
import { portsOf } from "../clusterPorts.js";
import { composePortFix, hostPortFix, settingFix } from "../fix/yaml.js";
import { SelectorIndex, selectsLabels } from "../labels.js";
import type { ClusterPorts, LintFinding, Location, PublishedContainer, ServiceFacts } from "../model.js";
import { rangeCovers } from "../ports.js";
import { containerJudgement, hostPortFor } from "./busPortNotPublished.js";
import { finding, type LintRule } from "./rule.js";

/** Host-side ports where the container's bus port is reachable: published mappings and Services of its pods targeting it. */
function busEntryPorts(container: PublishedContainer, services: SelectorIndex<ServiceFacts>, ports: ClusterPorts): { ports: Set<number>; at?: Location } {
  const result = new Set<number>();
  let at: Location | undefined;
  for (const publication of container.publications) {
    if (publication.protocol !== "tcp" || !rangeCovers(publication.container, ports.bus)) continue;
    const host = hostPortFor(publication, ports.bus);
    if (host !== undefined) result.add(host);
    at ??= publication.at;
  }
  const pod = container.pod;
  if (container.syntax === "k8s" && pod) {
    for (const service of services.candidates(pod.labels)) {
      const selected = selectsLabels(service.selector, pod.labels) && (service.namespace === pod.namespace || service.namespace === "" || pod.namespace === "");
      if (!selected) continue;
      for (const port of service.ports) {
        if (port.targetPort !== ports.bus && !(port.targetPort === undefined && port.port === ports.bus)) continue;
        result.add(port.port);
        if (port.nodePort !== undefined) result.add(port.nodePort);
        at ??= port.at;
      }
    }
  }
  return { ports: result, ...(at ? { at } : {}) };
}

export const announcedBusPortNotPublished: LintRule = {
  id: "announced-bus-port-not-published",
  defaultSeverity: "error",
  summary: "A node announces a bus port that no mapping publishes.",
  help:
    "Peers dial the bus port a node announces: cluster-announce-bus-port when set, otherwise its own cluster-port (client port + 10000), " +
    "never cluster-announce-port + 10000. Behind NAT (compose port mappings, hostPort, per-pod LoadBalancer or NodePort Services) the " +
    "announced bus port must be the published one, or every peer's bus connection goes nowhere.",
  check({ scope, judgeScope }) {
    const findings: LintFinding[] = [];
    // Services by the labels they select, so a pod's Services are found without scanning them all.
    const services = new SelectorIndex(scope.services, (service) => service.selector);
    for (const container of scope.containers) {
      const node = container.node;
      const explicit = node.announceBusPort;
      if (container.hostNetwork || (!explicit && node.announceIp === undefined && node.announcePort === undefined)) continue;
      const judgement = containerJudgement(container, judgeScope());
      if (judgement.stance === "not-cluster") continue;
      const ports = portsOf(node);
      const entry = busEntryPorts(container, services, ports);
      // Without NAT and without an explicit announcement, peers dial the container's own bus port directly.
      if (!explicit && (entry.ports.size === 0 || (node.announceIp === undefined && node.announcePort === undefined))) continue;
      if (entry.ports.has(ports.announcedBus)) continue;
      if (explicit && entry.ports.size === 0 && explicit.value === ports.bus) continue;
      const published = [...entry.ports].sort((a, b) => a - b);
      const at = explicit?.at ?? entry.at ?? container.at;
      const suggestion = published[0] ?? ports.bus;
      const lastPublication = container.publications[container.publications.length - 1];
      const fix =
        published.length > 0
          ? settingFix(container.settings, "cluster-announce-bus-port", suggestion, container.settingPlacement, explicit?.valueAt)
          : container.syntax === "compose"
            ? composePortFix(ports.announcedBus, ports.bus, lastPublication?.next ?? container.portsPlacement)
            : hostPortFix(ports.bus, ports.announcedBus, lastPublication?.next ?? container.portsPlacement);
      const found = finding(
        this.id,
        "error",
        at,
        `${container.name} announces cluster bus port ${ports.announcedBus}${explicit ? "" : " (its own cluster port, as no cluster-announce-bus-port is set)"} ` +
          `but ${published.length > 0 ? `publishes its bus port ${ports.bus} as ${published.join(", ")}` : `nothing publishes ${ports.announcedBus}`}: ` +
          `peers dial the announced port and never reach the bus.`,
        fix,
        judgement,
      );
      if (found) findings.push(found);
    }
    return findings;
  },
};
