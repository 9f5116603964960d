// busdoctor against hostile servers (issue 9): wall time, peak RSS and exit code of `check` against each
// fake server of test/e2e/hostile, side by side with the same runs measured before the hardening
// (commit fa879c0, the baseline; the issue's own figures in brackets where it gave some).
// Also: parsing a CLUSTER NODES view whose ids collide on purpose (linear now, quadratic before).
// Run as root after `npm run build`:   npx tsx bench/hostile.ts [scenario name | parse]
// BUSDOCTOR_CLI=/path/to/other/bin/busdoctor measures another build (the baseline was taken with its
// dist/bundle/main.js, which is what its bin/busdoctor ran).
import { createHash } from "node:crypto";
import { parseClusterNodes } from "../src/parse/clusterNodes.js";
import { SharedNodeValues } from "../src/parse/nodeValues.js";
import { CHECK_SCENARIOS, WATCH_SCENARIOS, type HostileScenario } from "../test/e2e/hostile/support/scenarios.js";
import { Sandbox, type Measured, type Watched } from "../test/e2e/hostile/support/sandbox.js";

/** Measured on this machine with the baseline build; `killed` runs were stopped at the limit. */
const BASELINE: Record<string, string> = {
  silent: "1.2 s, 53 MB, exit 3",
  slow: "1.3 s, 54 MB, exit 0 (healthy: only PING read)",
  garbage: "0.2 s, 53 MB, exit 3",
  error: "0.2 s, 53 MB, exit 3",
  close: "0.2 s, 53 MB, exit 3",
  endless: "2.4 s, 120 MB, exit 3",
  flood: "0.4 s, 70 MB, exit 0 (healthy)",
  huge: "5.4 s, 661 MB, exit 0 (healthy: only PING read)",
  "10k nodes": "92.6 s, 4907 MB, exit 134 (V8 out of memory) [issue: 78-99 s, 4.8-5.2 GB]",
  "100k nodes": "killed at 150 s [issue: Invalid array length]",
  "special addresses":
    "0.9 s, 63 MB, exit 2; dialled (with AUTH when given) every listed address, 0.0.0.0, 255.255.255.255 and 224.0.0.1 included, and looked up the host name in DNS",
  "watch garbage": "64 MB, 60 connections, no alert in 15 s",
  "watch error": "63 MB, no alert in 15 s",
  "watch close": "64 MB, 62 connections, no alert in 15 s",
  "watch endless": "145 MB, 6.7 s from SIGTERM to exit",
  "watch flood": "75 MB",
  "watch huge": "937 MB, 5.5 s from SIGTERM to exit",
  "watch slow": "65 MB",
  "NAT double address": "SIGTERM ignored (killed), 66 connections in 15 s, node re-added every sample",
};

const LIMIT_MS = 150_000;

function describe(run: Measured): string {
  const outcome = run.killed ? `killed at ${LIMIT_MS / 1000} s` : `exit ${run.code}`;
  return `${run.seconds.toFixed(1).padStart(6)} s ${String(run.maxRssMb).padStart(6)} MB  ${outcome}`;
}

/** How long a watch runs before it gets SIGTERM. */
const WATCH_MS = 15_000;

async function measure(scenario: HostileScenario): Promise<Measured> {
  const sandbox = await Sandbox.create("bench-hostile");
  try {
    await sandbox.fake(scenario.name.replace(/\W+/g, "-"), scenario.config);
    return await sandbox.run(scenario.args, { limitMs: LIMIT_MS });
  } finally {
    await sandbox.destroy();
  }
}

async function measureWatch(scenario: HostileScenario): Promise<Watched> {
  const sandbox = await Sandbox.create("bench-hostile");
  try {
    return await sandbox.watchScenario(scenario, WATCH_MS);
  } finally {
    await sandbox.destroy();
  }
}

/** ms per 10,000-line CLUSTER NODES view (5 views parsed with shared values), measured on fa879c0. */
const PARSE_BASELINE = { random: 53, colliding: 4485 };

/** Parsing a 10,000-node view whose ids are random (as Redis makes them) or share their first 36 digits. */
function parseBench(): void {
  console.log("parsing a 10,000-line CLUSTER NODES view, 5 times with shared values: ms per view");
  for (const kind of ["random", "colliding"] as const) {
    const ids = Array.from({ length: 10_000 }, (_, index) =>
      kind === "random" ? createHash("sha1").update(String(index)).digest("hex") : `${"c0ffee".repeat(6)}${index.toString(16).padStart(4, "0")}`,
    );
    const view = ids.map((id, index) => `${id} 127.1.${index >> 8}.${index & 255}:6379@16379 master - 0 1700000000000 ${index + 1} connected`).join("\n");
    const shared = new SharedNodeValues();
    const started = performance.now();
    for (let round = 0; round < 5; round++) parseClusterNodes(view, shared);
    const ms = (performance.now() - started) / 5;
    console.log(`${`${kind} ids`.padEnd(20)} ${`${ms.toFixed(0)} ms`.padEnd(30)} ${PARSE_BASELINE[kind]} ms`);
  }
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  if (filter === undefined || filter === "parse") parseBench();
  const chosen = CHECK_SCENARIOS.filter((scenario) => filter === undefined || scenario.name === filter);
  if (chosen.length > 0) {
    console.log("busdoctor check against hostile servers: wall time, peak RSS, outcome");
    console.log(`${"scenario".padEnd(20)} ${"now".padEnd(30)} baseline (fa879c0)`);
  }
  for (const scenario of chosen) {
    const run = await measure(scenario);
    const firstLine = run.stderr.split("\n")[0] ?? "";
    console.log(`${scenario.name.padEnd(20)} ${describe(run).padEnd(30)} ${BASELINE[scenario.name] ?? "-"}`);
    if (firstLine !== "") console.log(`${"".padEnd(20)} stderr: ${firstLine.slice(0, 140)}`);
  }
  const watches = WATCH_SCENARIOS.filter((scenario) => filter === undefined || scenario.name === filter);
  if (watches.length > 0) console.log(`watch for ${WATCH_MS / 1000} s, then SIGTERM: peak RSS, seconds from SIGTERM to exit, connections accepted, log lines`);
  for (const scenario of watches) {
    const { run, stopSeconds, connections } = await measureWatch(scenario);
    const stop = run.killed ? "killed" : `stopped in ${stopSeconds.toFixed(1)} s (exit ${run.code})`;
    const now = `${String(run.maxRssMb).padStart(6)} MB  ${stop}, ${[...connections.values()].reduce((sum, count) => sum + count, 0)} connections`;
    console.log(`${scenario.name.padEnd(20)} ${now.padEnd(48)} ${BASELINE[scenario.name] ?? "-"}`);
    const lines = run.stderr.split("\n").filter((line) => line !== "");
    for (const line of lines.slice(0, 4)) console.log(`${"".padEnd(20)} stderr: ${line.slice(0, 140)}`);
    if (lines.length > 4) console.log(`${"".padEnd(20)} stderr: ... ${lines.length} lines`);
    console.log(`${"".padEnd(20)} stdout: ${run.stdout.split("\n").filter((line) => line !== "").length} lines`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench/hostile: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
