// Talking to the lab's nodes with redis-cli run inside the namespace (the host cannot reach the
// namespace's loopback; this is only for the lab's own bookkeeping, busdoctor itself uses its own node client).
import { readFileSync } from "node:fs";
import type { LabNode } from "./layout.js";
import { namespaceArgv } from "./namespace.js";
import { unsettledReasons, type NodeReadinessReplies } from "./readiness.js";
import { runCommand } from "./run.js";
import { EnvironmentError } from "../errors.js";

/** Short: a paused node never answers, and a poll round must not wait on it. */
const REPLY_TIMEOUT_MS = 1500;
const POLL_INTERVAL_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type NodeEndpoint = Pick<LabNode, "address" | "port">;

/** How the lab reaches its nodes: which redis-cli, inside which namespace, with which TLS flags. */
export interface LabCli {
  namespace: string;
  cliPath: string;
  /** `--tls --cacert ...` for a TLS lab, nothing otherwise. */
  tlsArgs: readonly string[];
}

export type CliReply = { ok: true; text: string } | { ok: false; error: string };

/** The lab's redis-cli against one node (`-h` takes IPv6 addresses unbracketed). */
export function redisCliCommand(cli: LabCli, node: NodeEndpoint, args: readonly string[]): string[] {
  return [cli.cliPath, ...cli.tlsArgs, "-h", node.address, "-p", String(node.port), ...args];
}

/** The same, run inside the namespace. */
export function redisCliArgv(cli: LabCli, node: NodeEndpoint, args: readonly string[]): string[] {
  return namespaceArgv(cli.namespace, redisCliCommand(cli, node, args));
}

/** One command to one node; `-e` makes redis-cli exit non-zero on an error reply too. */
export async function redisCli(cli: LabCli, node: NodeEndpoint, args: readonly string[]): Promise<CliReply> {
  const result = await runCommand(redisCliArgv(cli, node, ["-e", ...args]), { timeoutMs: REPLY_TIMEOUT_MS });
  if (result.timedOut) return { ok: false, error: `no reply within ${REPLY_TIMEOUT_MS} ms` };
  if (result.code !== 0) return { ok: false, error: (result.stderr.trim() || result.stdout.trim()).split("\n")[0] ?? "" };
  return { ok: true, text: result.stdout };
}

function logLines(node: LabNode): string[] {
  try {
    return readFileSync(node.logfile, "utf8").trim().split("\n");
  } catch {
    return [];
  }
}

function logTail(node: LabNode): string {
  const lines = logLines(node);
  return lines.length === 0 ? "no log file" : lines.slice(-2).join(" | ");
}

/**
 * A line by which a daemonized node says it gave up starting, e.g. from a build without TLS:
 *   25133:M 01 Dec 2026 15:25:57.868 # Failed finding TLS support.
 */
const FATAL_LOG_LINE = /# (Failed finding TLS support|Fatal|FATAL|Failed listening)/;

function fatalLogLine(node: LabNode): string | null {
  return logLines(node).find((line) => FATAL_LOG_LINE.test(line)) ?? null;
}

/** Waits until every node answers PING: the daemon forked before it bound its ports. */
export async function waitForPing(cli: LabCli, nodes: readonly LabNode[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let silent = [...nodes];
  for (;;) {
    const answers = await Promise.all(silent.map((node) => redisCli(cli, node, ["ping"])));
    silent = silent.filter((_, offset) => {
      const answer = answers[offset];
      return !(answer?.ok && answer.text.trim() === "PONG");
    });
    if (silent.length === 0) return;
    const fatal = silent.map((node) => ({ node, line: fatalLogLine(node) })).find(({ line }) => line !== null);
    if (fatal !== undefined) throw new EnvironmentError(`redis-server ${fatal.node.endpoint} did not start: ${fatal.line}`);
    if (Date.now() >= deadline) {
      const detail = silent.map((node) => `${node.endpoint} (log: ${logTail(node)})`).join("; ");
      throw new EnvironmentError(`redis-server did not answer PING within ${timeoutMs} ms: ${detail}`);
    }
    await sleep(50);
  }
}

export async function createCluster(cli: LabCli, nodes: readonly LabNode[], replicasPerMaster: number): Promise<void> {
  const argv = namespaceArgv(cli.namespace, [
    // redis-cli splits each address at its last colon, so IPv6 goes unbracketed ("fd00:b5d0::1:6379").
    ...[cli.cliPath, ...cli.tlsArgs, "--cluster", "create", ...nodes.map((node) => `${node.address}:${node.port}`)],
    ...["--cluster-replicas", String(replicasPerMaster), "--cluster-yes"],
  ]);
  const result = await runCommand(argv, { timeoutMs: 60_000 });
  if (result.code !== 0 || result.timedOut) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-3).join(" | ");
    throw new EnvironmentError(`redis-cli --cluster create failed${result.timedOut ? " (timed out after 60 s)" : ""}: ${output}`);
  }
}

async function readinessReplies(cli: LabCli, node: LabNode): Promise<NodeReadinessReplies> {
  const [clusterInfo, clusterNodes, replication] = await Promise.all([
    redisCli(cli, node, ["cluster", "info"]),
    redisCli(cli, node, ["cluster", "nodes"]),
    redisCli(cli, node, ["info", "replication"]),
  ]);
  const failed = [clusterInfo, clusterNodes, replication].find((reply) => !reply.ok);
  return {
    endpoint: node.endpoint,
    clusterInfo: clusterInfo.ok ? clusterInfo.text : null,
    clusterNodes: clusterNodes.ok ? clusterNodes.text : null,
    replication: replication.ok ? replication.text : null,
    error: failed && !failed.ok ? failed.error : null,
  };
}

/**
 * Polls until `unsettledReasons` has nothing left to say about any node, or throws after `timeoutMs`
 * naming what was still wrong.
 */
export async function waitUntilSettled(cli: LabCli, nodes: readonly LabNode[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const replies = await Promise.all(nodes.map((node) => readinessReplies(cli, node)));
    const reasons = unsettledReasons(nodes.length, replies, Date.now());
    if (reasons.length === 0) return;
    if (Date.now() >= deadline) {
      const shown = reasons.slice(0, 4).join("; ");
      const more = reasons.length > 4 ? ` (and ${reasons.length - 4} more)` : "";
      throw new EnvironmentError(`the lab cluster did not settle within ${timeoutMs} ms: ${shown}${more}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}
