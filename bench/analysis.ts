// Analysis time and peak memory of diagnose() on a synthetic 1000-node cluster (1000 views of 1000
// CLUSTER NODES lines and 2000 CLUSTER LINKS entries each). Targets: under 1 s and under 300 MB.
// Run: npx tsx bench/analysis.ts [nodes]
//
// Each run is a fresh process that builds the snapshot and calls diagnose() once, as the CLI does:
// cold code, and a heap that holds only the input. (Several runs in one process would time warmed-up
// code and charge each run with the pages the previous result left behind.) diagnose() is
// synchronous, so a worker thread samples the process RSS every millisecond while it runs; the peak
// is compared with the RSS of the process holding the input snapshot after a full GC.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Worker } from "node:worker_threads";
import { diagnose } from "../src/diagnose/index.js";
import { syntheticSnapshot } from "./support/syntheticCluster.js";

const RUNS = 3;
const ONE_RUN = "--one-run";
const count = Number(process.argv[2] ?? 1000);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

interface RunResult {
  ms: number;
  findings: number;
  links: number;
  rssBefore: number;
  inputRss: number;
  inputHeap: number;
  peakRss: number;
  /** Heap the result holds once garbage is collected. */
  resultHeap: number;
}

/** Peak RSS in KiB, written by the sampler thread. */
const SAMPLER = `
const { workerData: peak } = require("node:worker_threads");
setInterval(() => Atomics.store(peak, 0, Math.max(Atomics.load(peak, 0), Math.round(process.memoryUsage.rss() / 1024))), 1);
`;

async function oneRun(): Promise<RunResult> {
  // A full GC on demand, without node --expose-gc: the flag exposes gc() to contexts made after it.
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const rssBefore = process.memoryUsage.rss();
  const snapshot = syntheticSnapshot(count);
  const peakKiB = new Int32Array(new SharedArrayBuffer(4));
  const sampler = new Worker(SAMPLER, { eval: true, workerData: peakKiB });
  await new Promise((resolve) => setTimeout(resolve, 50)); // let the sampler start
  gc();
  const input = process.memoryUsage();
  Atomics.store(peakKiB, 0, 0);

  const started = performance.now();
  const result = diagnose(snapshot);
  const ms = performance.now() - started;

  await new Promise((resolve) => setTimeout(resolve, 10)); // one more sample after the run
  const peakRss = Math.max(Atomics.load(peakKiB, 0) * 1024, process.memoryUsage.rss());
  await sampler.terminate();
  gc();
  const resultHeap = process.memoryUsage().heapUsed - input.heapUsed;
  const { diagnosis, analysis } = result; // used after the GC, so the result was live during it
  return {
    ms,
    findings: (diagnosis.rootCause ? 1 : 0) + diagnosis.consequences.length + diagnosis.otherFindings.length,
    links: analysis.links.length,
    rssBefore,
    inputRss: input.rss,
    inputHeap: input.heapUsed,
    peakRss,
    resultHeap,
  };
}

function main(): void {
  const runs: RunResult[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(count), ONE_RUN], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (child.status !== 0) throw new Error(`run ${run + 1} failed with exit status ${child.status}`);
    const result = JSON.parse(child.stdout) as RunResult;
    if (result.links !== count * (count - 1)) throw new Error(`expected ${count * (count - 1)} links, got ${result.links}`);
    runs.push(result);
  }
  const first = runs[0] as RunResult;
  const above = runs.map((run) => run.peakRss - run.inputRss);
  console.log(
    `diagnose() on a synthetic ${count}-node cluster (${count} views x ${count} CLUSTER NODES lines, ${2 * (count - 1)} CLUSTER LINKS entries per view, ${count * (count - 1)} link cells), each run in a fresh process`,
  );
  console.log(`  analysis time per run: ${runs.map((run) => `${run.ms.toFixed(0)} ms`).join(", ")}  (target < 1000 ms)`);
  console.log(`  findings on this healthy cluster: ${first.findings}`);
  console.log(`  memory: process before input ${mb(first.rssBefore)}, with the input snapshot ${mb(first.inputRss)} (heap ${mb(first.inputHeap)})`);
  console.log(
    `  peak RSS per run: ${runs.map((run) => mb(run.peakRss)).join(", ")}; heap the result holds: ${runs.map((run) => mb(run.resultHeap)).join(", ")}`,
  );
  console.log(`  peak RSS above the input snapshot (what analysis needs): ${above.map(mb).join(", ")}  (target < 300 MB)`);
}

if (process.argv.includes(ONE_RUN)) {
  void oneRun().then((result) => process.stdout.write(JSON.stringify(result)));
} else {
  main();
}
