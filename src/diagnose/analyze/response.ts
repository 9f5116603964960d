// How a node answered the tool on its client port, from the raw connection/command results and
// the TCP probe. Separating "cannot connect" from "connects but never answers" is the difference
// between a dead/cut-off node and a hung or paused one (a SIGSTOPped redis-server still completes
// TCP handshakes from the kernel backlog). Only silence is hung or paused: a port that answers with
// garbage ("unreadable reply: not a RESP2 reply (first byte 0x00)"), resets or closes the connection
// is a process that runs, and is named by the error it gave.
import type { NodeResponse } from "../../model/analysis.js";
import type { NodeSnapshot } from "../../model/snapshot.js";

export function classifyResponse(node: NodeSnapshot): NodeResponse {
  const { connection, probes } = node;
  const ping = node.commands.ping;
  if (!connection.ok) {
    if (connection.kind === "noauth" || connection.kind === "wrongpass") {
      return { kind: "error", errorKind: connection.kind, error: connection.error };
    }
    if (probes.client.state !== "open") return { kind: "unreachable", probe: probes.client };
    if (connection.kind === "timeout") return { kind: "unresponsive", error: connection.error };
    return { kind: "error", errorKind: connection.kind, error: connection.error };
  }
  if (ping === undefined) return { kind: "error", errorKind: "error", error: "PING was not sent" };
  if (ping.ok) return { kind: "answering" };
  if (ping.kind === "timeout") return { kind: "unresponsive", error: ping.error };
  return { kind: "error", errorKind: ping.kind, error: ping.error };
}
