// The hostile suite's sandbox: a network namespace with nothing but its loopback (no route anywhere,
// so nothing busdoctor dials can leave the machine), a few extra local addresses that stand in for the
// public, private and cloud-metadata addresses a hostile node claims (so a listening sink there sees any
// connection made to them), the fake nodes, and busdoctor run with its wall time, peak RSS and,
// optionally, every connect(2) it made (strace).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createNamespace, deleteNamespace, namespaceArgv } from "../../../../src/lab/namespace.js";
import { runOrThrow } from "../../../../src/lab/run.js";
import type { FakeConfig } from "./fakeNode.js";

const FAKE_NODE = fileURLToPath(new URL("./fakeNode.ts", import.meta.url));
/** The CLI a user runs, bin/busdoctor; BUSDOCTOR_CLI points the bench at another build (the baseline). */
export const CLI = process.env["BUSDOCTOR_CLI"] ?? fileURLToPath(new URL("../../../../bin/busdoctor", import.meta.url));

/** Claimed by the hostile nodes, made local inside the sandbox so that sinks can listen on them. */
export const SINK_ADDRESSES = ["8.8.8.8", "10.0.0.1", "169.254.169.254", "10.77.0.1"];

export interface Measured {
  code: number;
  /** null when the run was killed for taking longer than its limit. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Peak resident set of the busdoctor process, from wait4's rusage (GNU time %M). */
  maxRssMb: number;
  killed: boolean;
  /** Every connect(2) busdoctor made, as "host:port" (only with `trace`). */
  connects: string[];
}

export interface Watched {
  run: Measured;
  /** From SIGTERM to exit. */
  stopSeconds: number;
  /** Connections each fake address accepted while busdoctor ran. */
  connections: Map<string, number>;
}

export interface Started {
  /** What the server logged, one object per line. */
  log: () => Array<Record<string, string>>;
  stop: () => void;
}

export interface RunOptions {
  limitMs: number;
  trace?: boolean;
  env?: Record<string, string>;
  /** Called with the busdoctor process id once it runs (to signal it). */
  onStart?: (pid: number) => void;
}

export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), "busdoctor-hostile-"));
  private readonly fakes: ChildProcess[] = [];

  private constructor(readonly namespace: string) {}

  static async create(namespace: string): Promise<Sandbox> {
    await deleteNamespace(namespace);
    await createNamespace(namespace);
    for (const address of SINK_ADDRESSES) await runOrThrow(namespaceArgv(namespace, ["ip", "addr", "add", `${address}/32`, "dev", "lo"]));
    return new Sandbox(namespace);
  }

  /** Starts one fake-node process for `config` (log written in the sandbox's directory) and waits until it listens. */
  fake(name: string, config: Omit<FakeConfig, "log">): Promise<Started> {
    return this.start(name, FAKE_NODE, config);
  }

  /** Starts `script` (a fake server) with its config and a log in the sandbox's directory; waits for its "ready". */
  async start(name: string, script: string, config: object): Promise<Started> {
    const log = join(this.dir, `${name}.log`);
    const file = join(this.dir, `${name}.json`);
    writeFileSync(log, "");
    writeFileSync(file, JSON.stringify({ ...config, log }));
    const child = spawn("ip", ["netns", "exec", this.namespace, process.execPath, "--import", "tsx", script, file], { stdio: ["ignore", "pipe", "pipe"] });
    this.fakes.push(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("ready")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`fake node ${name} exited ${code}: ${stderr}`)));
    });
    return {
      log: () =>
        readFileSync(log, "utf8")
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => JSON.parse(line) as Record<string, string>),
      stop: () => child.kill("SIGKILL"),
    };
  }

  /** Runs busdoctor inside the sandbox under GNU time (and strace when asked); kills it past `limitMs`. */
  run(args: readonly string[], options: RunOptions): Promise<Measured> {
    const timeFile = join(this.dir, `time-${process.hrtime.bigint()}.txt`);
    const traceFile = `${timeFile}.strace`;
    const envArgs = Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`);
    const program = [process.execPath, CLI, ...args];
    const traced = options.trace ? ["strace", "-f", "-qq", "-e", "trace=connect", "-o", traceFile, ...program] : program;
    const argv = namespaceArgv(this.namespace, ["/usr/bin/time", "-f", "%e %M", "-o", timeFile, "env", ...envArgs, ...traced]);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], detached: true });
      let stdout = "";
      let stderr = "";
      let killed = false;
      child.stdout?.on("data", (chunk: Buffer) => {
        if (stdout.length < 4_000_000) stdout += chunk.toString();
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        if (stderr.length < 100_000) stderr += chunk.toString();
      });
      const timer = setTimeout(() => {
        killed = true;
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      }, options.limitMs);
      if (options.onStart && child.pid !== undefined) {
        const timePid = child.pid;
        void findChild(timePid, options.trace ? 2 : 1).then((pid) => pid !== null && options.onStart?.(pid));
      }
      child.once("error", reject);
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        const seconds = (performance.now() - started) / 1000;
        const [, rssKb] = existsSync(timeFile) ? (readFileSync(timeFile, "utf8").trim().split("\n").pop()?.split(" ") ?? []) : [];
        resolve({
          code: code ?? -1,
          signal,
          stdout,
          stderr,
          seconds,
          maxRssMb: rssKb === undefined ? Number.NaN : Math.round(Number(rssKb) / 1024),
          killed,
          connects: options.trace && existsSync(traceFile) ? parseConnects(readFileSync(traceFile, "utf8")) : [],
        });
      });
    });
  }

  /**
   * Runs a watch scenario's fake nodes and busdoctor, sends busdoctor SIGTERM after `watchMs`, and says
   * how long it took to stop and how many connections each fake address accepted.
   */
  async watchScenario(scenario: { name: string; config: Omit<FakeConfig, "log">; args: string[] }, watchMs: number): Promise<Watched> {
    const fake = await this.fake(scenario.name.replace(/\W+/g, "-"), scenario.config);
    try {
      let termAt = 0;
      const run = await this.run(scenario.args, {
        limitMs: watchMs + 30_000,
        onStart: (pid) =>
          void setTimeout(() => {
            termAt = performance.now();
            process.kill(pid, "SIGTERM");
          }, watchMs),
      });
      const connections = new Map<string, number>();
      for (const entry of fake.log()) {
        const to = entry["to"] ?? "";
        if (entry["event"] === "connect") connections.set(to, (connections.get(to) ?? 0) + 1);
      }
      return { run, stopSeconds: termAt === 0 ? Number.NaN : (performance.now() - termAt) / 1000, connections };
    } finally {
      fake.stop();
    }
  }

  async destroy(): Promise<void> {
    for (const fake of this.fakes) fake.kill("SIGKILL");
    await deleteNamespace(this.namespace);
  }
}

/** The process `depth` generations below `pid` (time -> env, which execs node in place; strace forks it), waiting for it to appear. */
async function findChild(pid: number, depth: number): Promise<number | null> {
  let current = pid;
  for (let level = 0; level < depth; level++) {
    let next: number | null = null;
    for (let attempt = 0; attempt < 100 && next === null; attempt++) {
      try {
        const children = readFileSync(`/proc/${current}/task/${current}/children`, "utf8").trim();
        if (children !== "") next = Number(children.split(" ")[0]);
      } catch {
        return null;
      }
      if (next === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (next === null) return null;
    current = next;
  }
  return current;
}

/**
 * `connect(21, {sa_family=AF_INET, sin_port=htons(6379), sin_addr=inet_addr("127.0.0.1")}, 16) = ...` and
 * `connect(22, {sa_family=AF_INET6, sin6_port=htons(6379), ..., inet_pton(AF_INET6, "fe80::1", &sin6_addr), ...}, 28)`.
 */
export function parseConnects(trace: string): string[] {
  const found: string[] = [];
  for (const line of trace.split("\n")) {
    const port = /sin6?_port=htons\((\d+)\)/.exec(line)?.[1];
    const v4 = /inet_addr\("([^"]+)"\)/.exec(line)?.[1];
    const v6 = /inet_pton\(AF_INET6, "([^"]+)"/.exec(line)?.[1];
    if (port !== undefined && (v4 ?? v6) !== undefined) found.push(v6 === undefined ? `${v4}:${port}` : `[${v6}]:${port}`);
  }
  return found;
}
