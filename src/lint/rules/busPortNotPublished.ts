// A container mapping that publishes the client port but not the bus port.
import { portsOf } from "../clusterPorts.js";
import { composePortFix, hostPortFix, settingFix } from "../fix/yaml.js";
import type { LintFinding, Publication, PublishedContainer } from "../model.js";
import { rangeCovers } from "../ports.js";
import { finding, type LintRule } from "./rule.js";

function publishing(container: PublishedContainer, port: number): Publication | undefined {
  return container.publications.find((publication) => publication.protocol === "tcp" && rangeCovers(publication.container, port));
}

/** The host port a publication maps `port` to (`7001:6379` maps 6379 to 7001), or undefined when ephemeral. */
export function hostPortFor(publication: Publication, port: number): number | undefined {
  return publication.host ? publication.host.from + (port - publication.container.from) : undefined;
}

export const busPortNotPublished: LintRule = {
  id: "bus-port-not-published",
  defaultSeverity: "error",
  summary: "A cluster-mode container publishes the client port but not the bus port.",
  help:
    "Peers on other hosts (or anything dialing the announced host address) reach a containerised node only through the ports " +
    "it publishes. A compose `ports:` list or Kubernetes `hostPort` that maps the client port but not the bus port leaves the " +
    "node reachable for clients and unreachable for gossip. Publish the bus port too, or use host networking.",
  check({ scope }) {
    const findings: LintFinding[] = [];
    for (const container of scope.containers) {
      if (container.hostNetwork || container.node.clusterEnabled?.value !== true) continue;
      const ports = portsOf(container.node);
      const client = publishing(container, ports.client);
      if (!client || publishing(container, ports.bus)) continue;
      const announced = container.node.announceIp !== undefined || container.node.announcePort !== undefined;
      const clientHost = hostPortFor(client, ports.client);
      const busHost = container.node.announceBusPort?.value ?? (clientHost === undefined ? ports.bus : clientHost + (ports.bus - ports.client));
      const mapping = container.syntax === "compose" ? composePortFix(busHost, ports.bus) : hostPortFix(ports.bus, busHost);
      // A bus mapped to another host port must be announced as such, or peers dial the container's own bus port.
      const fix =
        announced && busHost !== ports.announcedBus
          ? `${mapping}\n# and announce the published bus port:\n${settingFix(container.settings, "cluster-announce-bus-port", busHost)}`
          : mapping;
      findings.push(
        finding(
          this.id,
          announced ? "error" : "warning",
          client.at,
          `${container.name} publishes the client port ${ports.client} but not the cluster bus port ${ports.bus}: ` +
            (announced
              ? `it announces a host address, so peers dial the bus through this mapping and cannot reach it; the cluster fails while the node answers PING.`
              : `peers outside this host or network cannot reach its bus.`),
          fix,
        ),
      );
    }
    return findings;
  },
};
