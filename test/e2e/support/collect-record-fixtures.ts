// Records, from a real redis-server through busdoctor's own node client, the fixtures of test/unit/collect:
// - node-errors.json: the error replies the server sends (the input of classifyReplyError) and the
//   socket error a refused connect raises (the input of classifySocketError), for classify.test.ts;
// - fresh-node-cluster-nodes.txt: CLUSTER NODES of a cluster node that met nobody (its own IP unknown).
// Timeouts, closed connections and bad replies are the client's own doing: test/unit/collect/nodeClient.test.ts.
// Run as root:  node --import tsx test/e2e/support/collect-record-fixtures.ts
// It makes its own namespace with one redis-server on 127.0.0.1:6379, runs itself inside it ("inner"),
// writes the files, and cleans up.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { openSession, type ClientSettings, type NodeConnection } from "../../../src/collect/nodeClient.js";

const NAMESPACE = "busdoctor-collect-rec";
const DIR = "/tmp/busdoctor-collect-rec";
const FIXTURES = new URL("../../unit/collect/fixtures/", import.meta.url);
const REFUSED_PORT = 6390; // nothing listens there

interface RecordedReply {
  scenario: string;
  /** The error line as the server sent it, without the leading "-". */
  line: string;
}

interface RecordedSocketError {
  scenario: string;
  code: string | null;
  message: string;
}

function run(argv: readonly string[]): string {
  const [program = "", ...args] = argv;
  return execFileSync(program, args, { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "inherit"] });
}

function inNamespace(argv: readonly string[]): string {
  return run(["ip", "netns", "exec", NAMESPACE, ...argv]);
}

const SETTINGS: ClientSettings = { timeoutMs: 2000, user: null, password: null, tls: null, maxReplyBytes: 1024 * 1024 };

async function client(): Promise<NodeConnection> {
  const session = await openSession("127.0.0.1", 6379, SETTINGS);
  if (session.client === null) throw new Error(`cannot connect: ${JSON.stringify(session.connection)}`);
  return session.client;
}

async function call(connection: NodeConnection, args: string[]): Promise<string> {
  const [result] = await connection.pipeline([args]);
  if (result === undefined || !result.ok || typeof result.reply !== "string") throw new Error(`${args.join(" ")}: ${JSON.stringify(result)}`);
  return result.reply;
}

async function replyError(scenario: string, connection: NodeConnection, args: string[]): Promise<RecordedReply> {
  const [result] = await connection.pipeline([args]);
  if (result === undefined || result.ok) throw new Error(`${scenario}: ${args.join(" ")} succeeded`);
  return { scenario, line: result.error };
}

function refusedConnect(): Promise<RecordedSocketError> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: REFUSED_PORT });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve({ scenario: "connect-refused", code: error.code ?? null, message: error.message }));
  });
}

async function inner(): Promise<void> {
  const replies: RecordedReply[] = [];
  const plain = await client();
  writeFileSync(new URL("fresh-node-cluster-nodes.txt", FIXTURES), await call(plain, ["CLUSTER", "NODES"]));
  replies.push(await replyError("unknown-command", plain, ["NOSUCHCMD"]));
  replies.push(await replyError("unknown-subcommand", plain, ["CLUSTER", "NOSUCH"]));
  replies.push(await replyError("error-reply", plain, ["CLUSTER", "COUNT-FAILURE-REPORTS", "0".repeat(40)]));
  replies.push(await replyError("auth-not-needed", plain, ["AUTH", "not-needed"]));
  await call(plain, ["ACL", "SETUSER", "reader", "on", ">reader-pass", "-@all", "+ping", "+auth"]);
  replies.push(await replyError("wrongpass-user", plain, ["AUTH", "reader", "not-the-password"]));
  const reader = await client();
  await call(reader, ["AUTH", "reader", "reader-pass"]);
  replies.push(await replyError("noperm", reader, ["CONFIG", "GET", "cluster-node-timeout"]));
  reader.close();

  await call(plain, ["CONFIG", "SET", "requirepass", "server-pass"]);
  plain.close();
  const anonymous = await client();
  replies.push(await replyError("noauth", anonymous, ["PING"]));
  replies.push(await replyError("wrongpass-default", anonymous, ["AUTH", "not-the-password"]));
  anonymous.close();

  const socket = [await refusedConnect()];
  const versions = { redis: inNamespace(["redis-server", "--version"]).trim(), node: process.version };
  writeFileSync(new URL("node-errors.json", FIXTURES), `${JSON.stringify({ recordedWith: versions, replies, socket }, null, 2)}\n`);
}

function outer(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  run(["ip", "netns", "add", NAMESPACE]);
  try {
    inNamespace(["ip", "link", "set", "lo", "up"]);
    inNamespace([
      "redis-server",
      "--bind",
      "127.0.0.1",
      "--port",
      "6379",
      "--protected-mode",
      "no",
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      `${DIR}/nodes.conf`,
      "--dir",
      DIR,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "yes",
      "--pidfile",
      `${DIR}/pid`,
      "--logfile",
      `${DIR}/log`,
    ]);
    execFileSync("sleep", ["0.5"]);
    execFileSync("ip", ["netns", "exec", NAMESPACE, process.execPath, "--import", "tsx", fileURLToPath(import.meta.url), "inner"], {
      stdio: "inherit",
    });
  } finally {
    try {
      process.kill(Number(readFileSync(`${DIR}/pid`, "utf8").trim()), "SIGKILL");
    } catch {
      // No pidfile or no process: the server never started or is gone already.
    }
    run(["ip", "netns", "delete", NAMESPACE]);
    rmSync(DIR, { recursive: true, force: true });
  }
}

if (process.argv[2] === "inner") await inner();
else outer();
