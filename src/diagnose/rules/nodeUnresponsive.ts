// NODE_UNRESPONSIVE: TCP connects (the kernel completes the handshake) but redis-server never
// answers: a paused (SIGSTOP), hung or swapping process. "Port open" is not "node alive".
import type { Finding } from "../../model/finding.js";
import { hostOf } from "../../cluster/address.js";
import { TOOL, probeEvidence, someCells } from "../evidence.js";
import { unresponsiveFixes } from "../fixes/node.js";
import type { Rule } from "../rule.js";

export const nodeUnresponsive: Rule = {
  code: "NODE_UNRESPONSIVE",
  kind: "cause",
  check({ analysis, linksTo }) {
    const findings: Finding[] = [];
    for (const node of analysis.nodes) {
      if (node.response.kind !== "unresponsive") continue;
      const peerCells = (linksTo.get(node.address) ?? []).filter(
        (cell) => cell.state.kind !== "ok" && cell.state.kind !== "unknown" && cell.state.kind !== "missing",
      );
      findings.push({
        code: "NODE_UNRESPONSIVE",
        severity: "critical",
        nodes: [node.address],
        summary: `${node.address} accepts TCP connections but does not answer commands (hung or paused process)`,
        evidence: [
          probeEvidence(node.clientProbe, "TCP probe of the client port"),
          { source: TOOL, what: "PING", detail: node.response.error },
          ...(node.busProbe ? [probeEvidence(node.busProbe, "TCP probe of the bus port")] : []),
          ...someCells(peerCells, 5),
        ],
        explanation:
          "The kernel still completes TCP handshakes on both ports from its backlog, so port checks pass, but the process never reads them: it is stopped (SIGSTOP, a debugger), blocked in a long command, or stalled by memory pressure. Its peers' pings stay pending; after cluster-node-timeout they mark it PFAIL, then FAIL.",
        fix: unresponsiveFixes(hostOf(node.address), node.clientPort),
      });
    }
    return findings;
  },
};
