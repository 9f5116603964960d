// redis-server processes: started daemonized inside the namespace, found again by pidfile, and only
// ever signalled after proving they are a redis-server inside the lab's namespace (pids get reused).
import { readFileSync } from "node:fs";
import { namespaceArgv, processNamespaceInode } from "./namespace.js";
import { runOrThrow } from "./run.js";

export type ProcessState = "running" | "stopped" | "exited";

/**
 * The state letter of /proc/PID/stat, the field after the command name in parentheses:
 *   5452 (redis-server) Z 1 5452 5452 0 -1 4
 * A zombie (Z) has exited: the machine's pid 1 reaps daemonized orphans only after a while.
 */
export function parseProcState(stat: string): ProcessState {
  const letter = stat
    .slice(stat.lastIndexOf(")") + 1)
    .trim()
    .charAt(0);
  if (letter === "Z" || letter === "X" || letter === "") return "exited";
  return letter === "T" || letter === "t" ? "stopped" : "running";
}

export function processState(pid: number): ProcessState {
  try {
    return parseProcState(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return "exited";
  }
}

/** The pid redis-server wrote, or null when the file is missing or not a pid. */
export function readPidfile(path: string): number | null {
  try {
    const text = readFileSync(path, "utf8").trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/**
 * True when `pid` is a live redis-server inside the lab's namespace. When the namespace is already
 * gone (`labNamespaceInode` null) the pidfile and the program name are all the proof left.
 */
export function isLabRedis(pid: number, labNamespaceInode: number | null): boolean {
  if (processState(pid) === "exited") return false;
  let comm: string;
  try {
    comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return false;
  }
  // Valkey installs its server as valkey-server (redis-server is a link to it).
  if (comm !== "redis-server" && comm !== "valkey-server") return false;
  return labNamespaceInode === null || processNamespaceInode(pid) === labNamespaceInode;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the process has exited or reached `state`; false when `timeoutMs` passed first. */
export async function waitForProcessState(pid: number, state: ProcessState, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = processState(pid);
    if (now === state || now === "exited") return now === state;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    // ESRCH: it exited between our check and the signal, which is what we wanted anyway.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * SIGTERM (after SIGCONT: a stopped process would never act on it), then SIGKILL if it has not exited
 * within `graceMs`. Without persistence a redis-server shuts down in milliseconds.
 */
export async function stopProcess(pid: number, graceMs = 3000): Promise<void> {
  sendSignal(pid, "SIGCONT");
  sendSignal(pid, "SIGTERM");
  if (await waitForProcessState(pid, "exited", graceMs)) return;
  sendSignal(pid, "SIGKILL");
  if (!(await waitForProcessState(pid, "exited", 2000))) throw new Error(`redis-server ${pid} survived SIGKILL`);
}

/** Starts one daemonized redis-server (`program`); it returns once the daemon has forked (see waitForPing). */
export async function startRedisServer(namespace: string, program: string, args: readonly string[]): Promise<void> {
  await runOrThrow(namespaceArgv(namespace, [program, ...args]), { timeoutMs: 10_000 });
}
