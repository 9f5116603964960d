// Pure: turns the options a user gives into the exact layout of a lab (names, addresses, ports, files)
// and into the redis-server command line of each node. No I/O here, so all of it is unit-tested.
import { isIPv6 } from "node:net";
import { join } from "node:path";
import { formatAddress } from "../cluster/address.js";
import { BUS_PORT_OFFSET, defaultBusPort } from "../cluster/ports.js";
import { serverLabel } from "../cluster/server.js";
import { UsageError } from "../errors.js";
import { clientAddresses, DEFAULT_IPV6_BASE, nodeAddresses } from "./addresses.js";
import { nodeCertFiles } from "./certs.js";
import type { ServerProfile } from "./server.js";

export const DEFAULT_LAB_NAME = "lab";
export const DEFAULT_STATE_ROOT = "/run/busdoctor/labs";
export const DEFAULT_IPV4_BASE = "127.0.0.1";

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
  /**
   * The first node's address; node N gets base + N - 1. IPv4 inside 127.0.0.0/8, or IPv6 inside the
   * unique-local fc00::/7 (added to the namespace's loopback).
   */
  baseAddress?: string;
  /** Without a base address: IPv6 (DEFAULT_IPV6_BASE) rather than IPv4. */
  ipv6?: boolean;
  /** The redis-server to run; the first one on PATH when absent. redis-cli is taken from beside it. */
  server?: string;
  /** TLS on the client port, the bus (`tls-cluster`) and replication, with certificates the lab makes. */
  tls?: boolean;
  /** Every node announces a hostname (`cluster-announce-hostname`, Redis 7.0+ and Valkey). */
  hostnames?: boolean;
  /**
   * Valkey 8+: every node also listens on a second address and announces it to clients
   * (`cluster-announce-client-ipv4`), while peers keep dialing the bus at its first. IPv4 labs only.
   */
  clientAnnounce?: boolean;
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
  /** As given; null means the first redis-server on PATH. */
  server: string | null;
  tls: boolean;
  hostnames: boolean;
  clientAnnounce: boolean;
}

export type NodeProcessStatus = "running" | "paused" | "killed";

export interface LabNode {
  /** 1-based, in the order the nodes were given to `redis-cli --cluster create`. */
  index: number;
  /** Its bus address: what peers dial, what fault rules match. */
  address: string;
  port: number;
  clusterPort: number;
  /** "ip:port" ("[ipv6]:port"), the form findings and seeds use. */
  endpoint: string;
  /** `cluster-announce-hostname`, when the lab announces hostnames. */
  hostname: string | null;
  /** The address announced to clients (Valkey's `cluster-announce-client-ipv4`), when apart from `address`. */
  clientAddress: string | null;
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
    baseAddress: options.baseAddress ?? (options.ipv6 === true ? DEFAULT_IPV6_BASE : DEFAULT_IPV4_BASE),
    stateRoot: options.stateRoot ?? DEFAULT_STATE_ROOT,
    settleTimeoutMs: checkInteger("settle timeout (ms)", options.settleTimeoutMs ?? 60_000, 1000, 3_600_000),
    server: options.server ?? null,
    tls: options.tls ?? false,
    hostnames: options.hostnames ?? false,
    clientAnnounce: options.clientAnnounce ?? false,
  };
  if (options.ipv6 === true && !isIPv6(resolved.baseAddress)) {
    throw new UsageError(`--ipv6 and base address ${resolved.baseAddress} disagree: give an IPv6 base address or none`);
  }
  const addresses = nodeAddresses(resolved.baseAddress, nodeCount(resolved));
  if (resolved.clientAnnounce) clientAddresses(addresses);
  return resolved;
}

/**
 * What the server itself must offer for these options, checked once its version is known: Redis 6.2
 * has no `cluster-port` (its bus is always port + 10000) and no hostnames; only Valkey 8+ announces
 * client addresses.
 */
export function checkServerSupports(options: ResolvedLabOptions, server: ServerProfile): void {
  const serverName = serverLabel(server);
  if (!server.clusterPortOption && options.clusterPort !== defaultBusPort(options.port)) {
    throw new UsageError(`${serverName} has no cluster-port setting: its bus port is always port + ${BUS_PORT_OFFSET}, so drop --cluster-port`);
  }
  if (options.hostnames && !server.hostnames) throw new UsageError(`${serverName} cannot announce hostnames (cluster-announce-hostname came with Redis 7.0)`);
  if (options.clientAnnounce && !server.clientAnnounce) {
    throw new UsageError(`${serverName} cannot announce a client address apart from the bus address (cluster-announce-client-ipv4 is Valkey 8+)`);
  }
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

/** "redis-3.lab.busdoctor.test": under .test, a name reserved for testing that never resolves elsewhere. */
export function labHostname(labName: string, index: number): string {
  return `redis-${index}.${labName.toLowerCase().replace(/[^a-z0-9-]/g, "-")}.busdoctor.test`;
}

export function planNodes(options: ResolvedLabOptions): LabNode[] {
  const stateDir = labStateDir(options.stateRoot, options.name);
  const addresses = nodeAddresses(options.baseAddress, nodeCount(options));
  const clients = options.clientAnnounce ? clientAddresses(addresses) : null;
  return addresses.map((address, offset) => nodeAt(options, join(stateDir, `node${offset + 1}`), offset + 1, address, clients?.[offset] ?? null));
}

/** One node's layout; `index` 0 is a node outside the cluster (an extra node a test starts). */
export function nodeAt(options: ResolvedLabOptions, dir: string, index: number, address: string, clientAddress: string | null = null): LabNode {
  return {
    index,
    address,
    port: options.port,
    clusterPort: options.clusterPort,
    endpoint: formatAddress(address, options.port),
    hostname: options.hostnames && index > 0 ? labHostname(options.name, index) : null,
    clientAddress,
    dir,
    configFile: join(dir, "nodes.conf"),
    pidfile: join(dir, "redis.pid"),
    logfile: join(dir, "redis.log"),
    status: "running",
  };
}

/** What a node's command line depends on besides its layout. */
export interface NodeServerSettings {
  nodeTimeoutMs: number;
  server: Pick<ServerProfile, "clusterPortOption" | "bindSourceAddr">;
  /** The lab's CA when it runs TLS. */
  tlsCaFile: string | null;
  /** Only while a fault makes the node announce a bus port nothing listens on (kept across a restart). */
  announcedBusPort?: number;
}

/**
 * The redis-server command line of one node. Each flag is there for a reason seen on this kind of
 * machine (see redis-cluster-bus-notes.md); leaving one out silently changes every scenario.
 */
export function redisServerArgs(node: LabNode, settings: NodeServerSettings): string[] {
  const { server, tlsCaFile, announcedBusPort } = settings;
  // Every node on its own loopback address with the same ports, exactly like separate hosts.
  const binds = node.clientAddress === null ? [node.address] : [node.address, node.clientAddress];
  const args = ["--bind", ...binds];
  if (tlsCaFile === null) {
    args.push("--port", String(node.port));
  } else {
    // TLS only: the client port, the bus and replication all speak TLS with the lab's certificates.
    // Without a client certificate a tool may still connect (optional), as peers must present theirs.
    const { certFile, keyFile } = nodeCertFiles(node);
    args.push(...["--port", "0", "--tls-port", String(node.port), "--tls-cluster", "yes", "--tls-replication", "yes"]);
    args.push(...["--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-ca-cert-file", tlsCaFile, "--tls-auth-clients", "optional"]);
  }
  // Redis 6.2 has no cluster-port: it always listens on port + 10000, which the options were checked to be.
  if (server.clusterPortOption) args.push("--cluster-port", String(node.clusterPort));
  // Without it outgoing bus connections leave from 127.0.0.1, so per-node rules on `ip saddr` match
  // nothing. Redis 6.2 has no such setting but binds its outgoing connections to the first --bind address.
  if (server.bindSourceAddr) args.push("--bind-source-addr", node.address);
  // Without it `redis-cli --cluster create` hangs at "Waiting for the cluster to join".
  args.push("--cluster-announce-ip", node.address);
  if (node.hostname !== null) args.push("--cluster-announce-hostname", node.hostname);
  if (node.clientAddress !== null) args.push("--cluster-announce-client-ipv4", node.clientAddress);
  if (announcedBusPort !== undefined) args.push("--cluster-announce-bus-port", String(announcedBusPort));
  return [
    ...args,
    // Without it a replica connecting from another 127.0.0.N gets -DENIED: no sync, no failover.
    ...["--protected-mode", "no"],
    ...["--cluster-enabled", "yes", "--cluster-config-file", node.configFile],
    ...["--cluster-node-timeout", String(settings.nodeTimeoutMs)],
    // No persistence: a lab starts empty, and no RDB fork slows replication or shutdown.
    ...["--dir", node.dir, "--save", "", "--appendonly", "no"],
    // A master otherwise waits 5 s for more replicas before a diskless full sync: `up` would take 5 s longer.
    ...["--repl-diskless-sync-delay", "0"],
    // Daemonized, it outlives the CLI invocation that started it; the pidfile is how we find it again.
    ...["--daemonize", "yes", "--pidfile", node.pidfile, "--logfile", node.logfile],
  ];
}
