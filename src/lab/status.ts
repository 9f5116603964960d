// What a lab looks like right now: the saved state checked against the kernel (is each process alive,
// stopped?) and against the nodes themselves (do they answer, what role, what cluster_state?).
import { redisCli, type CliReply, type LabCli } from "./cluster.js";
import { describeFault, type FaultLayout, type LabFault } from "./faults.js";
import { namespaceInode } from "./namespace.js";
import { isLabRedis, processState, readPidfile, type ProcessState } from "./processes.js";
import { serverLabel } from "../cluster/server.js";
import type { LabState } from "./state.js";

export interface LabNodeStatus {
  index: number;
  endpoint: string;
  clusterPort: number;
  pid: number | null;
  /** What the kernel says: `stopped` is a paused node, `exited` a killed one. */
  process: ProcessState;
  answersPing: boolean;
  role: "master" | "replica" | null;
  clusterState: string | null;
}

export interface LabStatus {
  name: string;
  /** "Redis 7.0.15", "Valkey 8.0.1". */
  server: string;
  serverPath: string;
  tls: boolean;
  namespace: string;
  stateDir: string;
  namespaceExists: boolean;
  nodeTimeoutMs: number;
  nodes: LabNodeStatus[];
  faults: Array<{ fault: LabFault; description: string }>;
}

/**
 * The value of one `field:value` line, e.g. `role:slave` from INFO replication or `cluster_state:ok`
 * from CLUSTER INFO.
 */
function field(reply: CliReply, name: string): string | null {
  if (!reply.ok) return null;
  const line = reply.text.split(/\r?\n/).find((candidate) => candidate.startsWith(`${name}:`));
  return line === undefined ? null : line.slice(name.length + 1).trim();
}

export async function labStatus(state: LabState, cli: LabCli, layout: FaultLayout): Promise<LabStatus> {
  const inode = namespaceInode(state.namespace);
  const nodes = await Promise.all(
    state.nodes.map(async (node): Promise<LabNodeStatus> => {
      const recorded = readPidfile(node.pidfile);
      const pid = recorded !== null && isLabRedis(recorded, inode) ? recorded : null;
      const process = pid === null ? "exited" : processState(pid);
      const base = { index: node.index, endpoint: node.endpoint, clusterPort: node.clusterPort, pid, process };
      // A stopped process would only make us wait for a timeout to learn what we already know.
      if (process !== "running") return { ...base, answersPing: false, role: null, clusterState: null };
      const [ping, info, replication] = await Promise.all([
        redisCli(cli, node, ["ping"]),
        redisCli(cli, node, ["cluster", "info"]),
        redisCli(cli, node, ["info", "replication"]),
      ]);
      const role = field(replication, "role");
      return {
        ...base,
        answersPing: ping.ok && ping.text.trim() === "PONG",
        role: role === "master" ? "master" : role === "slave" ? "replica" : null,
        clusterState: field(info, "cluster_state"),
      };
    }),
  );
  return {
    name: state.options.name,
    server: serverLabel(state.server.profile),
    serverPath: state.server.serverPath,
    tls: state.options.tls,
    namespace: state.namespace,
    stateDir: state.stateDir,
    namespaceExists: inode !== null,
    nodeTimeoutMs: state.options.nodeTimeoutMs,
    nodes,
    faults: state.faults.map((fault) => ({ fault, description: describeFault(fault, layout) })),
  };
}

/** The status as a small table for `busdoctor lab status`. */
export function formatLabStatus(status: LabStatus): string {
  const header = ["#", "node", "bus", "pid", "process", "role", "ping", "cluster_state"];
  const rows = status.nodes.map((node) => [
    String(node.index),
    node.endpoint,
    String(node.clusterPort),
    node.pid === null ? "-" : String(node.pid),
    node.process === "stopped" ? "paused" : node.process === "exited" ? "down" : "running",
    node.role ?? "-",
    node.answersPing ? "PONG" : "-",
    node.clusterState ?? "-",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]): string => `  ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ")}`.trimEnd();
  const faults = status.faults.length === 0 ? ["no faults in force"] : ["faults in force:", ...status.faults.map((entry) => `  - ${entry.description}`)];
  return [
    `lab "${status.name}" (${status.server}${status.tls ? ", TLS" : ""}) in namespace ${status.namespace}${status.namespaceExists ? "" : " (namespace missing!)"}, ` +
      `node timeout ${status.nodeTimeoutMs} ms, state in ${status.stateDir}`,
    line(header),
    ...rows.map(line),
    ...faults,
    "",
  ].join("\n");
}
