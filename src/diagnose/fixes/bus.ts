// The exact fix for a bus port that peers cannot reach, in the syntax of each place such a rule lives.
// Values are filled in from the snapshot (addresses, announced ports) so the lines can be pasted.
import { isIPv6 } from "node:net";
import type { Fix } from "../../model/finding.js";
import type { CutDirection } from "../bus.js";

export interface BusTarget {
  ip: string;
  /** Whose host the rules are on, in words: "127.0.0.3", or "127.0.0.12 and 127.0.0.13" for one cause on several nodes. */
  hosts: string;
  clientPort: number;
  busPort: number;
}

function hostWord(target: BusTarget): string {
  return target.hosts === target.ip ? "host" : "hosts";
}

export function hostFirewallFixes(target: BusTarget, direction: CutDirection, peerIps: readonly string[]): Fix[] {
  const peers = peerIps.length > 0 ? `{ ${peerIps.join(", ")} }` : "<peer addresses>";
  // IPv6 peers are matched by `ip6 saddr` in nft and live in ip6tables.
  const [ip, iptablesCommand] = isIPv6(target.ip) ? ["ip6", "ip6tables"] : ["ip", "iptables"];
  const lines: string[] = [
    `# find the rule that drops or rejects the bus port, then delete it by its handle:`,
    `nft -a list ruleset | grep -n ${target.busPort}`,
    `nft delete rule <family> <table> <chain> handle <N>`,
  ];
  const iptables: string[] = [`${iptablesCommand} -S | grep ${target.busPort}   # find the DROP/REJECT rule`];
  if (direction !== "out") {
    lines.push(`# or let the peers in before it:`, `nft insert rule inet filter input ${ip} saddr ${peers} tcp dport ${target.busPort} accept`);
    iptables.push(`${iptablesCommand} -I INPUT -p tcp -s ${peerIps.join(",") || "<peer addresses>"} --dport ${target.busPort} -j ACCEPT`);
  }
  if (direction !== "in") {
    lines.push(`# let this node dial its peers' bus ports:`, `nft insert rule inet filter output ${ip} daddr ${peers} tcp dport ${target.busPort} accept`);
    iptables.push(`${iptablesCommand} -I OUTPUT -p tcp -d ${peerIps.join(",") || "<peer addresses>"} --dport ${target.busPort} -j ACCEPT`);
  }
  return [
    { where: `nftables on the ${hostWord(target)} of ${target.hosts}`, lines },
    { where: `${iptablesCommand} on the ${hostWord(target)} of ${target.hosts}`, lines: iptables },
  ];
}

export function cloudFixes(target: BusTarget, direction: CutDirection): Fix[] {
  const port = target.busPort;
  const aws: string[] = [];
  if (direction !== "out") {
    aws.push(`aws ec2 authorize-security-group-ingress --group-id <redis-nodes-sg> --protocol tcp --port ${port} --source-group <redis-nodes-sg>`);
  }
  if (direction !== "in") {
    aws.push(
      `aws ec2 authorize-security-group-egress --group-id <redis-nodes-sg> --ip-permissions 'IpProtocol=tcp,FromPort=${port},ToPort=${port},UserIdGroupPairs=[{GroupId=<redis-nodes-sg>}]'`,
    );
  }
  return [
    { where: "AWS security group of the nodes (the bus has no authentication: never open it to 0.0.0.0/0)", lines: aws },
    {
      where: "GCP firewall rule",
      lines: [
        `gcloud compute firewall-rules create redis-cluster-bus --network <network> --direction ${direction === "out" ? "EGRESS" : "INGRESS"} --allow tcp:${port} --source-tags redis-cluster --target-tags redis-cluster`,
      ],
    },
  ];
}

export function kubernetesFixes(target: BusTarget): Fix[] {
  return [
    {
      where: "Kubernetes NetworkPolicy selecting the Redis pods (ingress and, if egress is restricted, egress)",
      lines: [
        "ingress:",
        "  - from:",
        "      - podSelector: { matchLabels: { app: redis-cluster } }",
        "    ports:",
        `      - { protocol: TCP, port: ${target.clientPort} }`,
        `      - { protocol: TCP, port: ${target.busPort} }   # the cluster bus`,
        "egress:",
        "  - to:",
        "      - podSelector: { matchLabels: { app: redis-cluster } }",
        "    ports:",
        `      - { protocol: TCP, port: ${target.busPort} }`,
      ],
    },
    {
      where: "Kubernetes headless Service and containerPorts",
      lines: [
        "ports:",
        `  - { name: tcp-redis, port: ${target.clientPort}, targetPort: ${target.clientPort} }`,
        `  - { name: tcp-redis-bus, port: ${target.busPort}, targetPort: ${target.busPort} }`,
      ],
    },
    {
      where: "Docker / Compose port mapping (or network_mode: host)",
      lines: [
        `docker run ... -p ${target.clientPort}:${target.clientPort} -p ${target.busPort}:${target.busPort} redis ... --cluster-announce-bus-port ${target.busPort}`,
        `ports: ["${target.clientPort}:${target.clientPort}", "${target.busPort}:${target.busPort}"]`,
      ],
    },
  ];
}

/** Every place a rule can block the bus, most local first: the host, the cloud, the orchestrator. */
export function busBlockedFixes(target: BusTarget, direction: CutDirection, peerIps: readonly string[]): Fix[] {
  return [...hostFirewallFixes(target, direction, peerIps), ...cloudFixes(target, direction), ...kubernetesFixes(target)];
}

/** A refused bus port: nothing listens at the announced port, or a REJECT rule answers for it. */
export function busNotListeningFixes(target: BusTarget): Fix[] {
  return [
    {
      where: `the ${hostWord(target)} of ${target.hosts}`,
      lines: [
        ...(target.hosts === target.ip ? [] : [`# on each of them (shown for ${target.ip}):`]),
        `ss -ltnp 'sport = :${target.busPort}'   # is redis-server listening on the bus port?`,
        `redis-cli -h ${target.ip} -p ${target.clientPort} CONFIG GET cluster-port`,
        `redis-cli -h ${target.ip} -p ${target.clientPort} CONFIG GET cluster-announce-bus-port   # must be the port peers can dial`,
        `nft -a list ruleset | grep -n ${target.busPort}   # a 'reject' rule refuses like a closed port`,
      ],
    },
    ...kubernetesFixes(target).slice(1),
  ];
}
