// Fake Redis Cluster nodes that misbehave on purpose, for the hostile suite: one process serves every
// fake node of a scenario (each on its own addresses) and the sinks that record any connection made
// to an address busdoctor must never dial. Hand-written replies, because no real server can be made
// to send garbage, trickle one byte per 100 ms or stream without end; the well-behaved replies copy
// the shape of redis-server 7.0.15's (test/fixtures/v7.0.15).
// usage: node --import tsx fakeNode.ts CONFIG.json   (prints "ready" once every address listens)
import { appendFileSync, readFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";

/** How a fake node answers: `ok` like a healthy node, every other mode like the hostile server it names. */
export type FakeMode =
  | "ok" // answers every command correctly
  | "silent" // accepts, reads, never writes
  | "slow" // correct replies, one byte every 100 ms
  | "garbage" // bytes that are not RESP
  | "error" // -ERR to every command
  | "close" // half of the first reply, then closes
  | "endless" // a simple string that never ends (no CRLF, ever)
  | "flood" // +PONG without end: replies nobody asked for
  | "huge"; // CLUSTER NODES and INFO as 200 MB bulk strings

export interface FakeNodeSpec {
  id: string;
  /** What the node prints on its own `myself` line. */
  ip: string;
  port: number;
  cport: number;
  /** How the other fake nodes list it, when that differs from its own line (NAT, multi-homed). */
  listedAs?: { ip: string; port: number };
  /** Where it accepts connections; "0.0.0.0" answers on every 127.x.y.z of the namespace. */
  listen: Array<{ host: string; port: number }>;
  mode: FakeMode;
  /** Only this fake node's own CLUSTER NODES lists these extra lines (special addresses...). */
  extraLines?: string[];
  /** The error line of the `error` mode (without "-" and CRLF). */
  errorText?: string;
}

export interface FakeConfig {
  nodes: FakeNodeSpec[];
  /** A synthetic cluster every node lists after the fake nodes: `count` masters on 127.x.y.z:6379. */
  synthetic?: { count: number; idPrefix: string };
  /** Addresses that only record connections. */
  sinks: Array<{ host: string; port: number }>;
  /** Every accepted connection and every command, one JSON object per line. */
  log: string;
}

const HUGE_BYTES = 200 * 1024 * 1024;
const SLOW_BYTE_MS = 100;

function log(config: FakeConfig, entry: object): void {
  appendFileSync(config.log, `${JSON.stringify(entry)}\n`);
}

/** The synthetic nodes: ids share all but their last digits (the quadratic case), addresses 127.1.0.0 up. */
function syntheticLines(config: FakeConfig): string[] {
  const synthetic = config.synthetic;
  if (!synthetic) return [];
  const lines: string[] = [];
  for (let index = 0; index < synthetic.count; index++) {
    const suffix = index.toString(16).padStart(40 - synthetic.idPrefix.length, "0");
    const ip = `127.${1 + (index >> 16)}.${(index >> 8) & 255}.${index & 255}`;
    lines.push(`${synthetic.idPrefix}${suffix} ${ip}:6379@16379 master - 0 1700000000000 ${index + 1} connected`);
  }
  return lines;
}

function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

function line(node: FakeNodeSpec, asSeenBy: FakeNodeSpec): string {
  const self = node === asSeenBy;
  const { ip, port } = self || !node.listedAs ? node : node.listedAs;
  // A healthy link: no ping pending, the last pong just now (on the node's clock, INFO server_time_usec).
  return `${node.id} ${ip}:${port}@${node.cport} ${self ? "myself,master" : "master"} - 0 ${Date.now()} 1 connected${self ? " 0-16383" : ""}`;
}

/** One node's view; a synthetic node answering on 0.0.0.0 sees itself on the line of the address it was dialled at. */
function clusterNodes(config: FakeConfig, node: FakeNodeSpec, synthetic: readonly string[], localAddress: string): string {
  const own = config.nodes.map((other) => line(other, node));
  const rest = synthetic.map((text) => (text.includes(` ${localAddress}:6379@`) ? text.replace(" master ", " myself,master ") : text));
  return `${[...own, ...(node.extraLines ?? []), ...rest].join("\n")}\n`;
}

function clusterInfo(knownNodes: number): string {
  return [
    "cluster_enabled:1",
    "cluster_state:ok",
    "cluster_slots_assigned:16384",
    "cluster_slots_ok:16384",
    "cluster_slots_pfail:0",
    "cluster_slots_fail:0",
    `cluster_known_nodes:${knownNodes}`,
    "cluster_size:1",
    "cluster_current_epoch:1",
    "cluster_my_epoch:1",
    "cluster_stats_messages_sent:100",
    "cluster_stats_messages_received:100",
    "total_cluster_links_buffer_limit_exceeded:0",
    "",
  ].join("\r\n");
}

function info(): string {
  return [
    "# Server",
    "redis_version:7.0.15",
    `server_time_usec:${Date.now() * 1000}`,
    "tcp_port:6379",
    "",
    "# Clients",
    "connected_clients:1",
    "",
    "# Cluster",
    "cluster_enabled:1",
    "",
  ].join("\r\n");
}

/** The correct reply to one command, as RESP. */
function reply(config: FakeConfig, node: FakeNodeSpec, synthetic: readonly string[], args: string[], localAddress: string): string {
  const [name = "", sub = ""] = args.map((arg) => arg.toUpperCase());
  if (name === "PING") return "+PONG\r\n";
  if (name === "AUTH") return "+OK\r\n";
  if (name === "INFO") return bulk(info());
  if (name === "CONFIG") return `*2\r\n${bulk(args[2] ?? "")}${bulk(args[2] === "cluster-port" ? "0" : "2000")}`;
  if (name === "CLUSTER") {
    if (sub === "MYID") return bulk(node.id);
    if (sub === "INFO") return bulk(clusterInfo(config.nodes.length + synthetic.length));
    if (sub === "NODES") return bulk(clusterNodes(config, node, synthetic, localAddress));
    if (sub === "LINKS") return "*0\r\n";
    if (sub === "COUNT-FAILURE-REPORTS") return ":0\r\n";
  }
  return `-ERR unknown command '${args[0] ?? ""}'\r\n`;
}

/** Reads the commands a client sends (arrays of bulk strings) from a growing buffer. */
function takeCommand(buffer: Buffer): { args: string[]; rest: Buffer } | null {
  let offset = 0;
  const readLine = (): string | null => {
    const end = buffer.indexOf("\r\n", offset);
    if (end < 0) return null;
    const text = buffer.subarray(offset, end).toString("latin1");
    offset = end + 2;
    return text;
  };
  const header = readLine();
  if (header === null) return null;
  if (!header.startsWith("*")) return { args: header.trim().split(/\s+/), rest: buffer.subarray(offset) };
  const args: string[] = [];
  for (let count = Number(header.slice(1)); count > 0; count--) {
    const size = readLine();
    if (size === null) return null;
    const length = Number(size.slice(1));
    if (buffer.length < offset + length + 2) return null;
    args.push(buffer.subarray(offset, offset + length).toString("utf8"));
    offset += length + 2;
  }
  return { args, rest: buffer.subarray(offset) };
}

/** Writes `data` one byte at a time, SLOW_BYTE_MS apart, after what is already queued. */
function trickle(socket: Socket, queue: { bytes: Buffer; timer: NodeJS.Timeout | null }, data: string): void {
  queue.bytes = Buffer.concat([queue.bytes, Buffer.from(data)]);
  const next = (): void => {
    if (socket.destroyed || queue.bytes.length === 0) {
      queue.timer = null;
      return;
    }
    socket.write(queue.bytes.subarray(0, 1));
    queue.bytes = queue.bytes.subarray(1);
    queue.timer = setTimeout(next, SLOW_BYTE_MS);
  };
  queue.timer ??= setTimeout(next, SLOW_BYTE_MS);
}

/** Writes `chunk` again and again while the peer reads, until it goes away. */
function stream(socket: Socket, chunk: Buffer, limit = Number.POSITIVE_INFINITY): void {
  let sent = 0;
  const pump = (): void => {
    while (!socket.destroyed && sent < limit) {
      sent += chunk.length;
      if (!socket.write(chunk)) return void socket.once("drain", pump);
    }
  };
  pump();
}

function serveNode(config: FakeConfig, node: FakeNodeSpec, synthetic: readonly string[], socket: Socket): void {
  let buffer: Buffer = Buffer.alloc(0);
  let started = false;
  const queue = { bytes: Buffer.alloc(0), timer: null as NodeJS.Timeout | null };
  socket.on("error", () => undefined);
  socket.on("close", () => {
    if (queue.timer) clearTimeout(queue.timer);
  });
  socket.on("data", (data) => {
    buffer = Buffer.concat([buffer, data]);
    for (let command = takeCommand(buffer); command !== null; command = takeCommand(buffer)) {
      buffer = command.rest;
      const args = command.args;
      log(config, { event: "command", node: node.id, to: `${socket.localAddress}:${socket.localPort}`, command: args.slice(0, 2).join(" ") });
      const localAddress = socket.localAddress ?? "";
      const [name = "", sub = ""] = args.map((arg) => arg.toUpperCase());
      const isNodes = name === "CLUSTER" && sub === "NODES";
      switch (node.mode) {
        case "ok":
          socket.write(reply(config, node, synthetic, args, localAddress));
          break;
        case "silent":
          break;
        case "slow":
          trickle(socket, queue, reply(config, node, synthetic, args, localAddress));
          break;
        case "garbage":
          socket.write(Buffer.from([0x00, 0xff, 0x3f, 0x7e, 0x0d, 0x0a, 0x47, 0x41, 0x52, 0x42, 0x41, 0x47, 0x45, 0x0d, 0x0a]));
          break;
        case "error":
          socket.write(`-${node.errorText ?? "ERR fake node refuses everything"}\r\n`);
          break;
        case "close": {
          const whole = reply(config, node, synthetic, args, localAddress);
          socket.end(whole.slice(0, Math.max(1, Math.floor(whole.length / 2))));
          return;
        }
        case "endless":
          if (!started) stream(socket, Buffer.concat([Buffer.from("+"), Buffer.alloc(64 * 1024, "A")]));
          started = true;
          break;
        case "flood":
          if (!started) stream(socket, Buffer.from("+PONG\r\n".repeat(8192)));
          started = true;
          break;
        case "huge":
          if (isNodes || name === "INFO") {
            socket.write(`$${HUGE_BYTES}\r\n`);
            stream(socket, Buffer.alloc(64 * 1024, "x"), HUGE_BYTES);
            socket.write("\r\n");
          } else {
            socket.write(reply(config, node, synthetic, args, localAddress));
          }
          break;
      }
    }
  });
}

function listen(host: string, port: number, onSocket: (socket: Socket) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer(onSocket);
    server.maxConnections = 200_000;
    server.once("error", reject);
    server.listen({ host, port, backlog: 4096 }, () => resolve());
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as FakeConfig;
  const synthetic = syntheticLines(config);
  const listening: Promise<void>[] = [];
  for (const node of config.nodes) {
    for (const address of node.listen) {
      listening.push(
        listen(address.host, address.port, (socket) => {
          log(config, { event: "connect", node: node.id, to: `${socket.localAddress}:${socket.localPort}`, from: socket.remoteAddress });
          serveNode(config, node, synthetic, socket);
        }),
      );
    }
  }
  for (const sink of config.sinks) {
    listening.push(
      listen(sink.host, sink.port, (socket) => {
        log(config, { event: "sink", to: `${sink.host}:${sink.port}`, from: socket.remoteAddress });
        socket.on("data", (data) => log(config, { event: "sink-data", to: `${sink.host}:${sink.port}`, data: data.toString("latin1") }));
        socket.on("error", () => undefined);
      }),
    );
  }
  await Promise.all(listening);
  process.stdout.write("ready\n");
}

await main();
