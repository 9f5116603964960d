// Records the snapshot fixtures the diagnosis unit tests replay: for every scenario, a real 6-node
// redis-server cluster in a lab, the fault made real, then `busdoctor check --record` run inside the
// lab from a healthy seed and from the faulty node. Run as root after `npm run build`:
//   npx tsx scripts/record-snapshots.ts [scenario ...]
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Lab } from "../src/lab/lab.js";
import { SCENARIOS, SCENARIO_NODE_TIMEOUT_MS, faultySeeds, healthySeed, type Scenario } from "../test/support/scenarios.js";

const OUT = join(import.meta.dirname, "..", "test", "fixtures", "v7.0.15", "snapshots");

/** Scenarios also recorded with `--sample`, for the gossip-rate rule. */
const SAMPLED = new Set(["healthy", "bus-inbound-blocked", "bus-blocked-both"]);

async function record(lab: Lab, seeds: string[], file: string, extra: string[] = []): Promise<void> {
  const result = await lab.runBusdoctor(["check", ...seeds, "--timeout", "1000", "--json", "--record", join(OUT, file), ...extra], {
    timeoutMs: 60_000,
  });
  if (result.code === 3 || result.timedOut) throw new Error(`check failed for ${file}: ${result.stderr.trim()}`);
  console.log(`  ${file}: exit ${result.code}`);
}

async function recordScenario(scenario: Scenario): Promise<void> {
  console.log(`${scenario.name}: ${scenario.description}`);
  const lab = await Lab.up({ name: `rec-${scenario.name}`.slice(0, 40), nodeTimeoutMs: SCENARIO_NODE_TIMEOUT_MS });
  try {
    await scenario.inject(lab);
    await scenario.settle(lab);
    const seed = healthySeed(lab, scenario);
    await record(lab, [seed], `${scenario.name}.json`);
    if (scenario.faulty.length > 0) await record(lab, faultySeeds(lab, scenario, seed), `${scenario.name}.seed-faulty.json`);
    if (SAMPLED.has(scenario.name)) await record(lab, [seed], `${scenario.name}.sampled.json`, ["--sample", "3s"]);
  } finally {
    await lab.down();
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const wanted = process.argv.slice(2);
  const chosen = wanted.length === 0 ? SCENARIOS : SCENARIOS.filter((scenario) => wanted.includes(scenario.name));
  for (const scenario of chosen) await recordScenario(scenario);
}

main().catch((error: unknown) => {
  console.error(`record-snapshots: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
