// Wall time of `busdoctor check` on the 6-node lab cluster, side by side with
// `redis-cli --cluster check` on the same cluster in the same run, both started as fresh processes
// inside the lab's namespace (as a user would run them). Target: under 300 ms and no slower than
// redis-cli. Then the same with a second look: a bus port only busdoctor's host cannot reach makes
// one snapshot undecidable, so check looks again ~2 s later; that run is reported apart, its wait
// (waiting, not work) split from its two collections.
// Run as root after `npm run build`: npx tsx bench/check.ts [runs]
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { Lab } from "../src/lab/lab.js";

/** The CLI a user runs: bin/busdoctor, which runs the bundle `npm run build` makes. */
const CLI = fileURLToPath(new URL("../bin/busdoctor", import.meta.url));

const runs = Number(process.argv[2] ?? 20);

interface Timing {
  wallMs: number[];
  collectMs: number[];
}

interface TwoLooks {
  wallMs: number[];
  collectMs: number[];
  waitedMs: number[];
}

function stats(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, min ${at(0).toFixed(0)} ms, max ${at(1).toFixed(0)} ms`;
}

interface CheckJson {
  durationMs: number;
  firstLookMs: number | null;
  waitedMs: number | null;
  coverage: { looks: { count: number } };
}

async function timeOnce(lab: Lab, argv: string[], busdoctor: boolean): Promise<{ wallMs: number; report: CheckJson | null }> {
  const started = performance.now();
  const result = busdoctor ? await lab.runBusdoctor(argv, { timeoutMs: 30_000, script: CLI }) : await lab.exec(argv, { timeoutMs: 30_000 });
  const wallMs = performance.now() - started;
  if (busdoctor && result.code !== 0) throw new Error(`busdoctor check exited ${result.code}: ${result.stderr}`);
  if (!busdoctor && !result.stdout.includes("[OK] All 16384 slots covered")) throw new Error(`redis-cli --cluster check: ${result.stdout}`);
  return { wallMs, report: busdoctor ? (JSON.parse(result.stdout) as CheckJson) : null };
}

async function main(): Promise<void> {
  // Another base than 127.0.0.1, so that busdoctor's own address is no node's (the second-look run blocks it).
  const lab = await Lab.up({ name: "bench-check", baseAddress: "127.0.0.11" });
  try {
    const seed = lab.node(1).endpoint;
    const ours: Timing = { wallMs: [], collectMs: [] };
    const theirs: Timing = { wallMs: [], collectMs: [] };
    // The namespace round trip itself (ip netns exec + a trivial process), to read the others against.
    const floor: number[] = [];
    const nodeFloor: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      // Interleaved, so both see the same machine load.
      const a = await timeOnce(lab, ["check", seed, "--json"], true);
      ours.wallMs.push(a.wallMs);
      if (a.report !== null) ours.collectMs.push(a.report.durationMs);
      theirs.wallMs.push((await timeOnce(lab, ["redis-cli", "--cluster", "check", seed], false)).wallMs);
      const started = performance.now();
      await lab.exec(["true"]);
      floor.push(performance.now() - started);
      const nodeStarted = performance.now();
      await lab.exec([process.execPath, "-e", ""]);
      nodeFloor.push(performance.now() - nodeStarted);
    }
    console.log(`check on a 6-node lab cluster (3 masters, 3 replicas), ${runs} interleaved runs each, wall time per process:`);
    console.log(`  busdoctor check --json          ${stats(ours.wallMs)}`);
    console.log(`    of which collecting            ${stats(ours.collectMs)}  (6 nodes x 8 commands, 12 TCP probes)`);
    console.log(`  redis-cli --cluster check        ${stats(theirs.wallMs)}`);
    console.log(`  ip netns exec true (floor)       ${stats(floor)}`);
    console.log(`  node -e "" (Node.js start floor) ${stats(nodeFloor)}`);
    console.log("  (busdoctor's wall time includes starting Node.js; redis-cli is a C binary)");
    // The second look: node 3's bus port dropped for busdoctor's host only (the cluster is fine).
    await lab.fault({ kind: "outside", node: 3, port: "bus", action: "drop" });
    const twice: TwoLooks = { wallMs: [], collectMs: [], waitedMs: [] };
    const resampleRuns = Math.max(3, Math.floor(runs / 4));
    for (let run = 0; run < resampleRuns; run += 1) {
      const { wallMs, report } = await timeOnce(lab, ["check", seed, "--json"], true);
      if (report === null || report.coverage.looks.count !== 2) throw new Error("check did not look twice with a bus port only it cannot reach");
      twice.wallMs.push(wallMs);
      twice.collectMs.push(report.durationMs + (report.firstLookMs ?? 0));
      twice.waitedMs.push(report.waitedMs ?? 0);
    }
    console.log(`with a second look (node 3's bus port dropped for busdoctor's host only; ${resampleRuns} runs):`);
    console.log(`  busdoctor check --json          ${stats(twice.wallMs)}`);
    console.log(`    of which waiting (not work)    ${stats(twice.waitedMs)}`);
    console.log(`    of which collecting, 2 looks   ${stats(twice.collectMs)}  (each look waits for the filtered probe's timeout, 1000 ms)`);
  } finally {
    await lab.down();
  }
}

main().catch((error: unknown) => {
  console.error(`bench/check: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
