// Analysis time and peak memory of diagnose() on a synthetic 1000-node cluster (1000 views of 1000
// CLUSTER NODES lines each). Targets: under 1 s and under 300 MB. Run: npx tsx bench/analysis.ts [nodes]
import { performance } from "node:perf_hooks";
import { diagnose } from "../src/diagnose/index.js";
import { syntheticSnapshot } from "./syntheticCluster.js";

const count = Number(process.argv[2] ?? 1000);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const rssBefore = process.memoryUsage().rss;
const snapshot = syntheticSnapshot(count);
const input = process.memoryUsage();
let peakRss = input.rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);

const runs: number[] = [];
let findings = 0;
async function main(): Promise<void> {
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    const { diagnosis, analysis } = diagnose(snapshot);
    runs.push(performance.now() - started);
    findings = (diagnosis.rootCause ? 1 : 0) + diagnosis.consequences.length + diagnosis.otherFindings.length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (analysis.links.length !== count * (count - 1)) throw new Error(`expected ${count * (count - 1)} links, got ${analysis.links.length}`);
    // Let the sampler see the process between runs, and the previous result be collected.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  clearInterval(sampler);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(`diagnose() on a synthetic ${count}-node cluster (${count} views x ${count} CLUSTER NODES lines, ${count * (count - 1)} link cells)`);
  console.log(`  analysis time per run: ${runs.map((ms) => `${ms.toFixed(0)} ms`).join(", ")}  (target < 1000 ms)`);
  console.log(`  findings on this healthy cluster: ${findings}`);
  console.log(`  memory: process before input ${mb(rssBefore)}, with the input snapshot ${mb(input.rss)}, peak RSS ${mb(Math.max(peakRss, maxRss))}`);
  console.log(`  peak RSS above the input snapshot (what analysis needs): ${mb(Math.max(peakRss, maxRss) - input.rss)}  (target < 300 MB)`);
}

void main();
