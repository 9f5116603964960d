// A throwaway 6-node cluster for test/e2e/collect.test.ts: real redis-server processes in a private
// network namespace, node N on 127.0.0.N:6379 (bus 16379), built with the recipe of
// ../shared/redis-cluster-bus-notes.md. Small and synchronous on purpose: it only has to set up,
// pause/kill a node, and always clean up. (src/lab is the full lab for the CLI and the scenario tests.)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface TestClusterOptions {
  namespace: string;
  dir: string;
  nodeCount: number;
  nodeTimeoutMs: number;
}

function run(argv: readonly string[], timeoutMs = 30_000): string {
  const [program = "", ...args] = argv;
  return execFileSync(program, args, { encoding: "utf8", timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"] });
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A live redis-server with that pid: pidfiles outlive their process and pids get reused. */
function redisAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "5452 (redis-server) Z 1 ...": Z is a process that exited and is not reaped yet.
    return stat.includes("(redis-server)") && !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 1).trim());
  } catch {
    return false;
  }
}

export class TestCluster {
  constructor(readonly options: TestClusterOptions) {}

  host(node: number): string {
    return `127.0.0.${node}`;
  }

  address(node: number): string {
    return `${this.host(node)}:6379`;
  }

  nodes(): number[] {
    return Array.from({ length: this.options.nodeCount }, (_, index) => index + 1);
  }

  inNamespace(argv: readonly string[], timeoutMs?: number): string {
    return run(["ip", "netns", "exec", this.options.namespace, ...argv], timeoutMs);
  }

  cli(node: number, ...args: string[]): string {
    return this.inNamespace(["redis-cli", "-h", this.host(node), "-p", "6379", ...args]);
  }

  pid(node: number): number | null {
    const file = join(this.nodeDir(node), "pid");
    if (!existsSync(file)) return null;
    const text = readFileSync(file, "utf8").trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  }

  signal(node: number, signal: NodeJS.Signals): void {
    const pid = this.pid(node);
    if (pid === null) throw new Error(`no pidfile for node ${node}`);
    process.kill(pid, signal);
  }

  /** Waits until `predicate` holds, polling; throws with `what` when it never does. */
  waitFor(what: string, predicate: () => boolean, timeoutMs = 20_000): void {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      sleepSync(100);
    }
  }

  start(): void {
    this.stop();
    const { namespace } = this.options;
    run(["ip", "netns", "add", namespace]);
    this.inNamespace(["ip", "link", "set", "lo", "up"]);
    for (const node of this.nodes()) this.startNode(node);
    for (const node of this.nodes()) this.waitFor(`${this.address(node)} to answer PING`, () => this.answers(node));
    this.inNamespace(
      ["redis-cli", "--cluster", "create", ...this.nodes().map((node) => this.address(node)), "--cluster-replicas", "1", "--cluster-yes"],
      60_000,
    );
    this.waitFor("every node to report cluster_state:ok and see every peer", () => this.nodes().every((node) => this.settled(node)));
  }

  /**
   * Starts node N daemonized. `overrides` are appended to the usual flags (redis-server takes the last
   * value of a repeated flag), e.g. to serve TLS on 6379 instead of plain TCP.
   */
  startNode(node: number, overrides: readonly string[] = []): void {
    const nodeDir = this.nodeDir(node);
    mkdirSync(nodeDir, { recursive: true });
    const host = this.host(node);
    // Flags from the notes: without bind-source-addr bus traffic leaves from 127.0.0.1, without
    // announce-ip `--cluster create` hangs, without protected-mode no replicas cannot sync.
    this.inNamespace([
      "redis-server",
      "--bind",
      host,
      "--bind-source-addr",
      host,
      "--port",
      "6379",
      "--protected-mode",
      "no",
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      join(nodeDir, "nodes.conf"),
      "--cluster-node-timeout",
      String(this.options.nodeTimeoutMs),
      "--cluster-announce-ip",
      host,
      "--dir",
      nodeDir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "yes",
      "--logfile",
      join(nodeDir, "log"),
      "--pidfile",
      join(nodeDir, "pid"),
      ...overrides,
    ]);
  }

  private nodeDir(node: number): string {
    return join(this.options.dir, `n${node}`);
  }

  private answers(node: number): boolean {
    try {
      return this.cli(node, "PING").trim() === "PONG";
    } catch {
      return false;
    }
  }

  /** ok, all nodes known, and no peer flagged or still in handshake. */
  private settled(node: number): boolean {
    const info = this.cli(node, "CLUSTER", "INFO");
    const nodes = this.cli(node, "CLUSTER", "NODES");
    return info.includes("cluster_state:ok") && info.includes(`cluster_known_nodes:${this.options.nodeCount}`) && !/fail|handshake|noaddr/.test(nodes);
  }

  /** Kills every node by its pidfile (SIGCONT first would be moot: SIGKILL ends a stopped process too). */
  stop(): void {
    const { namespace, dir } = this.options;
    // Every node directory, lone nodes included, not just 1..nodeCount.
    const started = existsSync(dir) ? readdirSync(dir).flatMap((name) => /^n(\d+)$/.exec(name)?.slice(1) ?? []) : [];
    for (const node of started.map(Number)) {
      const pid = this.pid(node);
      if (pid === null || !redisAlive(pid)) continue;
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone between the check and the signal.
      }
      this.waitFor(`redis-server ${pid} to exit`, () => !redisAlive(pid), 5_000);
    }
    if (existsSync(`/run/netns/${namespace}`)) run(["ip", "netns", "delete", namespace]);
    rmSync(dir, { recursive: true, force: true });
  }
}
