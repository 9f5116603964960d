// Records, from a real redis-server through ioredis, the fixtures of test/unit/collect:
// - ioredis-errors.json: every error busdoctor's node client can meet, for classify.test.ts;
// - fresh-node-cluster-nodes.txt: CLUSTER NODES of a cluster node that met nobody (its own IP unknown).
// Run as root:  node --import tsx test/e2e/support/collect-record-fixtures.ts
// It makes its own namespace with one redis-server on 127.0.0.1:6379 and an nftables drop rule,
// runs itself inside it ("inner"), writes the files, and cleans up.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";

const NAMESPACE = "busdoctor-collect-rec";
const DIR = "/tmp/busdoctor-collect-rec";
const FIXTURES = new URL("../../unit/collect/fixtures/", import.meta.url);
const TIMEOUT_MS = 300;
const REFUSED_PORT = 6390; // nothing listens there
const DROPPED_PORT = 6391; // an nftables rule drops SYNs to it

interface RecordedError {
  scenario: string;
  name: string;
  message: string;
  code: string | null;
}

function run(argv: readonly string[]): string {
  const [program = "", ...args] = argv;
  return execFileSync(program, args, { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "inherit"] });
}

function inNamespace(argv: readonly string[]): string {
  return run(["ip", "netns", "exec", NAMESPACE, ...argv]);
}

/** The same client options as src/collect/nodeClient.ts, so the errors are the ones it sees. */
function client(port = 6379): Redis {
  return new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    commandTimeout: TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    enableReadyCheck: false,
    disableClientInfo: true,
  });
}

function record(scenario: string, error: unknown): RecordedError {
  if (!(error instanceof Error)) throw new Error(`${scenario}: not an Error: ${String(error)}`);
  const code: unknown = (error as { code?: unknown }).code;
  return { scenario, name: error.name, message: error.message, code: typeof code === "string" ? code : null };
}

async function replyError(scenario: string, redis: Redis, args: string[]): Promise<RecordedError> {
  const [name = "", ...rest] = args;
  try {
    await redis.call(name, rest);
  } catch (error) {
    return record(scenario, error);
  }
  throw new Error(`${scenario}: ${args.join(" ")} succeeded`);
}

/** A failed connect: the socket's own error (an 'error' event) and what connect() rejects with. */
async function connectErrors(scenario: string, port: number): Promise<RecordedError[]> {
  const redis = client(port);
  const events: unknown[] = [];
  redis.on("error", (error: unknown) => events.push(error));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    return [record(`${scenario}-event`, events[0]), record(`${scenario}-rejection`, error)];
  }
  throw new Error(`${scenario}: connected`);
}

async function inner(serverPid: number): Promise<void> {
  const recorded: RecordedError[] = [];
  const plain = client();
  await plain.connect();
  writeFileSync(new URL("fresh-node-cluster-nodes.txt", FIXTURES), String(await plain.call("CLUSTER", ["NODES"])));
  recorded.push(await replyError("unknown-command", plain, ["NOSUCHCMD"]));
  recorded.push(await replyError("unknown-subcommand", plain, ["CLUSTER", "NOSUCH"]));
  recorded.push(await replyError("error-reply", plain, ["CLUSTER", "COUNT-FAILURE-REPORTS", "0".repeat(40)]));
  recorded.push(await replyError("auth-not-needed", plain, ["AUTH", "not-needed"]));
  await plain.call("ACL", ["SETUSER", "reader", "on", ">reader-pass", "-@all", "+ping", "+auth"]);
  recorded.push(await replyError("wrongpass-user", plain, ["AUTH", "reader", "not-the-password"]));
  const reader = client();
  await reader.connect();
  await reader.call("AUTH", ["reader", "reader-pass"]);
  recorded.push(await replyError("noperm", reader, ["CONFIG", "GET", "cluster-node-timeout"]));
  reader.disconnect();

  process.kill(serverPid, "SIGSTOP");
  try {
    const paused = client();
    await paused.connect();
    recorded.push(await replyError("command-timeout", paused, ["PING"]));
    paused.disconnect();
  } finally {
    process.kill(serverPid, "SIGCONT");
  }

  await plain.call("CONFIG", ["SET", "requirepass", "server-pass"]);
  plain.disconnect();
  const anonymous = client();
  await anonymous.connect();
  recorded.push(await replyError("noauth", anonymous, ["PING"]));
  recorded.push(await replyError("wrongpass-default", anonymous, ["AUTH", "not-the-password"]));
  anonymous.disconnect();

  // The server closed the connection between two rounds (here: another client kills it).
  const victim = client();
  victim.on("error", () => undefined);
  await victim.connect();
  const killer = client();
  await killer.connect();
  await killer.call("AUTH", ["server-pass"]);
  await killer.call("CLIENT", ["KILL", "SKIPME", "yes"]);
  killer.disconnect();
  if (victim.status !== "end") await new Promise((resolve) => victim.once("end", resolve));
  recorded.push(await replyError("command-after-close", victim, ["PING"]));

  recorded.push(...(await connectErrors("connect-refused", REFUSED_PORT)));
  recorded.push(...(await connectErrors("connect-timeout", DROPPED_PORT)));
  const versions = {
    redis: inNamespace(["redis-server", "--version"]).trim(),
    ioredis: (JSON.parse(readFileSync(fileURLToPath(new URL("../../../node_modules/ioredis/package.json", import.meta.url)), "utf8")) as { version: string }).version,
  };
  writeFileSync(new URL("ioredis-errors.json", FIXTURES), `${JSON.stringify({ recordedWith: versions, errors: recorded }, null, 2)}\n`);
}

function outer(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  run(["ip", "netns", "add", NAMESPACE]);
  try {
    inNamespace(["ip", "link", "set", "lo", "up"]);
    inNamespace(["nft", `add table inet rec; add chain inet rec input { type filter hook input priority 0; }; add rule inet rec input tcp dport ${DROPPED_PORT} drop`]);
    inNamespace([
      "redis-server", "--bind", "127.0.0.1", "--port", "6379", "--protected-mode", "no", "--cluster-enabled", "yes",
      "--cluster-config-file", `${DIR}/nodes.conf`, "--dir", DIR, "--save", "", "--appendonly", "no",
      "--daemonize", "yes", "--pidfile", `${DIR}/pid`, "--logfile", `${DIR}/log`,
    ]);
    execFileSync("sleep", ["0.5"]);
    const pid = readFileSync(`${DIR}/pid`, "utf8").trim();
    execFileSync("ip", ["netns", "exec", NAMESPACE, process.execPath, "--import", "tsx", fileURLToPath(import.meta.url), "inner", pid], {
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

if (process.argv[2] === "inner") await inner(Number(process.argv[3]));
else outer();
