// busdoctor watch, measured on real lab clusters (node timeout 15000 ms, as in production):
//  1. detection latency: from the moment the nftables rule blocking one master's bus port is in place to
//     the first EARLY_WARNING naming that node, over `trials` trials (targets: median <= 1.5 s, max <= 2.5 s);
//  2. the monitor's own CPU and peak memory at a 1 s interval on a 6-node and a 30-node cluster, and the
//     commands per second it sends each node (targets: < 2% of one core per 10 nodes, < 5 commands/s/node).
// Run as root after `npm run build`: npx tsx bench/watch.ts [trials] [seconds]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Lab } from "../src/lab/lab.js";
import type { AlertEventJson } from "../src/watch/render.js";
import { cpuSeconds, peakMegabytes } from "./support/proc.js";

/** The CLI a user runs: bin/busdoctor, which runs the bundle `npm run build` makes. */
const CLI = fileURLToPath(new URL("../bin/busdoctor", import.meta.url));
const trials = Number(process.argv[2] ?? 10);
const seconds = Number(process.argv[3] ?? 60);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Line {
  at: number;
  event: AlertEventJson;
}

/** `busdoctor watch --json` inside the lab, each event line stamped with when the bench read it. */
class Monitor {
  readonly events: Line[] = [];
  private readonly child: ChildProcess;
  private readonly closed: Promise<void>;

  constructor(lab: Lab, extra: string[]) {
    const [program = "", ...args] = lab.busdoctorArgv(["watch", lab.node(1).endpoint, "--json", "--interval", "1s", ...extra], CLI);
    this.child = spawn(program, args, { stdio: ["ignore", "pipe", "ignore"] });
    if (this.child.stdout) {
      createInterface({ input: this.child.stdout }).on("line", (line) => {
        if (line.startsWith("{")) this.events.push({ at: Date.now(), event: JSON.parse(line) as AlertEventJson });
      });
    }
    this.closed = new Promise((resolve) => this.child.on("close", () => resolve()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async waitFor(match: (event: AlertEventJson) => boolean, from: number, timeoutMs: number): Promise<Line | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.events.slice(from).find((line) => match(line.event));
      if (found) return found;
      await sleep(20);
    }
    return null;
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    await this.closed;
  }
}

function stats(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const median = sorted.length % 2 === 1 ? at(0.5) : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2;
  return `median ${(median / 1000).toFixed(2)} s, min ${(at(0) / 1000).toFixed(2)} s, max ${(at(1) / 1000).toFixed(2)} s`;
}

async function detectionLatency(): Promise<void> {
  const lab = await Lab.up({ name: "watch-helper-bench-latency", nodeTimeoutMs: 15000 });
  const monitor = new Monitor(lab, ["--no-history"]);
  try {
    await sleep(5000);
    const fromAdded: number[] = [];
    const fromCall: number[] = [];
    let rightCause = 0;
    const rows: string[] = [];
    for (let trial = 1; trial <= trials; trial += 1) {
      const node = ((trial - 1) % 3) + 1; // the three masters in turn
      const endpoint = lab.node(node).endpoint;
      const from = monitor.events.length;
      // Let the cluster and the monitor's round-trip baseline settle at a random phase of Redis's 1 s cron.
      await sleep(3000 + Math.random() * 1000);
      const called = Date.now();
      await lab.fault({ kind: "bus", node, direction: "both", action: "drop" });
      const added = Date.now();
      const firing = await monitor.waitFor((event) => event.event === "firing" && event.code === "EARLY_WARNING", from, 20_000);
      await lab.heal();
      const right = firing !== null && firing.event.nodes.includes(endpoint);
      if (firing && right) {
        fromAdded.push(firing.at - added);
        fromCall.push(firing.at - called);
      }
      // The first alert's cause must be the block both ways, not a one-way guess refined later.
      if (right && firing.event.cause?.code === "BUS_PORT_BLOCKED" && firing.event.cause.nodes.join(",") === endpoint) rightCause += 1;
      rows.push(
        `  trial ${String(trial).padStart(2)}: node ${node} (${endpoint}) ${firing ? `${firing.at - added} ms -> ${firing.event.cause?.code ?? "?"} ${firing.event.nodes.join(",")}${right ? "" : "  WRONG NODE"}` : "no alert within 20 s"}`,
      );
      if (firing) await monitor.waitFor((event) => event.event === "resolved" && event.id === firing.event.id, from, 60_000);
      await lab.waitUntilSettled();
    }
    console.log(
      `detection latency, nft rule blocking one master's bus port both ways -> first EARLY_WARNING naming it (node timeout 15000 ms, interval 1 s), ${trials} trials:`,
    );
    for (const row of rows) console.log(row);
    console.log(
      `  from the rule in place (nft returned):   ${stats(fromAdded)}   (${fromAdded.length}/${trials} named the right node, ${rightCause}/${trials} the right cause first)`,
    );
    console.log(`  from the fault command started:          ${stats(fromCall)}`);
    console.log("  (Redis itself marks the node PFAIL after 15 s)");
  } finally {
    await monitor.stop();
    await lab.down();
  }
}

const WATCH_COMMANDS = ["ping", "info", "cluster|info", "cluster|nodes", "cluster|links", "cluster|count-failure-reports", "config|get"];

/** Calls of the commands busdoctor sends, summed, per node (INFO commandstats). */
async function commandCalls(lab: Lab): Promise<number[]> {
  return Promise.all(
    lab.nodes.map(async (node) => {
      const result = await lab.exec(["redis-cli", "-h", node.address, "-p", String(node.port), "INFO", "commandstats"], { timeoutMs: 10_000 });
      let calls = 0;
      for (const command of WATCH_COMMANDS) calls += Number(new RegExp(`cmdstat_${command.replace("|", "\\|")}:calls=(\\d+)`).exec(result.stdout)?.[1] ?? 0);
      return calls;
    }),
  );
}

async function resources(masters: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "busdoctor-bench-watch-"));
  const lab = await Lab.up({ name: `watch-helper-bench-${masters * 2}`, masters, replicasPerMaster: 1, nodeTimeoutMs: 15000, settleTimeoutMs: 180_000 });
  const monitor = new Monitor(lab, ["--history", join(dir, "history.db"), "--listen", "9464"]);
  try {
    await sleep(5000); // discovery and the first samples
    const cpuBefore = cpuSeconds(monitor.pid);
    const callsBefore = await commandCalls(lab);
    const started = Date.now();
    await sleep(seconds * 1000);
    const callsAfter = await commandCalls(lab);
    const elapsed = (Date.now() - started) / 1000;
    const cpu = (cpuSeconds(monitor.pid) - cpuBefore) / elapsed;
    // The measuring INFO commandstats itself counts once per node (the first one is in the second reading).
    const perNode = callsAfter.map((after, index) => (after - (callsBefore[index] ?? 0) - 1) / elapsed);
    const count = lab.nodes.length;
    console.log(
      `monitor on a ${count}-node cluster (${masters} masters, ${masters} replicas), interval 1 s, history and /metrics on, over ${elapsed.toFixed(0)} s:`,
    );
    console.log(
      `  CPU ${(cpu * 100).toFixed(2)}% of one core (${((cpu * 100 * 10) / count).toFixed(2)}% per 10 nodes; target < 2%), peak RSS ${peakMegabytes(monitor.pid).toFixed(0)} MB`,
    );
    console.log(
      `  commands per second per node: mean ${(perNode.reduce((a, b) => a + b, 0) / count).toFixed(2)}, max ${Math.max(...perNode).toFixed(2)} (target < 5)`,
    );
    console.log(`  alerts raised meanwhile: ${monitor.events.length}`);
  } finally {
    await monitor.stop();
    await lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await detectionLatency();
  await resources(3);
  await resources(15);
}

main().catch((error: unknown) => {
  console.error(`bench/watch: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
