// NETWORK_PARTITION: the nodes split into two or more groups; inside a group the bus works both
// ways, across groups every view sees the other side failing. A single node cut off from all the
// others is not a partition but a blocked bus port (see busPortBlocked).
import { hostOf } from "../../cluster/address.js";
import { someCells } from "../evidence.js";
import type { Rule } from "../rule.js";
import { busPortOf } from "./busShared.js";

export const networkPartition: Rule = {
  code: "NETWORK_PARTITION",
  kind: "cause",
  check(context) {
    const groups = context.bus.partition;
    if (!groups) return [];
    const groupIndex = new Map(groups.flatMap((group, index) => group.map((node) => [node, index] as const)));
    const crossing = context.bus.brokenCells.filter((cell) => groupIndex.get(cell.observer) !== groupIndex.get(cell.peer));
    const listed = groups.map((group) => `{${group.join(", ")}}`).join(" | ");
    const first = context.nodeAt.get(groups[0]?.[0] ?? "");
    const port = first ? busPortOf(first) : 16379;
    // Smallest group first: probe from it towards the others.
    const otherIps = groups.slice(1).flat().map(hostOf);
    return [
      {
        code: "NETWORK_PARTITION",
        severity: "critical",
        nodes: groups.flat(),
        summary: `the cluster bus is split into ${groups.length} groups that each see the other side failing: ${listed}`,
        evidence: someCells(crossing, 8),
        explanation:
          "Inside each group the bus works both ways; between groups it does not. The side holding a majority of masters marks the others FAIL and promotes replicas; the minority side reports cluster_state:fail and refuses writes (CLUSTERDOWN). Look for what separates the groups: a network path, a zone or subnet rule, a security group or NetworkPolicy that covers only some nodes.",
        fix: [
          {
            where: `between the groups (run on a node of ${listed.split(" | ")[0]})`,
            lines: [
              ...otherIps.slice(0, 4).map((ip) => `timeout 2 bash -c '</dev/tcp/${ip}/${port}' && echo open || echo blocked   # bus port of ${ip}`),
              `nft -a list ruleset | grep -n ${port}; iptables -S | grep ${port}`,
              `# allow tcp/${port} between every pair of nodes, in both directions, in every layer (host firewall, security group, NetworkPolicy)`,
            ],
          },
          {
            where: "AWS security group shared by all nodes",
            lines: [`aws ec2 authorize-security-group-ingress --group-id <redis-nodes-sg> --protocol tcp --port ${port} --source-group <redis-nodes-sg>`],
          },
        ],
      },
    ];
  },
};
