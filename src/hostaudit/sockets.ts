// Pure: the kernel's socket tables (/proc/net/tcp and /proc/net/tcp6) and which process holds a socket.

export interface TcpSocket {
  version: 4 | 6;
  localAddress: string;
  localPort: number;
  /** The st column: 0A is LISTEN. */
  listening: boolean;
  uid: number;
  inode: number;
}

export class ProcNetParseError extends Error {
  constructor(file: string, lineNumber: number, line: string, problem: string) {
    super(`${file} line ${lineNumber}: ${problem}: ${JSON.stringify(line.trim())}`);
    this.name = "ProcNetParseError";
  }
}

/** "0300007F" -> "127.0.0.3": the address is the kernel's 32-bit word printed in host (little-endian) order. */
function ipv4FromHex(hex: string): string {
  const bytes = [6, 4, 2, 0].map((offset) => parseInt(hex.slice(offset, offset + 2), 16));
  return bytes.join(".");
}

/** Zero groups compressed the way `ip` prints them: the longest run of two or more becomes "::". */
function formatIpv6(groups: readonly number[]): string {
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return `::ffff:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** 32 hex digits: four 32-bit words, each in host (little-endian) byte order. */
function ipv6FromHex(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) {
    const chunk = hex.slice(word * 8, word * 8 + 8);
    for (const offset of [6, 4, 2, 0]) bytes.push(parseInt(chunk.slice(offset, offset + 2), 16));
  }
  const groups = Array.from({ length: 8 }, (_, index) => ((bytes[index * 2] ?? 0) << 8) | (bytes[index * 2 + 1] ?? 0));
  return formatIpv6(groups);
}

/**
 * Parses /proc/net/tcp (version 4) or /proc/net/tcp6 (version 6). Real line (a lab node's bus port):
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
 *    0: 0200007F:3FFB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 480129 1 000000009d07690e 100 0 0 10 0
 * 0200007F:3FFB is 127.0.0.2:16379; st 0A is LISTEN; the inode links the socket to a process's fd.
 */
export function parseProcNetTcp(text: string, version: 4 | 6): TcpSocket[] {
  const file = version === 4 ? "/proc/net/tcp" : "/proc/net/tcp6";
  const addressLength = version === 4 ? 8 : 32;
  const sockets: TcpSocket[] = [];
  text.split("\n").forEach((line, offset) => {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === "" || fields[0] === "sl") return;
    const fail = (problem: string): never => {
      throw new ProcNetParseError(file, offset + 1, line, problem);
    };
    if (fields.length < 10 || !/^\d+:$/.test(fields[0] ?? "")) fail("expected sl: local_address rem_address st ... uid timeout inode");
    const [addressHex = "", portHex = ""] = (fields[1] ?? "").split(":");
    if (addressHex.length !== addressLength || !/^[0-9A-Fa-f]+$/.test(addressHex) || !/^[0-9A-Fa-f]{4}$/.test(portHex)) {
      fail(`expected a local address of ${addressLength} hex digits and a 4-digit hex port`);
    }
    const uid = Number(fields[7]);
    const inode = Number(fields[9]);
    if (!Number.isInteger(uid) || !Number.isInteger(inode)) fail("expected numeric uid and inode columns");
    sockets.push({
      version,
      localAddress: version === 4 ? ipv4FromHex(addressHex) : ipv6FromHex(addressHex),
      localPort: parseInt(portHex, 16),
      listening: fields[3] === "0A",
      uid,
      inode,
    });
  });
  return sockets;
}

/** A process and the socket inodes among its open files (from /proc/PID/fd links such as "socket:[480129]"). */
export interface ProcessSockets {
  pid: number;
  comm: string;
  inodes: number[];
}

/** "socket:[480129]" -> 480129; null for any other fd (a file, a pipe, an anon inode). */
export function socketInode(link: string): number | null {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match ? Number(match[1]) : null;
}

export function ownersByInode(processes: readonly ProcessSockets[]): Map<number, { pid: number; comm: string }> {
  const owners = new Map<number, { pid: number; comm: string }>();
  for (const { pid, comm, inodes } of processes) for (const inode of inodes) if (!owners.has(inode)) owners.set(inode, { pid, comm });
  return owners;
}
