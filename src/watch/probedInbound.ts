// The monitor's own probe as evidence for the direction peers have not tested yet. In a both-ways block
// the first evidence is usually the blocked node's own pending PING (outbound); its peers ping it only
// about 2 s after the fault, because gossip keeps its PONG time looking fresh. A short TCP probe of its
// bus port from the monitor's host, which answered before, tells the inbound side at once: no answer to
// the handshake means the port is filtered, so the node is blocked both ways. Pure.
import type { NodeSummary } from "../model/analysis.js";
import type { Finding } from "../model/finding.js";
import type { LinkCell } from "../model/links.js";
import { hostOf } from "../cluster/address.js";
import { probeEvidence, someCells } from "../diagnose/evidence.js";
import { busBlockedFixes } from "../diagnose/fixes/bus.js";
import { busTarget } from "../diagnose/rules/busShared.js";

/**
 * Whether the monitor's latest probe of the node's bus port got no answer to its handshake (filtered),
 * when an earlier one was answered: a port the monitor never reached (it runs outside the nodes'
 * security group) says nothing about the fault.
 */
export function probeSaysFiltered(node: NodeSummary, busAnswered: ReadonlySet<string>): boolean {
  return busAnswered.has(node.address) && node.busProbe?.state === "timeout";
}

/** The sampled nodes whose bus port has answered the monitor's probe, now or before (nodes gone are forgotten). */
export function rememberBusAnswered(previous: ReadonlySet<string>, nodes: readonly NodeSummary[]): Set<string> {
  return new Set(nodes.filter((node) => previous.has(node.address) || node.busProbe?.state === "open").map((node) => node.address));
}

/**
 * `check`'s rules, seeing only the node's own pending pings, call it cut outbound; with the probe of its
 * bus port filtered, that finding becomes the block both ways it is; any other finding stays as it is.
 */
export function withProbedInbound(finding: Finding, node: NodeSummary, outbound: readonly LinkCell[], peers: readonly string[]): Finding {
  if (finding.code !== "BUS_LINK_ONE_WAY" || finding.nodes.length !== 1 || finding.nodes[0] !== node.address || !node.busProbe) return finding;
  const target = busTarget(node);
  return {
    code: "BUS_PORT_BLOCKED",
    severity: "critical",
    nodes: [node.address],
    summary: `the bus port of ${node.address} (${target.busPort}) is blocked: its peers cannot reach it and it cannot reach them`,
    evidence: [probeEvidence(node.busProbe, "TCP probe of the announced bus port, since the fault (it answered before)"), ...someCells(outbound, 5)],
    explanation: `${node.address} cannot reach its peers' bus ports, and its own bus port, which answered busdoctor before, now drops the handshake: the bus is blocked both ways. Its peers will show it within a few seconds, as their next pings to it go unanswered.`,
    fix: busBlockedFixes(target, "both", peers.filter((peer) => peer !== node.address).map(hostOf)),
  };
}
