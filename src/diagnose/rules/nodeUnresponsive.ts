// NODE_UNRESPONSIVE: TCP connects (the kernel completes the handshake) but redis-server never
// answers: a paused (SIGSTOP), hung or swapping process. "Port open" is not "node alive".
import type { Finding } from "../../model/finding.js";
import { hostOf } from "../../cluster/address.js";
import { TOOL, probeEvidence, someCells } from "../evidence.js";
import { unresponsiveFixes } from "../fixes/node.js";
import type { Rule } from "../rule.js";
import { byAddress, joinNames } from "../words.js";
import { afterFailover } from "./afterFailover.js";
import { forEachNode } from "./busShared.js";

export const nodeUnresponsive: Rule = {
  code: "NODE_UNRESPONSIVE",
  kind: "cause",
  check(context) {
    const hung = context.analysis.nodes.filter((node) => node.response.kind === "unresponsive").sort((a, b) => byAddress(a.address, b.address));
    const first = hung[0];
    if (!first) return [];
    const addresses = hung.map((node) => node.address);
    const one = hung.length === 1;
    const after = afterFailover(context, addresses, "critical");
    const finding: Finding = {
      code: "NODE_UNRESPONSIVE",
      severity: after.severity,
      nodes: addresses,
      summary: `${joinNames(addresses)} ${one ? "accepts" : "accept"} TCP connections but ${one ? "does" : "do"} not answer commands (hung or paused process)${after.note}`,
      evidence: [
        ...hung.flatMap((node) => [
          probeEvidence(node.clientProbe, "TCP probe of the client port"),
          { source: TOOL, what: "PING", detail: `${node.address}: ${node.response.kind === "unresponsive" ? node.response.error : ""}` },
          ...(node.busProbe ? [probeEvidence(node.busProbe, "TCP probe of the bus port")] : []),
          ...someCells(
            (context.linksTo.get(node.address) ?? []).filter(
              (cell) => cell.state.kind !== "ok" && cell.state.kind !== "unknown" && cell.state.kind !== "missing",
            ),
            Math.max(2, Math.floor(5 / hung.length)),
          ),
        ]),
        ...after.evidence,
      ],
      explanation:
        "The kernel still completes TCP handshakes on both ports from its backlog, so port checks pass, but the process never reads them: it is stopped (SIGSTOP, a debugger), blocked in a long command, or stalled by memory pressure. Its peers' pings stay pending; after cluster-node-timeout they mark it PFAIL, then FAIL.",
      fix: forEachNode(unresponsiveFixes(hostOf(first.address), first.clientPort), addresses),
    };
    return [finding];
  },
};
