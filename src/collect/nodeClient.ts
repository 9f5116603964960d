// The thin I/O shell that talks to one node: a plain TCP (or TLS) socket speaking RESP2, one pipeline at
// a time, never retrying or reconnecting by itself. Every step is bounded: the connect by the timeout,
// each pipeline by the timeout (a connection that timed out is destroyed, so a hung or streaming server
// cannot keep buffering), each reply by its byte limit and the run's read budget (src/collect/resp.ts).
// Data nobody asked for ends the connection the same way.
import { connect as connectTcp, type Socket } from "node:net";
import type { CommandResult, NodeCommand } from "../model/snapshot.js";
import { classifyReplyError, classifySocketError, connectTimeout, isAuthNotNeeded, protocolFailure, replyTimeout, type ClassifiedError } from "./classify.js";
import { elapsedMs } from "./clock.js";
import { encodeCommand, RespReader, type ReadBudget } from "./resp.js";
import type { TlsSettings } from "./tls.js";

export interface ClientSettings {
  timeoutMs: number;
  user: string | null;
  password: string | null;
  tls: TlsSettings | null;
  /** The largest reply busdoctor reads from a node (see replyLimitFor). */
  maxReplyBytes: number;
}

/** The wire form of each command; INFO with four sections is one call on Redis 7 (replication: whether a master was promoted). */
export const COMMAND_ARGS: Record<NodeCommand, readonly string[]> = {
  ping: ["PING"],
  clusterMyid: ["CLUSTER", "MYID"],
  clusterInfo: ["CLUSTER", "INFO"],
  clusterNodes: ["CLUSTER", "NODES"],
  clusterLinks: ["CLUSTER", "LINKS"],
  info: ["INFO", "server", "clients", "cluster", "replication"],
  configNodeTimeout: ["CONFIG", "GET", "cluster-node-timeout"],
  configClusterPort: ["CONFIG", "GET", "cluster-port"],
  configAnnounce: ["CONFIG", "GET", "cluster-announce-*"],
};

type Failure = Extract<CommandResult, { ok: false }>;

interface Pending {
  results: CommandResult[];
  expected: number;
  started: number;
  timer: NodeJS.Timeout;
  resolve: (results: CommandResult[]) => void;
}

/** One socket to one node. */
export class NodeConnection {
  private readonly reader: RespReader;
  private pending: Pending | null = null;
  /** Why the connection ended, once it has: every later pipeline fails with it at once. */
  private ended: ClassifiedError | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
    maxReplyBytes: number,
  ) {
    this.reader = new RespReader(maxReplyBytes);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    // `on`, not `once`: a late second error on a socket with no listener would crash the process.
    socket.on("error", (error) => this.end(classifySocketError(error, timeoutMs)));
    socket.on("close", () =>
      this.end({ kind: "connection", error: this.reader.midReply ? "connection closed in the middle of a reply" : "connection closed" }),
    );
  }

  get alive(): boolean {
    return this.ended === null;
  }

  /**
   * Sends the commands in one write and reads one reply each, timing each separately; never rejects.
   * Past `timeoutMs` the replies still missing fail and the connection is destroyed. Pipelines on one
   * connection run one after the other. `budget` is charged with every byte read.
   */
  pipeline(commands: readonly (readonly string[])[], budget: ReadBudget | null = null): Promise<CommandResult[]> {
    const run = this.queue.then(() => this.send(commands, budget));
    this.queue = run;
    return run;
  }

  private send(commands: readonly (readonly string[])[], budget: ReadBudget | null): Promise<CommandResult[]> {
    const started = performance.now();
    if (this.ended !== null || commands.length === 0)
      return Promise.resolve(commands.map(() => this.failure(this.ended ?? { kind: "connection", error: "connection closed" }, started)));
    this.reader.useBudget(budget);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.end(replyTimeout(this.timeoutMs)), this.timeoutMs);
      this.pending = { results: [], expected: commands.length, started, timer, resolve };
      this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    });
  }

  private receive(chunk: Buffer): void {
    const { replies, error } = this.reader.push(chunk);
    const pending = this.pending;
    for (const reply of replies) {
      if (pending === null || pending.results.length >= pending.expected) {
        this.end(protocolFailure("a reply to a command busdoctor did not send", false));
        return;
      }
      pending.results.push(
        reply.ok ? { ok: true, reply: reply.value, ms: elapsedMs(pending.started) } : this.failure(classifyReplyError(reply.error), pending.started),
      );
    }
    if (error !== null) this.end(protocolFailure(error.message, error.tooLarge));
    else if (pending !== null && pending.results.length === pending.expected) this.settle(pending);
    // Bytes of a reply nobody asked for, even before it completes: no reason to keep reading them.
    else if (pending === null && this.reader.midReply) this.end(protocolFailure("data busdoctor did not ask for", false));
  }

  private settle(pending: Pending): void {
    clearTimeout(pending.timer);
    this.pending = null;
    pending.resolve(pending.results);
  }

  private failure(why: ClassifiedError, started: number): Failure {
    return { ok: false, ...why, ms: elapsedMs(started) };
  }

  /** Ends the connection for `why` (the first reason sticks) and fails what is still unanswered with it. */
  private end(why: ClassifiedError): void {
    this.ended ??= why;
    this.socket.destroy();
    const pending = this.pending;
    if (pending === null) return;
    while (pending.results.length < pending.expected) pending.results.push(this.failure(this.ended, pending.started));
    this.settle(pending);
  }

  close(): void {
    this.end({ kind: "connection", error: "connection closed by busdoctor" });
  }
}

/** Opens a TCP (or TLS) connection within `timeoutMs`, or says why not. */
function openSocket(
  host: string,
  port: number,
  settings: ClientSettings,
  servername: string | undefined,
): Promise<{ socket: Socket } | { failure: ClassifiedError }> {
  return new Promise((resolve) => {
    const socket =
      settings.tls === null
        ? connectTcp({ host, port })
        : settings.tls.connect({ host, port, ...settings.tls.options, ...(servername === undefined ? {} : { servername }) });
    const fail = (failure: ClassifiedError): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ failure });
    };
    const timer = setTimeout(() => fail(connectTimeout(settings.timeoutMs)), settings.timeoutMs);
    const onError = (error: Error): void => fail(classifySocketError(error, settings.timeoutMs));
    // `on`, not `once`: a second error on a socket with no listener would crash the process.
    socket.on("error", onError);
    socket.once(settings.tls === null ? "connect" : "secureConnect", () => {
      clearTimeout(timer);
      socket.removeListener("error", onError);
      socket.setNoDelay(true);
      resolve({ socket });
    });
  });
}

export interface NodeSession {
  /** null when connecting or authenticating failed. */
  client: NodeConnection | null;
  connection: CommandResult;
}

/**
 * Connects and, when a password is given, authenticates (AUTH [user] password) before any other command,
 * so that WRONGPASS ends the session instead of carrying on as the `default` user. `servername`: the TLS
 * server name to verify the certificate against, when it is not `host`.
 */
export async function openSession(host: string, port: number, settings: ClientSettings, servername?: string): Promise<NodeSession> {
  const { timeoutMs, user, password } = settings;
  const started = performance.now();
  const opened = await openSocket(host, port, settings, servername);
  if ("failure" in opened) return { client: null, connection: { ok: false, ...opened.failure, ms: elapsedMs(started) } };
  const client = new NodeConnection(opened.socket, timeoutMs, settings.maxReplyBytes);
  if (password !== null) {
    const [auth] = await client.pipeline([user === null ? ["AUTH", password] : ["AUTH", user, password]]);
    if (auth !== undefined && !auth.ok && !isAuthNotNeeded(auth.error)) {
      client.close();
      return { client: null, connection: { ...auth, ms: elapsedMs(started) } };
    }
  }
  return { client, connection: { ok: true, reply: null, ms: elapsedMs(started) } };
}

export function closeSession(session: NodeSession): void {
  session.client?.close();
}
