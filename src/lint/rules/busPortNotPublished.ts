// A container mapping that publishes the client port but not the bus port, for a node that announces
// an address peers reach through that mapping.
import { portsOf } from "../clusterPorts.js";
import { judgeItems, nodeEvidence, type Judgement } from "../evidence.js";
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

/** What a container's own configuration says about cluster mode, else what its scope says. */
export function containerJudgement(container: PublishedContainer, scope: Judgement): Judgement {
  return judgeItems(nodeEvidence(container.node)) ?? scope;
}

export const busPortNotPublished: LintRule = {
  id: "bus-port-not-published",
  defaultSeverity: "error",
  summary: "A cluster-mode container that announces an address publishes the client port but not the bus port.",
  help:
    "A node that announces an address (cluster-announce-ip/-hostname/-port, a host port's host IP) is dialled by its peers on that " +
    "address, through the ports it publishes. A compose `ports:` list or Kubernetes `hostPort` that maps the client port but not the bus " +
    "port leaves the node reachable for clients and unreachable for gossip. Nodes that announce nothing talk over the container " +
    "network directly, where nothing needs publishing: they are not reported.",
  check({ scope, judgeScope }) {
    const findings: LintFinding[] = [];
    for (const container of scope.containers) {
      const judgement = containerJudgement(container, judgeScope());
      if (container.hostNetwork || judgement.stance === "not-cluster") continue;
      const node = container.node;
      if (node.announceIp === undefined && node.announcePort === undefined) continue;
      const ports = portsOf(node);
      const client = publishing(container, ports.client);
      if (!client || publishing(container, ports.bus)) continue;
      const clientHost = hostPortFor(client, ports.client);
      const busHost = node.announceBusPort?.value ?? (clientHost === undefined ? ports.bus : clientHost + (ports.bus - ports.client));
      const mapping = container.syntax === "compose" ? composePortFix(busHost, ports.bus, client.next) : hostPortFix(ports.bus, busHost, client.next);
      // A bus mapped to another host port must be announced as such, or peers dial the container's own bus port.
      const announce =
        busHost !== ports.announcedBus ? settingFix(container.settings, "cluster-announce-bus-port", busHost, container.settingPlacement) : undefined;
      const fix = announce ? `${mapping.fix}\n# and announce the published bus port:\n${announce.fix}` : mapping.fix;
      const edits = [mapping.edit, announce?.edit].filter((edit) => edit !== undefined);
      const found = finding(
        this.id,
        "error",
        client.at,
        `${container.name} publishes the client port ${ports.client} but not the cluster bus port ${ports.bus}: it announces an address, ` +
          `so peers dial the bus through this mapping and cannot reach it; the cluster fails while the node answers PING.`,
        { fix, edits: announce && !announce.edit ? [] : edits },
        judgement,
      );
      if (found) findings.push(found);
    }
    return findings;
  },
};
