// The thin I/O shell around ioredis: one plain (never cluster-mode) client per node, bounded by the
// per-node timeout at every step, never retrying, never reconnecting.
import { Redis } from "ioredis";
import type { ConnectionOptions as TlsConnectionOptions } from "node:tls";
import type { CommandResult, NodeCommand, RawReply } from "../model/snapshot.js";
import { classifyError, isAuthNotNeeded } from "./classify.js";
import { elapsedMs } from "./clock.js";

export interface ClientSettings {
  timeoutMs: number;
  user: string | null;
  password: string | null;
  tls: TlsConnectionOptions | null;
}

/** The wire form of each command; INFO with three sections is one call on Redis 7. */
export const COMMAND_ARGS: Record<NodeCommand, readonly string[]> = {
  ping: ["PING"],
  clusterMyid: ["CLUSTER", "MYID"],
  clusterInfo: ["CLUSTER", "INFO"],
  clusterNodes: ["CLUSTER", "NODES"],
  clusterLinks: ["CLUSTER", "LINKS"],
  info: ["INFO", "server", "clients", "cluster"],
  configNodeTimeout: ["CONFIG", "GET", "cluster-node-timeout"],
  configClusterPort: ["CONFIG", "GET", "cluster-port"],
  configAnnounce: ["CONFIG", "GET", "cluster-announce-*"],
};

export interface NodeSession {
  /** null when connecting or authenticating failed. */
  client: Redis | null;
  connection: CommandResult;
}

/** ioredis returns RESP2 replies as strings, numbers, null and arrays of those (text, not Buffers, via `call`). */
function toRawReply(value: unknown): RawReply {
  if (value === null || typeof value === "string" || typeof value === "number") return value;
  if (Array.isArray(value)) return value.map(toRawReply);
  return String(value);
}

function failed(error: unknown, timeoutMs: number, started: number): CommandResult {
  return { ok: false, ...classifyError(error, timeoutMs), ms: elapsedMs(started) };
}

/**
 * Connects and, when a password is given, sends AUTH itself. `servername`: the TLS server name to
 * verify the certificate against, when it is not `host` (see tlsServerName). ioredis' own `username`/`password` options are
 * not used: with them a rejected AUTH only surfaces as an 'error' event while the connection carries on as
 * the `default` user (seen with ioredis 5.9 and Redis 7.0), so WRONGPASS would go unnoticed.
 */
export async function openSession(host: string, port: number, settings: ClientSettings, servername?: string): Promise<NodeSession> {
  const { timeoutMs, user, password, tls } = settings;
  const started = performance.now();
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    // Both would send commands of their own (INFO, CLIENT SETINFO): busdoctor sends only its read-only set.
    enableReadyCheck: false,
    disableClientInfo: true,
    // disconnect() ends the socket and waits this long for the peer to close it: 2 s by default, during
    // which a paused peer or an already-failed socket would keep the CLI process alive.
    disconnectTimeout: 0,
    ...(tls === null ? {} : { tls: servername === undefined ? tls : { ...tls, servername } }),
  });
  // connect() rejects with a bare "Connection is closed."; the socket's real error (ECONNREFUSED...) comes here.
  let socketError: unknown = null;
  client.on("error", (error: unknown) => {
    socketError ??= error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    return { client: null, connection: failed(socketError ?? error, timeoutMs, started) };
  }
  if (password !== null) {
    try {
      await client.call("AUTH", user === null ? [password] : [user, password]);
    } catch (error) {
      const { kind, error: text } = classifyError(error, timeoutMs);
      if (!isAuthNotNeeded(text)) {
        client.disconnect();
        return { client: null, connection: { ok: false, kind, error: text, ms: elapsedMs(started) } };
      }
    }
  }
  return { client, connection: { ok: true, reply: null, ms: elapsedMs(started) } };
}

/** Sends the commands in one pipeline (one write, one round trip) and times each reply separately. */
export function runPipeline(client: Redis, commands: readonly (readonly string[])[], timeoutMs: number): Promise<CommandResult[]> {
  const started = performance.now();
  const pipeline = client.pipeline();
  const results = commands.map(
    ([name = "", ...args]) =>
      new Promise<CommandResult>((resolve) => {
        pipeline.call(name, args, (error, reply) => {
          resolve(error ? failed(error, timeoutMs, started) : { ok: true, reply: toRawReply(reply), ms: elapsedMs(started) });
        });
      }),
  );
  // Every outcome, errors included, reaches the per-command callbacks above; exec's own promise repeats them.
  pipeline.exec().catch(() => undefined);
  return Promise.all(results);
}

export function closeSession(session: NodeSession): void {
  session.client?.disconnect();
}
