// A process's own CPU time and peak memory, read from /proc: what the benches charge to busdoctor.
import { readdirSync, readFileSync } from "node:fs";

/** utime + stime of a process, in seconds, from /proc/PID/stat (fields 14 and 15, after the command in parentheses). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** VmHWM (peak resident set) of a process, in MB. */
export function peakMegabytes(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) / 1024;
}

/** [pid, parent pid, utime + stime in seconds] of every process, from /proc/PID/stat. */
function processTable(): Array<[pid: number, parent: number, cpu: number]> {
  const rows: Array<[number, number, number]> = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      rows.push([Number(entry), Number(fields[1]), (Number(fields[11]) + Number(fields[12])) / 100]);
    } catch {
      // exited between the listing and the read
    }
  }
  return rows;
}

/** CPU seconds of every live descendant of `root` (a browser this process launched: its renderer, GPU and utility processes). */
export function descendantsCpuSeconds(root: number): number {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, parent] of table) children.set(parent, [...(children.get(parent) ?? []), pid]);
  const cpu = new Map(table.map(([pid, , seconds]) => [pid, seconds]));
  let total = 0;
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    total += cpu.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}
