// Pure: who listens on the client and bus ports here, and whether the audited node's redis-server
// listens on both on the address peers dial.
import { formatAddress } from "../cluster/address.js";
import type { Captured, ListeningSocket, PortListening, Problem } from "./model.js";
import type { LocalNode } from "./node.js";
import { ownersByInode, parseProcNetTcp, type ProcessSockets, type TcpSocket } from "./sockets.js";
import { naturalCompare } from "../text/naturalOrder.js";

export interface SocketTables {
  sockets: TcpSocket[];
  problems: Problem[];
}

export function readSocketTables(tcp: Captured, tcp6: Captured): SocketTables {
  const sockets: TcpSocket[] = [];
  const problems: Problem[] = [];
  for (const [captured, version] of [
    [tcp, 4],
    [tcp6, 6],
  ] as const) {
    if (!captured.ok) {
      // A host without IPv6 has no tcp6 table; only a missing IPv4 table means nothing can be said.
      if (version === 4) problems.push({ severity: "warning", text: `cannot tell who listens: ${captured.why}` });
      continue;
    }
    try {
      sockets.push(...parseProcNetTcp(captured.text, version));
    } catch (error) {
      problems.push({ severity: "warning", text: error instanceof Error ? error.message : String(error) });
    }
  }
  return { sockets, problems };
}

const WILDCARDS = new Set(["0.0.0.0", "::"]);

/** A socket bound to the wildcard serves every local address (on IPv6 "::" also IPv4, unless v6only). */
function serves(socket: ListeningSocket, address: string): boolean {
  return socket.address === address || WILDCARDS.has(socket.address) || socket.address === `::ffff:${address}`;
}

export function listeningOn(
  sockets: readonly TcpSocket[],
  processes: readonly ProcessSockets[],
  ports: ReadonlyArray<{ role: "client" | "bus"; port: number }>,
  nodePid: number | null,
): PortListening[] {
  const owners = ownersByInode(processes);
  return ports.map(({ role, port }) => ({
    role,
    port,
    sockets: sockets
      .filter((socket) => socket.listening && socket.localPort === port)
      .map((socket): ListeningSocket => {
        const owner = owners.get(socket.inode);
        return {
          address: socket.localAddress,
          port,
          pid: owner?.pid ?? null,
          process: owner?.comm ?? null,
          thisNode: owner !== undefined && owner.pid === nodePid,
        };
      })
      .sort((a, b) => naturalCompare(a.address, b.address)),
  }));
}

function who(socket: ListeningSocket): string {
  return socket.pid === null ? "a process this user cannot see (run as root)" : `${socket.process ?? "?"} (pid ${socket.pid})`;
}

/** What is wrong with the node's own listening sockets: nothing there, the wrong address, the wrong process. */
export function listeningProblems(listening: readonly PortListening[], node: LocalNode): Problem[] {
  const problems: Problem[] = [];
  for (const { role, port, sockets } of listening) {
    const name = `${role} port ${port}`;
    if (sockets.length === 0) {
      problems.push({ severity: "critical", text: `nothing listens on the ${name} here` });
      continue;
    }
    if (node.ip === null) continue;
    const serving = sockets.filter((socket) => serves(socket, node.ip ?? ""));
    const served = formatAddress(node.ip, port);
    if (serving.length === 0) {
      const where = sockets.map((socket) => formatAddress(socket.address, port)).join(", ");
      problems.push({ severity: "critical", text: `nothing listens on ${served}, the address peers use: the ${name} is bound to ${where} only` });
      continue;
    }
    const strangers = serving.filter((socket) => socket.pid !== null && !socket.thisNode);
    if (node.pid !== null && strangers.length === serving.length) {
      problems.push({ severity: "warning", text: `${served} is held by ${strangers.map(who).join(", ")}, not by this node's redis-server (pid ${node.pid})` });
    }
  }
  return problems;
}
