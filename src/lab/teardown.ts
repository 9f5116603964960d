// Tearing a lab down must work from any state it can be left in: fully up, half started (no state
// file yet, or no namespace yet), paused nodes, a corrupt state file, or already gone.
import { readFileSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { deleteNamespace, namespaceInode, namespacePids } from "./namespace.js";
import { isLabRedis, readPidfile, sendSignal, stopProcess } from "./processes.js";
import { loadState, stateFile, type LabState } from "./state.js";

export interface LabLocation {
  namespace: string;
  stateDir: string;
}

async function readableState(stateDir: string): Promise<LabState | null> {
  try {
    return await loadState(stateDir);
  } catch {
    // A corrupt state file must not keep `down` from cleaning up: the namespace still finds the processes.
    return null;
  }
}

function pidfilePids(state: LabState | null): number[] {
  return (state?.nodes ?? []).map((node) => readPidfile(node.pidfile)).filter((pid): pid is number => pid !== null);
}

/**
 * Stops every redis-server of the lab (by pidfile, then any left in the namespace), deletes the
 * namespace (and with it the nft rules) and the state dir. Returns false when there was nothing.
 */
export async function destroyLab(location: LabLocation): Promise<boolean> {
  const state = await readableState(location.stateDir);
  const inode = namespaceInode(location.namespace);
  const pids = new Set([...pidfilePids(state), ...(await namespacePids(location.namespace))]);
  const ours = [...pids].filter((pid) => isLabRedis(pid, inode));
  await Promise.all(ours.map((pid) => stopProcess(pid)));
  await deleteNamespace(location.namespace);
  const existed = state !== null || inode !== null;
  await rm(location.stateDir, { recursive: true, force: true });
  return existed;
}

/**
 * The same, synchronously and without grace, for the moment a process is exiting (an `exit` handler
 * cannot await): SIGKILL, delete the namespace, remove the state dir.
 */
export function destroyLabSync(location: LabLocation): void {
  let state: LabState | null = null;
  try {
    state = JSON.parse(readFileSync(stateFile(location.stateDir), "utf8")) as LabState;
  } catch {
    state = null;
  }
  const inode = namespaceInode(location.namespace);
  const listed = inode === null ? "" : spawnSync("ip", ["netns", "pids", location.namespace], { encoding: "utf8" }).stdout;
  const inNamespace = (listed ?? "")
    .split("\n")
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
  for (const pid of new Set([...pidfilePids(state), ...inNamespace])) {
    if (isLabRedis(pid, inode)) sendSignal(pid, "SIGKILL");
  }
  if (inode !== null) spawnSync("ip", ["netns", "delete", location.namespace]);
  rmSync(location.stateDir, { recursive: true, force: true });
}
