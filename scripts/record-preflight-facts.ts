// Records the facts the preflight unit tests decide on (test/fixtures/preflight/*.json): a real
// 3-master redis-server 7.0.15 cluster in a lab, one case at a time (a fault, an extra node that has
// not joined, a node without cluster mode), then preflight's own gathering run inside the lab's
// namespace, written as JSON. Run as root:
//   npx tsx scripts/record-preflight-facts.ts [case ...]
// The script re-runs itself inside the namespace (`gather` mode) because only there are the lab's
// addresses reachable.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseHostPort } from "../src/cluster/address.js";
import { Lab } from "../src/lab/lab.js";
import { gatherPreflight } from "../src/preflight/gather.js";
import { waitUntilCut } from "../test/support/observe.js";

const OUT = join(import.meta.dirname, "..", "test", "fixtures", "preflight");
const SELF = fileURLToPath(import.meta.url);
const NODE_TIMEOUT_MS = 2000;
const PENDING_MS = 1500;

interface Case {
  name: string;
  description: string;
  target: string;
  seed: string | null;
  /** Makes the case real; returns what to undo before the next case (the lab is shared). */
  prepare(lab: Lab): Promise<() => Promise<void>>;
}

const healAfter = (lab: Lab) => async (): Promise<void> => {
  await lab.heal();
  await lab.waitUntilSettled();
};

const CASES: readonly Case[] = [
  {
    name: "healthy",
    description: "a settled cluster, the new node a member",
    target: "127.0.0.3:6379",
    seed: "127.0.0.1:6379",
    prepare: async (lab) => healAfter(lab),
  },
  {
    name: "bus-dropped",
    description: "inbound to node 3's bus port dropped: filtered, peers' pings pending",
    target: "127.0.0.3:6379",
    seed: "127.0.0.1:6379",
    prepare: async (lab) => {
      await lab.fault({ kind: "bus", node: 3, direction: "in", action: "drop" });
      await waitUntilCut(
        lab,
        [
          [1, 3],
          [2, 3],
        ],
        PENDING_MS,
      );
      return healAfter(lab);
    },
  },
  {
    name: "bus-rejected",
    description: "inbound to node 3's bus port rejected with a TCP reset: refused",
    target: "127.0.0.3:6379",
    seed: "127.0.0.1:6379",
    prepare: async (lab) => {
      await lab.fault({ kind: "bus", node: 3, direction: "in", action: "reject" });
      await waitUntilCut(
        lab,
        [
          [1, 3],
          [2, 3],
        ],
        PENDING_MS,
      );
      return healAfter(lab);
    },
  },
  {
    name: "announced-closed",
    description: "node 3 announces bus port 17000, where nothing listens",
    target: "127.0.0.3:6379",
    seed: "127.0.0.1:6379",
    prepare: async (lab) => {
      await lab.fault({ kind: "announce-bus-port", node: 3, port: 17000 });
      await waitUntilCut(
        lab,
        [
          [1, 3],
          [2, 3],
        ],
        PENDING_MS,
      );
      return healAfter(lab);
    },
  },
  {
    name: "client-dropped",
    description: "node 3's client port dropped: preflight cannot even PING it",
    target: "127.0.0.3:6379",
    seed: null,
    prepare: async (lab) => {
      await lab.fault({ kind: "client", node: 3, action: "drop" });
      return healAfter(lab);
    },
  },
  {
    name: "not-joined",
    description: "a fresh cluster-enabled node at 127.0.0.9, never met; node 3's bus port dropped inbound",
    target: "127.0.0.9:6379",
    seed: "127.0.0.2:6379",
    prepare: async (lab) => {
      const stop = await lab.startExtraNode("127.0.0.9", []);
      await lab.fault({ kind: "bus", node: 3, direction: "in", action: "drop" });
      return async () => {
        await stop();
        await healAfter(lab)();
      };
    },
  },
  {
    name: "cluster-disabled",
    description: "a redis-server at 127.0.0.8 without cluster-enabled",
    target: "127.0.0.8:6379",
    seed: null,
    prepare: async (lab) => lab.startExtraNode("127.0.0.8", ["--cluster-enabled", "no"]),
  },
  {
    name: "seed-unreachable",
    description: "a healthy member, but the --cluster seed 127.0.0.7 has no server",
    target: "127.0.0.2:6379",
    seed: "127.0.0.7:6379",
    prepare: async (lab) => healAfter(lab),
  },
];

async function gatherMode(target: string, seed: string, file: string): Promise<void> {
  const connection = { timeoutMs: 1000, user: null, password: null, tls: null };
  const facts = await gatherPreflight({ target: parseHostPort(target, 6379), seed: seed === "-" ? null : parseHostPort(seed, 6379), connection });
  writeFileSync(file, `${JSON.stringify(facts, null, 2)}\n`);
}

async function recordAll(wanted: string[]): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const chosen = wanted.length === 0 ? CASES : CASES.filter((item) => wanted.includes(item.name));
  const lab = await Lab.up({ name: "pf-helper-rec", replicasPerMaster: 0, nodeTimeoutMs: NODE_TIMEOUT_MS }, (line) => console.log(`  lab: ${line}`));
  try {
    for (const item of chosen) {
      console.log(`${item.name}: ${item.description}`);
      const undo = await item.prepare(lab);
      const file = join(OUT, `${item.name}.json`);
      const argv = [process.execPath, "--import", "tsx", SELF, "gather", item.target, item.seed ?? "-", file];
      const result = await lab.exec(argv, { timeoutMs: 60_000 });
      if (result.code !== 0) throw new Error(`gathering ${item.name} failed: ${result.stderr.trim()}`);
      await undo();
    }
  } finally {
    await lab.down();
  }
}

const [mode, ...rest] = process.argv.slice(2);
const run = mode === "gather" ? gatherMode(rest[0] ?? "", rest[1] ?? "-", rest[2] ?? "") : recordAll(process.argv.slice(2));
run.catch((error: unknown) => {
  console.error(`record-preflight-facts: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
