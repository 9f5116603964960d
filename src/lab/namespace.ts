// The lab's private network namespace: its own loopback, its own nftables, nothing else can reach it.
import { readlinkSync, statSync } from "node:fs";
import { isIPv6 } from "node:net";
import { join } from "node:path";
import { runCommand, runOrThrow } from "./run.js";

/** Where `ip netns add` keeps its named namespaces (bind mounts of nsfs). */
const NETNS_DIR = "/run/netns";

/** `argv` run inside the namespace. ip-netns execs it directly, so its pid is the program's pid. */
export function namespaceArgv(namespace: string, argv: readonly string[]): string[] {
  return ["ip", "netns", "exec", namespace, ...argv];
}

/**
 * The namespace's inode (what /proc/PID/ns/net links to), or null when it does not exist. Used to prove
 * a process really is inside our lab before we signal it.
 */
export function namespaceInode(namespace: string): number | null {
  try {
    return statSync(join(NETNS_DIR, namespace)).ino;
  } catch {
    return null;
  }
}

/**
 * The inode of a process's network namespace, read from its /proc link, e.g.
 *   /proc/5438/ns/net -> net:[4026532871]
 */
export function processNamespaceInode(pid: number): number | null {
  try {
    const match = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/ns/net`));
    return match?.[1] === undefined ? null : Number(match[1]);
  } catch {
    return null;
  }
}

export async function createNamespace(namespace: string): Promise<void> {
  await runOrThrow(["ip", "netns", "add", namespace]);
  // A new namespace's loopback is down: nothing, not even 127.0.0.1, is reachable until it is up.
  await runOrThrow(namespaceArgv(namespace, ["ip", "link", "set", "lo", "up"]));
}

/**
 * Puts IPv6 addresses on the namespace's loopback (IPv4 needs none: all of 127.0.0.0/8 is there).
 * `nodad`: no duplicate address detection, so an address is usable at once rather than "tentative".
 */
export async function addLoopbackAddresses(namespace: string, addresses: readonly string[]): Promise<void> {
  for (const address of addresses.filter(isIPv6)) {
    await runOrThrow(namespaceArgv(namespace, ["ip", "-6", "addr", "add", `${address}/128`, "dev", "lo", "nodad"]));
  }
}

export async function deleteNamespace(namespace: string): Promise<void> {
  if (namespaceInode(namespace) !== null) await runOrThrow(["ip", "netns", "delete", namespace]);
}

/** Pids of the processes inside the namespace (`ip netns pids` prints one per line). */
export async function namespacePids(namespace: string): Promise<number[]> {
  if (namespaceInode(namespace) === null) return [];
  const result = await runCommand(["ip", "netns", "pids", namespace]);
  return result.stdout
    .split("\n")
    .filter((line) => /^\d+$/.test(line.trim()))
    .map(Number);
}
