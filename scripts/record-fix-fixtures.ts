// Records the evidence files the planner's unit tests replay (test/unit/fix): for every scenario, a
// real redis-server cluster in a lab, the incident made real (nftables rules, signals, FORGET, RESET,
// an interrupted redis-cli --cluster reshard), then `busdoctor fix --record` run inside the lab.
// Run as root after `npm run build`, one scenario at a time under the shared lock:
//   flock /tmp/busdoctor-e2e.lock npx tsx scripts/record-fix-fixtures.ts [scenario ...]
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { diagnose } from "../src/diagnose/index.js";
import { parseEvidence } from "../src/fix/evidence.js";
import { Lab } from "../src/lab/lab.js";
import type { LabOptions } from "../src/lab/layout.js";
import { cli, forgetEverywhere, indexAt, interruptedReshard, replicaOf, waitFlaggedFailBy } from "../test/support/labActions.js";
import { observe, waitFor, waitUntilCut } from "../test/support/observe.js";

const OUT = join(import.meta.dirname, "..", "test", "fixtures", "v7.0.15", "fix");
const NODE_TIMEOUT_MS = 2000;
const SIX: LabOptions = { nodeTimeoutMs: NODE_TIMEOUT_MS };
const THREE: LabOptions = { masters: 3, replicasPerMaster: 0, nodeTimeoutMs: NODE_TIMEOUT_MS };
const all = (lab: Lab): number[] => lab.nodes.map((node) => node.index);
const except = (lab: Lab, ...out: number[]): number[] => all(lab).filter((index) => !out.includes(index));

interface FixScenario {
  name: string;
  description: string;
  lab: LabOptions;
  /** Makes the incident real; returns extra seeds (a node the others forgot) besides node 1. */
  prepare(lab: Lab): Promise<string[]>;
  /** When the evidence must show a phase that lasts only seconds, the phase to retry for. */
  phase?: "recovering" | "developing";
}

async function blockBus(lab: Lab, node: number): Promise<void> {
  await lab.fault({ kind: "bus", node, direction: "both", action: "drop" });
}

const SCENARIOS: readonly FixScenario[] = [
  { name: "healthy", description: "no fault", lab: SIX, prepare: async () => [] },
  {
    name: "bus-blocked-developing",
    description: "node 3's bus dropped both ways, pings pending, before FAIL",
    lab: SIX,
    phase: "developing",
    async prepare(lab) {
      await blockBus(lab, 3);
      await waitUntilCut(
        lab,
        except(lab, 3).map((index): [number, number] => [index, 3]),
        1000,
      );
      return [];
    },
  },
  {
    name: "bus-blocked-failed-over",
    description: "node 3's bus dropped both ways, after FAIL and the failover of its slots",
    lab: SIX,
    async prepare(lab) {
      await blockBus(lab, 3);
      await waitFor("node 3 failed and a replica took over", async () => {
        const view = await observe(lab, 1);
        return view !== null && view.state === "ok" && view.entries.some((entry) => entry.address === lab.node(3).endpoint && entry.flags.includes("fail"));
      });
      return [];
    },
  },
  {
    name: "bus-blocked-no-replica",
    description: "3 masters, no replicas: node 3's bus dropped, its slots uncovered, redis-cli would ADDSLOTS them",
    lab: THREE,
    async prepare(lab) {
      await blockBus(lab, 3);
      await waitFlaggedFailBy(lab, 3, [1, 2]);
      return [];
    },
  },
  {
    name: "bus-healed-recovering",
    description: "3 masters: node 3's bus opened again right after FAIL, before Redis clears it (2 x node-timeout)",
    lab: THREE,
    phase: "recovering",
    async prepare(lab) {
      await blockBus(lab, 3);
      await waitFlaggedFailBy(lab, 3, [1, 2]);
      await lab.heal();
      await waitFor(
        "node 1 hears node 3 again",
        async () => {
          const view = await observe(lab, 1);
          const entry = view?.entries.find((candidate) => candidate.address === lab.node(3).endpoint);
          return view !== null && entry !== undefined && entry.pingSentMs === 0 && view.nowMs - entry.pongRecvMs < 500;
        },
        5000,
      );
      return [];
    },
  },
  {
    name: "forgotten-replica",
    description: "replica 6 forgotten by every other node (CLUSTER FORGET on each); it still knows them",
    lab: SIX,
    async prepare(lab) {
      await forgetEverywhere(lab, 6, except(lab, 6));
      return [lab.node(6).endpoint];
    },
  },
  {
    name: "reset-node",
    description: "replica 6 after CLUSTER RESET HARD: a new id that knows nobody (its old id a ghost)",
    lab: SIX,
    async prepare(lab) {
      await cli(lab, 6, ["CLUSTER", "RESET", "HARD"]);
      await waitFlaggedFailBy(lab, 6, except(lab, 6)).catch(() => undefined);
      return [lab.node(6).endpoint];
    },
  },
  {
    name: "ghost-replica",
    description: "replica 6 killed for good: failed in every view",
    lab: SIX,
    async prepare(lab) {
      await lab.kill(6);
      await waitFlaggedFailBy(lab, 6, except(lab, 6));
      return [];
    },
  },
  {
    name: "ghost-master-failed-over",
    description: "master 3 killed for good, its replica promoted: a master without slots, failed everywhere",
    lab: SIX,
    async prepare(lab) {
      await lab.kill(3);
      await waitFlaggedFailBy(lab, 3, except(lab, 3));
      await waitFor("its slots served again", async () => (await observe(lab, 1))?.state === "ok");
      return [];
    },
  },
  {
    name: "reshard-interrupted",
    description: "redis-cli --cluster reshard stopped at its first MIGRATE: slot open on both sides, keys all on the owner",
    lab: SIX,
    async prepare(lab) {
      await writeSlotKeys(lab);
      await interruptedReshard(lab, 1, all(lab));
      return [];
    },
  },
  {
    name: "reshard-partial",
    description: "an interrupted reshard after one key was moved: keys of the open slot on both sides",
    lab: SIX,
    async prepare(lab) {
      await writeSlotKeys(lab);
      const { slot, source, target } = await interruptedReshard(lab, 1, all(lab));
      const key = (await cli(lab, indexAt(lab, source.address), ["CLUSTER", "GETKEYSINSLOT", String(slot), "1"])).trim();
      // The MIGRATE redis-cli would have sent next, for one key.
      await cli(lab, indexAt(lab, source.address), ["MIGRATE", target.ip, String(target.port), "", "0", "5000", "KEYS", key]);
      return [];
    },
  },
  {
    name: "master-killed-no-replica",
    description: "3 masters: node 3 killed for good; its slots have no owner left",
    lab: THREE,
    async prepare(lab) {
      await lab.kill(3);
      await waitFlaggedFailBy(lab, 3, [1, 2]);
      return [];
    },
  },
  {
    name: "master-killed-replica-nofailover",
    description: "master 3 killed; its replica has cluster-replica-no-failover yes, so nobody takes over",
    lab: SIX,
    async prepare(lab) {
      const replica = await replicaOf(lab, 3);
      await cli(lab, replica, ["CONFIG", "SET", "cluster-replica-no-failover", "yes"]);
      await lab.kill(3);
      await waitFlaggedFailBy(lab, 3, except(lab, 3));
      // Past the time a failover would have taken (the diagnosis then calls it settled).
      await new Promise((resolve) => setTimeout(resolve, 5 * NODE_TIMEOUT_MS));
      return [];
    },
  },
  {
    name: "paused-owner-no-replica",
    description: "3 masters: node 3 paused (SIGSTOP): failed by its peers, yet its process is alive",
    lab: THREE,
    async prepare(lab) {
      await lab.pause(3);
      await waitFlaggedFailBy(lab, 3, [1, 2]);
      return [];
    },
  },
];

/** One key in every slot (the e2e data set's writer), so a reshard has something to MIGRATE. */
async function writeSlotKeys(lab: Lab): Promise<void> {
  const client = join(import.meta.dirname, "..", "test", "e2e", "support", "dataset-client.mjs");
  const manifest = join(lab.stateDir, "dataset.json");
  const result = await lab.exec([process.execPath, client, "write", lab.node(1).address, String(lab.node(1).port), manifest], { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`writing the data set failed: ${result.stderr.trim()}`);
}

async function recordScenario(scenario: FixScenario): Promise<void> {
  const file = join(OUT, `${scenario.name}.json`);
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    console.log(`${scenario.name}: ${scenario.description}${attempt > 1 ? ` (attempt ${attempt})` : ""}`);
    const lab = await Lab.up({ ...scenario.lab, name: `rec-fix-${scenario.name}`.slice(0, 40) });
    try {
      const seeds = [lab.node(1).endpoint, ...(await scenario.prepare(lab))];
      const result = await lab.runBusdoctor(["fix", ...seeds, "--timeout", "1000", "--interval", "2s", "--json", "--record", file], { timeoutMs: 60_000 });
      if (result.code === 3 || result.timedOut) throw new Error(`fix failed: ${result.stderr.trim()}`);
      const evidence = parseEvidence(readFileSync(file, "utf8"));
      const phase = diagnose(evidence.current.snapshot).diagnosis.phase.name;
      console.log(`  ${file}: exit ${result.code}, phase ${phase}`);
      if (scenario.phase === undefined || phase === scenario.phase) return;
    } finally {
      await lab.down();
    }
  }
  throw new Error(`${scenario.name}: never caught the ${scenario.phase} phase`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const wanted = process.argv.slice(2);
  const chosen = wanted.length === 0 ? SCENARIOS : SCENARIOS.filter((scenario) => wanted.includes(scenario.name));
  for (const scenario of chosen) await recordScenario(scenario);
}

main().catch((error: unknown) => {
  console.error(`record-fix-fixtures: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
