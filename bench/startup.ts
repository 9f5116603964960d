// Start-up cost of the CLI a user runs (bin/busdoctor, i.e. the bundle `npm run build` makes), as a ratio to a
// bare `node -e 0` measured side by side in the same run. Targets: `busdoctor --version` <= 1.3x and
// `busdoctor check` on a healthy 6-node lab cluster <= 1.6x. `redis-cli --cluster check` on the same
// cluster is timed for reference. Every round runs every command once, in a rotating order, so all see the
// same machine load (the load average is printed); the table shows medians.
// --version and its `node -e 0` are spawned directly; check, redis-cli and their `node -e 0` run inside the
// lab's namespace (`ip netns exec`, whose own cost is printed as a floor).
// --baseline DIR times DIR/bin/busdoctor too (a checkout of the baseline commit, built), in the same rounds.
// Run as root after `npm run build`, holding the lab lock while the lab is up:
//   flock /tmp/busdoctor-e2e.lock npx tsx bench/startup.ts [rounds] [--baseline DIR]
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Lab } from "../src/lab/lab.js";
import { runCommand } from "../src/lab/run.js";

const TARGET = { version: 1.3, check: 1.6 };

interface Options {
  rounds: number;
  baseline: string | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { rounds: 15, baseline: undefined };
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index] ?? "";
    if (word === "--baseline") {
      options.baseline = resolve(argv[index + 1] ?? "");
      index += 1;
    } else if (/^\d+$/.test(word)) options.rounds = Number(word);
    else throw new Error(`unknown argument ${word} (usage: startup.ts [rounds] [--baseline DIR])`);
  }
  return options;
}

/** bin/busdoctor of a checkout, which must be built: without dist/ it prints "run `npm run build`". */
function builtCli(root: string): string {
  if (!existsSync(resolve(root, "dist/bundle/version.txt"))) throw new Error(`${root} is not built: run \`npm run build\` there first`);
  return resolve(root, "bin/busdoctor");
}

/** One command to time: how to run it (inside the lab or not) and what its output must show. */
interface Subject {
  label: string;
  argv: string[];
  inLab: boolean;
  expect: (stdout: string) => boolean;
  /** For check: the collection time its JSON report states, to read its wall time against. */
  collectMs?: (stdout: string) => number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** Wall times, and check's own collection times, by subject label. */
const times = new Map<string, number[]>();
const collectTimes = new Map<string, number[]>();
const record = (into: Map<string, number[]>, label: string, value: number): void => void into.set(label, [...(into.get(label) ?? []), value]);

async function timeOnce(lab: Lab, subject: Subject): Promise<number> {
  const started = performance.now();
  const result = subject.inLab ? await lab.exec(subject.argv, { timeoutMs: 30_000 }) : await runCommand(subject.argv, { timeoutMs: 30_000 });
  const wallMs = performance.now() - started;
  if (result.code !== 0 || !subject.expect(result.stdout)) {
    throw new Error(`${subject.label} exited ${result.code}: ${(result.stderr || result.stdout).slice(0, 300)}`);
  }
  if (subject.collectMs) record(collectTimes, subject.label, subject.collectMs(result.stdout));
  return wallMs;
}

function subjectsFor(seed: string, ours: string, baseline: string | undefined): Subject[] {
  const node = process.execPath;
  const healthy = (stdout: string): boolean => (JSON.parse(stdout) as { health: string }).health === "healthy";
  const collectMs = (stdout: string): number => (JSON.parse(stdout) as { durationMs: number }).durationMs;
  const version = (stdout: string): boolean => /^\d+\.\d+\.\d+\n$/.test(stdout);
  const clis: Array<[string, string]> = [["", ours], ...(baseline === undefined ? [] : ([[" (baseline)", builtCli(baseline)]] as Array<[string, string]>))];
  return [
    { label: "node -e 0", argv: [node, "-e", "0"], inLab: false, expect: () => true },
    ...clis.map(([tag, cli]): Subject => ({ label: `busdoctor --version${tag}`, argv: [node, cli, "--version"], inLab: false, expect: version })),
    { label: "node -e 0 [ns]", argv: [node, "-e", "0"], inLab: true, expect: () => true },
    ...clis.map(
      ([tag, cli]): Subject => ({ label: `busdoctor check${tag} [ns]`, argv: [node, cli, "check", seed, "--json"], inLab: true, expect: healthy, collectMs }),
    ),
    {
      label: "redis-cli --cluster check [ns]",
      argv: ["redis-cli", "--cluster", "check", seed],
      inLab: true,
      expect: (stdout) => stdout.includes("[OK] All 16384 slots covered"),
    },
    { label: "ip netns exec true [ns]", argv: ["true"], inLab: true, expect: () => true },
  ];
}

function ratioLine(what: string, ours: number, bare: number, target: number): string {
  const ratio = ours / bare;
  return `  ${what.padEnd(38)} ${ratio.toFixed(2)}x  (target <= ${target}x: ${ratio <= target ? "met" : "NOT met"})`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = fileURLToPath(new URL("..", import.meta.url));
  const ours = builtCli(root);
  const loadBefore = loadavg()[0] ?? 0;
  // Its own addresses, so that it never meets bench/check.ts's lab.
  const lab = await Lab.up({ name: "bench-startup", baseAddress: "127.0.0.21" });
  let subjects: Subject[] = [];
  try {
    subjects = subjectsFor(lab.node(1).endpoint, ours, options.baseline);
    // One untimed round: warms the page cache and fails early on a broken build.
    for (const subject of subjects) await timeOnce(lab, subject);
    collectTimes.clear();
    for (let round = 0; round < options.rounds; round += 1) {
      for (let step = 0; step < subjects.length; step += 1) {
        const subject = subjects[(round + step) % subjects.length] as Subject;
        record(times, subject.label, await timeOnce(lab, subject));
      }
    }
  } finally {
    await lab.down();
  }
  const loadAfter = loadavg()[0] ?? 0;
  const medianOf = (label: string): number => median(times.get(label) ?? []);
  console.log(`start-up, ${options.rounds} interleaved rounds on a 6-node lab cluster (3 masters, 3 replicas); median wall time per process:`);
  for (const subject of subjects) {
    const collecting = collectTimes.get(subject.label);
    const of = collecting === undefined ? "" : `  (of which collecting ${median(collecting).toFixed(0)} ms)`;
    console.log(`  ${subject.label.padEnd(38)} ${medianOf(subject.label).toFixed(0).padStart(5)} ms${of}`);
  }
  console.log("ratios to a bare Node.js start (check and its node -e 0 both pay `ip netns exec`):");
  const bare = medianOf("node -e 0");
  const bareInLab = medianOf("node -e 0 [ns]");
  console.log(ratioLine("busdoctor --version / node -e 0", medianOf("busdoctor --version"), bare, TARGET.version));
  console.log(ratioLine("busdoctor check / node -e 0", medianOf("busdoctor check [ns]"), bareInLab, TARGET.check));
  if (options.baseline !== undefined) {
    console.log(ratioLine("baseline --version / node -e 0", medianOf("busdoctor --version (baseline)"), bare, TARGET.version));
    console.log(ratioLine("baseline check / node -e 0", medianOf("busdoctor check (baseline) [ns]"), bareInLab, TARGET.check));
  }
  console.log(`load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${availableParallelism()} cores`);
}

main().catch((error: unknown) => {
  console.error(`bench/startup: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
