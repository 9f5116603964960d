// Pure: turns the options a user gives into the exact layout of a lab (names, addresses, ports, files)
// and into the redis-server command line of each node. No I/O here, so all of it is unit-tested.
import { join } from "node:path";
import { BUS_PORT_OFFSET, defaultBusPort } from "../cluster/ports.js";
import { UsageError } from "../errors.js";

export const DEFAULT_LAB_NAME = "lab";
export const DEFAULT_STATE_ROOT = "/run/busdoctor/labs";

export interface LabOptions {
  /** Names the namespace (`busdoctor-<name>`) and the state dir; letters, digits, `.`, `_`, `-`. */
  name?: string;
  /** At least 3: `redis-cli --cluster create` refuses fewer masters. */
  masters?: number;
  replicasPerMaster?: number;
  /** The client port, the same on every node (as on real hosts). */
  port?: number;
  /** The bus port every node listens on; port + 10000 when absent, as Redis does. */
  clusterPort?: number;
  nodeTimeoutMs?: number;
  /** The first node's loopback address; node N gets base + N - 1. Must stay inside 127.0.0.0/8. */
  baseAddress?: string;
  /** Where lab state lives (one dir per lab, node dirs inside it). */
  stateRoot?: string;
  /** How long `up` waits for the cluster to settle before giving up. */
  settleTimeoutMs?: number;
}

export interface ResolvedLabOptions {
  name: string;
  masters: number;
  replicasPerMaster: number;
  port: number;
  clusterPort: number;
  nodeTimeoutMs: number;
  baseAddress: string;
  stateRoot: string;
  settleTimeoutMs: number;
}

export type NodeProcessStatus = "running" | "paused" | "killed";

export interface LabNode {
  /** 1-based, in the order the nodes were given to `redis-cli --cluster create`. */
  index: number;
  address: string;
  port: number;
  clusterPort: number;
  /** "ip:port", the form findings and seeds use. */
  endpoint: string;
  dir: string;
  configFile: string;
  pidfile: string;
  logfile: string;
  /** What the lab last did to the process; `status()` reports what the kernel says. */
  status: NodeProcessStatus;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

function checkInteger(label: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${label} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** The name, if it is one a namespace and a directory can safely carry. */
export function checkLabName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(`lab name "${name}" is invalid: use up to 40 letters, digits, ".", "_" or "-"`);
  }
  return name;
}

export function resolveLabOptions(options: LabOptions = {}): ResolvedLabOptions {
  const name = checkLabName(options.name ?? DEFAULT_LAB_NAME);
  const port = checkInteger("port", options.port ?? 6379, 1, 65535);
  const defaultPort = defaultBusPort(port);
  if (options.clusterPort === undefined && defaultPort === null) {
    throw new UsageError(`port ${port} + ${BUS_PORT_OFFSET} is past 65535: give a cluster port explicitly`);
  }
  const clusterPort = checkInteger("cluster port", options.clusterPort ?? defaultPort ?? 0, 1, 65535);
  if (clusterPort === port) throw new UsageError(`cluster port must differ from the client port (${port})`);
  const resolved: ResolvedLabOptions = {
    name,
    masters: checkInteger("masters", options.masters ?? 3, 3, 100),
    replicasPerMaster: checkInteger("replicas per master", options.replicasPerMaster ?? 1, 0, 10),
    port,
    clusterPort,
    nodeTimeoutMs: checkInteger("node timeout (ms)", options.nodeTimeoutMs ?? 3000, 100, 3_600_000),
    baseAddress: options.baseAddress ?? "127.0.0.1",
    stateRoot: options.stateRoot ?? DEFAULT_STATE_ROOT,
    settleTimeoutMs: checkInteger("settle timeout (ms)", options.settleTimeoutMs ?? 60_000, 1000, 3_600_000),
  };
  nodeAddresses(resolved.baseAddress, nodeCount(resolved));
  return resolved;
}

export function nodeCount(options: Pick<ResolvedLabOptions, "masters" | "replicasPerMaster">): number {
  return options.masters * (1 + options.replicasPerMaster);
}

export function namespaceName(labName: string): string {
  return `busdoctor-${labName}`;
}

export function labStateDir(stateRoot: string, labName: string): string {
  return join(stateRoot, labName);
}

function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/**
 * `count` consecutive addresses from `base`. The project may only send traffic inside 127.0.0.0/8 in
 * namespaces it created, so any address outside it (or the .0/.255 ends of it) is refused here.
 */
export function nodeAddresses(base: string, count: number): string[] {
  const first = parseIpv4(base);
  const low = 127 * 2 ** 24 + 1;
  const high = 128 * 2 ** 24 - 2;
  if (first === null) throw new UsageError(`base address "${base}" is not an IPv4 address`);
  if (first < low || first + count - 1 > high) {
    throw new UsageError(`base address ${base} with ${count} nodes leaves 127.0.0.1-127.255.255.254 (loopback only)`);
  }
  return Array.from({ length: count }, (_, offset) => formatIpv4(first + offset));
}

export function planNodes(options: ResolvedLabOptions): LabNode[] {
  const stateDir = labStateDir(options.stateRoot, options.name);
  return nodeAddresses(options.baseAddress, nodeCount(options)).map((address, offset) => {
    const dir = join(stateDir, `node${offset + 1}`);
    return {
      index: offset + 1,
      address,
      port: options.port,
      clusterPort: options.clusterPort,
      endpoint: `${address}:${options.port}`,
      dir,
      configFile: join(dir, "nodes.conf"),
      pidfile: join(dir, "redis.pid"),
      logfile: join(dir, "redis.log"),
      status: "running",
    };
  });
}

/**
 * The redis-server command line of one node. Each flag is there for a reason seen on this kind of
 * machine (see redis-cluster-bus-notes.md); leaving one out silently changes every scenario.
 */
export function redisServerArgs(node: LabNode, nodeTimeoutMs: number, announcedBusPort?: number): string[] {
  return [
    // Every node on its own loopback address with the same ports, exactly like separate hosts.
    ...["--bind", node.address, "--port", String(node.port), "--cluster-port", String(node.clusterPort)],
    // Without it outgoing bus connections leave from 127.0.0.1, so per-node rules on `ip saddr` match nothing.
    ...["--bind-source-addr", node.address],
    // Without it `redis-cli --cluster create` hangs at "Waiting for the cluster to join".
    ...["--cluster-announce-ip", node.address],
    // Only while a fault makes the node announce a bus port nothing listens on (kept across a restart).
    ...(announcedBusPort === undefined ? [] : ["--cluster-announce-bus-port", String(announcedBusPort)]),
    // Without it a replica connecting from another 127.0.0.N gets -DENIED: no sync, no failover.
    ...["--protected-mode", "no"],
    ...["--cluster-enabled", "yes", "--cluster-config-file", node.configFile],
    ...["--cluster-node-timeout", String(nodeTimeoutMs)],
    // No persistence: a lab starts empty, and no RDB fork slows replication or shutdown.
    ...["--dir", node.dir, "--save", "", "--appendonly", "no"],
    // A master otherwise waits 5 s for more replicas before a diskless full sync: `up` would take 5 s longer.
    ...["--repl-diskless-sync-delay", "0"],
    // Daemonized, it outlives the CLI invocation that started it; the pidfile is how we find it again.
    ...["--daemonize", "yes", "--pidfile", node.pidfile, "--logfile", node.logfile],
  ];
}
