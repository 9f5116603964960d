// Pure: the host-audit report as text (listening sockets, firewall rules that block, peer probes, then
// the problems and the verdict) or as JSON.
import { formatAddress } from "../cluster/address.js";
import { describePortProbe } from "../cluster/portProbe.js";
import { describeBlock } from "./audit.js";
import type { HostAuditReport, ListeningSocket, PortListening } from "./model.js";

function socketLine(socket: ListeningSocket): string {
  const owner = socket.pid === null ? "owner unknown" : `${socket.process ?? "?"} pid ${socket.pid}`;
  return `${formatAddress(socket.address, socket.port)}  ${owner}${socket.thisNode ? "  (this node)" : ""}`;
}

function listeningLines(ports: readonly PortListening[]): string[] {
  const lines = ["LISTENING (/proc/net/tcp, /proc/net/tcp6)"];
  const width = Math.max(...ports.map(({ role, port }) => `  ${role} port ${port}:`.length));
  for (const { role, port, sockets } of ports) {
    const label = `  ${role} port ${port}:`.padEnd(width);
    if (sockets.length === 0) lines.push(`${label} nothing listens`);
    sockets.forEach((socket, index) => lines.push(`${index === 0 ? label : " ".repeat(label.length)} ${socketLine(socket)}`));
  }
  return lines;
}

/** `exitCode`: the CLI's, stated on the verdict line. */
export function renderHostAuditText(report: HostAuditReport, exitCode: number): string {
  const announced = report.announcedBus === null ? "" : `, announced bus ${report.announcedBus}`;
  const bus = report.busPort === null ? "unknown" : `${report.busPort} (${report.busPortSource})`;
  const lines = [`host-audit of ${report.node}: client port ${report.clientPort}, bus port ${bus}${announced}`, ""];
  lines.push(...listeningLines(report.listening), "");
  lines.push("FIREWALL");
  for (const source of report.firewall.sources) lines.push(`  ${source.source}: ${source.status === "read" ? "" : `${source.status}: `}${source.detail}`);
  if (report.firewall.blocks.length === 0) lines.push("  no rule stops the client or bus port in either direction");
  for (const block of report.firewall.blocks) lines.push(`  ${block.certain ? "BLOCKS" : "MAY BLOCK"}  ${describeBlock(block)}`);
  lines.push("");
  const from = report.peers.source === null ? "" : ` from ${report.peers.source}`;
  lines.push(`PEERS' BUS PORTS${from}`);
  if (report.peers.probes.length === 0) lines.push("  no peers known (the node's CLUSTER NODES lists none)");
  for (const { peer, probe, verdict } of report.peers.probes) lines.push(`  ${verdict.toUpperCase().padEnd(8)} ${peer}  ${describePortProbe(probe)}`);
  lines.push("");
  const verdict = { ok: "OK", warning: "WARNING", critical: "CRITICAL" }[report.health];
  if (report.problems.length === 0) lines.push(`${verdict}: nothing on this host stops the client or bus port (exit ${exitCode})`);
  else {
    lines.push(`${verdict}: ${report.problems.length} problem(s) (exit ${exitCode})`);
    for (const problem of report.problems) lines.push(`  ${problem.severity.toUpperCase()}  ${problem.text}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The report with the CLI's exit code last, as documented. */
export function renderHostAuditJson(report: HostAuditReport, exitCode: number): string {
  return `${JSON.stringify({ ...report, exitCode }, null, 2)}\n`;
}
