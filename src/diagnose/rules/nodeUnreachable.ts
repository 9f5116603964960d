// NODE_UNREACHABLE: the client port itself cannot be reached, so this is a node (or host) problem,
// never a bus problem, even though peers also see its bus as failing.
import type { Finding } from "../../model/finding.js";
import { hostOf } from "../../cluster/address.js";
import { cellEvidence, probeEvidence } from "../evidence.js";
import { unreachableFixes } from "../fixes/node.js";
import type { Rule } from "../rule.js";

export const nodeUnreachable: Rule = {
  code: "NODE_UNREACHABLE",
  kind: "cause",
  check({ analysis, linksTo }) {
    const findings: Finding[] = [];
    for (const node of analysis.nodes) {
      if (node.response.kind !== "unreachable") continue;
      const cells = (linksTo.get(node.address) ?? []).filter((cell) => cell.state.kind !== "unknown" && cell.state.kind !== "missing");
      // Peers that still hear it fine mean only busdoctor's host is cut off from it.
      const peersHearIt = cells.length > 0 && cells.every((cell) => cell.state.kind === "ok");
      const evidence = [probeEvidence(node.response.probe, "TCP probe of the client port")];
      if (node.busProbe) evidence.push(probeEvidence(node.busProbe, "TCP probe of the bus port"));
      evidence.push(...cells.slice(0, 5).map(cellEvidence));
      findings.push({
        code: "NODE_UNREACHABLE",
        severity: peersHearIt ? "warning" : "critical",
        nodes: [node.address],
        summary: peersHearIt
          ? `${node.address} cannot be reached from busdoctor's host, but its peers still hear it on the bus`
          : `${node.address} is down or cut off: its client port ${node.clientPort} is ${node.response.probe.state}`,
        evidence,
        explanation: peersHearIt
          ? "The node is alive for the cluster; the path from this host to it is blocked. Run busdoctor from a host that can reach every node's client port."
          : "The node does not accept connections on its client port, so it is not a bus problem: the process is down, the host is down, or the host is cut off from the network. Peers mark it PFAIL after cluster-node-timeout, then FAIL, and a replica takes over its slots if it can win the vote.",
        fix: unreachableFixes(hostOf(node.address), node.clientPort),
      });
    }
    return findings;
  },
};
