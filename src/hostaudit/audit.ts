// Pure: the whole host-audit decision from the facts gathered on the host. Exit codes as for check:
// 0 nothing found, 1 warnings only, 2 a blocking rule, a port not listening, or a peer not reachable.
import { formatAddress } from "../cluster/address.js";
import type { Health } from "../model/finding.js";
import { describePortProbe, portVerdict } from "../cluster/portProbe.js";
import { firewallBlocks, readFirewalls } from "./firewalls.js";
import { buildFlows } from "./flows.js";
import { listeningOn, listeningProblems, readSocketTables } from "./listening.js";
import type { FirewallBlock, HostAuditFacts, HostAuditReport, PeerProbe, Problem } from "./model.js";
import { readLocalNode, type LocalNode } from "./node.js";

const DIRECTION_TEXT: Record<FirewallBlock["direction"], string> = {
  in: "inbound connections to",
  out: "this node's outbound connections to",
  "forward-in": "forwarded connections (a node in a container or VM behind this host) to",
  "forward-out": "forwarded connections from a node behind this host to",
};

export function describeBlock(block: FirewallBlock): string {
  const where = `${block.source} ${block.family} ${block.table} chain ${block.chain} ${block.ref}`;
  const whose =
    block.direction === "in" || block.direction === "forward-in" ? `this node's ${block.role} port ${block.port}` : `peers' ${block.role} port ${block.port}`;
  const peers = block.peers.includes("any") ? "" : ` (${block.direction.endsWith("in") ? "from" : "to"} ${block.peers.join(", ")})`;
  const how = block.certain ? "stops" : "may stop";
  return `${where} (${block.rule}) ${how} ${DIRECTION_TEXT[block.direction]} ${whose}${peers}`;
}

function nodeProblems(facts: HostAuditFacts, node: LocalNode): Problem[] {
  const problems: Problem[] = node.problems.map((text) => ({ severity: "warning", text }));
  if (!facts.node.connection.ok) {
    problems.push({
      severity: "warning",
      text: `the node did not answer on ${node.address} (${facts.node.connection.error}): no peers to probe, bus port assumed`,
    });
  }
  const { announced, bus } = node;
  if (bus === null) problems.push({ severity: "critical", text: `no bus port known: the node did not say and ${node.clientPort} + 10000 is past 65535` });
  else if (announced !== null && announced.port !== bus.port) {
    problems.push({
      severity: "warning",
      text: `the node announces bus port ${announced.port} but listens on ${bus.port} (${bus.sourceText}): right only if a NAT or port mapping forwards ${announced.port} to ${bus.port}`,
    });
  }
  return problems;
}

function peerProbes(facts: HostAuditFacts, node: LocalNode): PeerProbe[] {
  return node.peers.flatMap((peer) => {
    const probe = facts.peerProbes.find((candidate) => candidate.host === peer.ip && candidate.port === peer.busPort);
    return probe === undefined ? [] : [{ peer: peer.address, probe, verdict: portVerdict(probe) }];
  });
}

export function decideHostAudit(facts: HostAuditFacts): HostAuditReport {
  const node = readLocalNode(facts.node);
  const busPort = node.bus?.port ?? null;
  const problems = nodeProblems(facts, node);

  const tables = readSocketTables(facts.procNetTcp, facts.procNetTcp6);
  problems.push(...tables.problems);
  const ports = [{ role: "client" as const, port: node.clientPort }, ...(busPort === null ? [] : [{ role: "bus" as const, port: busPort }])];
  const listening = listeningOn(tables.sockets, facts.processes, ports, node.pid);
  if (facts.procNetTcp.ok) problems.push(...listeningProblems(listening, node));

  const firewalls = readFirewalls(facts);
  const blocks = firewallBlocks(firewalls.chains, buildFlows(node, busPort, facts.source, facts.localAddresses));
  for (const block of blocks) {
    const severity = block.certain && !block.direction.startsWith("forward") ? "critical" : "warning";
    problems.push({ severity, text: describeBlock(block) });
  }
  for (const status of firewalls.sources) {
    if (status.status === "skipped") problems.push({ severity: "warning", text: `${status.source} not read: ${status.detail}` });
  }

  const probes = peerProbes(facts, node);
  const from = facts.source === null ? "" : ` from ${facts.source}`;
  for (const { peer, probe, verdict } of probes) {
    if (verdict !== "open") problems.push({ severity: "critical", text: `the bus port of peer ${peer}${from}: ${describePortProbe(probe)}` });
  }
  for (const skipped of facts.outOfScope ?? []) {
    problems.push({ severity: "warning", text: `the bus port of peer ${skipped.address} not probed: ${skipped.reason}` });
  }

  // Critical first: the line that explains an outage should not hide under the warnings.
  problems.sort((a, b) => Number(b.severity === "critical") - Number(a.severity === "critical"));
  const health = problems.some((problem) => problem.severity === "critical") ? "critical" : problems.length > 0 ? "warning" : "ok";
  return {
    node: node.address,
    nodeId: node.id,
    clientPort: node.clientPort,
    busPort,
    busPortSource: node.bus?.sourceText ?? "unknown",
    announcedBus: node.announced === null ? null : formatAddress(node.announced.host, node.announced.port),
    listening,
    firewall: { sources: firewalls.sources, blocks },
    peers: { source: facts.source, probes },
    problems,
    health,
  };
}

/** The audit's verdict in the shared vocabulary: "ok" is healthy. */
export function hostAuditHealth(report: HostAuditReport): Health {
  return report.health === "ok" ? "healthy" : report.health;
}
