// The I/O half of host-audit, run on the node's host: the node's replies, the kernel's socket tables
// and the processes holding the sockets, the firewall dumps, and a probe of every peer's bus port that
// lies in scope (the node's address, this host's own interface addresses, --allow): a peer is only
// what the node's CLUSTER NODES claims.
import { execFile } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { UsageError } from "../errors.js";
import { COMMAND_ARGS, type ClientSettings } from "../collect/nodeClient.js";
import { queryNodeOnce } from "../collect/queryOnce.js";
import type { ConnectionOptions } from "../collect/options.js";
import { formatAddress, type HostPort } from "../cluster/address.js";
import { runSettings } from "../collect/runSettings.js";
import { isLocalAddress } from "./flows.js";
import type { AuditCommand, Captured, HostAuditFacts, LocalAddress } from "./model.js";
import { readLocalNode } from "./node.js";
import { probeTcp } from "../collect/probe.js";
import { parseProcNetTcp, socketInode, type ProcessSockets } from "./sockets.js";

const AUDIT_COMMANDS: Record<AuditCommand, readonly string[]> = {
  ping: COMMAND_ARGS.ping,
  info: COMMAND_ARGS.info,
  clusterNodes: COMMAND_ARGS.clusterNodes,
  configClusterPort: COMMAND_ARGS.configClusterPort,
  configBindSourceAddr: ["CONFIG", "GET", "bind-source-addr"],
  configAnnounce: COMMAND_ARGS.configAnnounce,
};

const TOOL_TIMEOUT_MS = 10_000;

export interface HostAuditRequest {
  node: HostPort;
  connection: ConnectionOptions;
  source: string | null;
}

function localAddresses(): LocalAddress[] {
  return Object.values(networkInterfaces()).flatMap((entries) =>
    (entries ?? []).flatMap((entry) => (entry.cidr === null ? [] : [{ cidr: entry.cidr, internal: entry.internal }])),
  );
}

async function queryNode(request: HostAuditRequest, settings: ClientSettings): Promise<HostAuditFacts["node"]> {
  const { host, port } = request.node;
  return { host, port, ...(await queryNodeOnce(request.node, settings, AUDIT_COMMANDS)) };
}

async function readText(path: string): Promise<Captured> {
  try {
    return { ok: true, text: await readFile(path, "utf8") };
  } catch (error) {
    return { ok: false, why: `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`, absent: false };
  }
}

/** A tool's output; a tool that is not installed is `absent` (skipped, not a problem). */
function runTool(program: string, args: readonly string[]): Promise<Captured> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: TOOL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      const command = [program, ...args].join(" ");
      if (error === null) resolve({ ok: true, text: stdout });
      else if ((error as NodeJS.ErrnoException).code === "ENOENT") resolve({ ok: false, why: `${program} is not installed: skipped`, absent: true });
      else resolve({ ok: false, why: `${command} failed: ${(stderr.trim() || error.message).split("\n")[0] ?? ""}`, absent: false });
    });
  });
}

/** Processes holding any of `inodes`, from their /proc/PID/fd links; processes gone or not ours are skipped. */
async function socketOwners(inodes: ReadonlySet<number>): Promise<ProcessSockets[]> {
  if (inodes.size === 0) return [];
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  const found = await Promise.all(
    pids.map(async (pid): Promise<ProcessSockets | null> => {
      try {
        const fds = await readdir(`/proc/${pid}/fd`);
        const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => "")));
        const held = links.map(socketInode).filter((inode): inode is number => inode !== null && inodes.has(inode));
        if (held.length === 0) return null;
        const comm = (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
        return { pid: Number(pid), comm, inodes: held };
      } catch {
        return null;
      }
    }),
  );
  return found.filter((owner): owner is ProcessSockets => owner !== null);
}

function listeningInodes(tables: readonly Captured[], ports: ReadonlySet<number>): Set<number> {
  const inodes = new Set<number>();
  tables.forEach((captured, index) => {
    if (!captured.ok) return;
    try {
      for (const socket of parseProcNetTcp(captured.text, index === 0 ? 4 : 6)) {
        if (socket.listening && ports.has(socket.localPort)) inodes.add(socket.inode);
      }
    } catch {
      // The decision parses the same text again and reports the problem.
    }
  });
  return inodes;
}

export async function gatherHostAudit(request: HostAuditRequest): Promise<HostAuditFacts> {
  const locals = localAddresses();
  const { source } = request;
  if (source !== null && (isIP(source) === 0 || !isLocalAddress(source, locals))) {
    throw new UsageError(`--source ${source}: not an address of this host (it has ${locals.map((local) => local.cidr).join(", ")})`);
  }
  const settings = await runSettings(
    [request.node],
    request.connection,
    locals.map((local) => local.cidr.split("/")[0] ?? ""),
  );
  const [node, procNetTcp, procNetTcp6, nft, iptables] = await Promise.all([
    queryNode(request, settings.client),
    readText("/proc/net/tcp"),
    readText("/proc/net/tcp6"),
    runTool("nft", ["-j", "list", "ruleset"]),
    runTool("iptables-save", []),
  ]);
  const local = readLocalNode(node);
  const ports = new Set([local.clientPort, ...(local.bus === null ? [] : [local.bus.port])]);
  const inScope = local.peers.filter((peer) => settings.admit(peer.ip).inScope);
  const outOfScope = local.peers.flatMap((peer) => {
    const verdict = settings.admit(peer.ip);
    return verdict.inScope
      ? []
      : [
          {
            address: formatAddress(peer.ip, peer.busPort),
            kind: verdict.kind,
            reason: verdict.reason,
            listedBy: [formatAddress(request.node.host, request.node.port)],
          },
        ];
  });
  const [processes, peerProbes] = await Promise.all([
    socketOwners(listeningInodes([procNetTcp, procNetTcp6], ports)),
    Promise.all(inScope.map((peer) => probeTcp(peer.ip, peer.busPort, request.connection.timeoutMs, source))),
  ]);
  return { node, procNetTcp, procNetTcp6, processes, nft, iptables, localAddresses: locals, source, peerProbes, outOfScope };
}
