// Records test/fixtures/<server>-<version>/snapshots/*.json, the per-version fixtures the parser and
// diagnosis unit tests read (test/unit/compat/), from real 6-node clusters of each server in a lab:
//   <core scenario>.json         every core scenario of the compatibility matrix (test/support/compat.ts),
//                                one lab going through them in order, healed in between
//   announced-healthy.json       hostnames (Redis 7.0+, Valkey) and, on Valkey 8+, client addresses
//   announced-bus-blocked.json   (cluster-announce-client-ipv4) apart from the bus addresses; then
//                                node 3's bus port dropped both ways
//   ipv6-healthy.json            the same cluster on IPv6 unique-local addresses,
//   ipv6-bus-blocked.json        then node 3's bus port dropped both ways
//   tls-healthy.json             servers built with TLS only: TLS on the client port, the bus and
//   tls-bus-blocked.json         replication, then node 3's TLS bus port dropped both ways
//   partition-2-4.failed-over.json   the core scenarios' partition once a replica on the majority side
//   (.seed-faulty, .plus-5s,     took over the slots of node 2, which still claims them on its own side:
//    .rule-lifted, .healed)      right after, from node 2, 5 s later, with a second rule inside the
//                                majority lifted between check's two looks, and with the partition
//                                lifted between them (see recordPartitionFailedOver)
// Each is `busdoctor check --record` run inside the lab, from a healthy seed unless named .seed-faulty:
// the replies exactly as the collector gets them. Run as root after `npm run build`:
//   npx tsx scripts/record-compat-fixtures.ts [--only PART] [SERVER ...]
// SERVER is a redis-server, its folder, or a folder of such folders; by default ../shared/redis-servers
// (if there) and the redis-server on PATH. PART (core, announced, ipv6, tls, partition-failed-over)
// records that part alone over its files; without it, each server's folder is recorded anew. With
// BUSDOCTOR_E2E_LOCK=/tmp/busdoctor-e2e.lock each lab takes the shared e2e lock for its own run.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { analyze } from "../src/diagnose/analyze/index.js";
import { isLinkBroken } from "../src/diagnose/analyze/linkState.js";
import { lookSnapshot } from "../src/diagnose/looks.js";
import { LAB_NFT_TABLE, nftRules, type NetworkFault } from "../src/lab/faults.js";
import { Lab, type LabOptions } from "../src/lab/index.js";
import { findOnPath } from "../src/lab/preconditions.js";
import { detectLabServer } from "../src/lab/programs.js";
import type { ClusterAnalysis } from "../src/model/analysis.js";
import { parseSnapshot } from "../src/parse/snapshot.js";
import { takeE2eLock } from "../test/e2e/support/lock.js";
import { compatServers, runCoreScenarios } from "../test/support/compat.js";
import { isFlaggedFail, observe, viewedEndpoint, waitFor, waitUntilCut } from "../test/support/observe.js";
import { SCENARIO_NODE_TIMEOUT_MS, scenario } from "../test/support/scenarios.js";

const REPO = join(import.meta.dirname, "..");
const SHARED_SERVERS = join(REPO, "..", "shared", "redis-servers");
const BLOCKED = scenario("bus-blocked-both");
const PARTITION = scenario("partition-2-4");
/** The partition's minority side ({2,5}); the majority is every other node. */
const MINORITY = PARTITION.faulty;
const PARTS = ["core", "announced", "ipv6", "tls", "partition-failed-over"] as const;
type Part = (typeof PARTS)[number];

async function record(lab: Lab, dir: string, name: string, seed: string): Promise<string> {
  const file = join(dir, `${name}.json`);
  const args = ["check", seed, "--timeout", "1000", "--json", "--record", file, ...lab.tlsArgs];
  const result = await lab.runBusdoctor(args, { timeoutMs: 60_000 });
  if (result.code === 3 || result.timedOut || !existsSync(file)) throw new Error(`check failed for ${name}: ${result.stderr.trim()}`);
  console.log(`  ${name}: exit ${result.code}`);
  return file;
}

/** One lab of `server` with `options`, under the shared lock, always taken down. */
async function withLab(server: string, options: LabOptions, use: (lab: Lab) => Promise<void>): Promise<void> {
  const release = await takeE2eLock();
  try {
    const lab = await Lab.up({ name: "rec-compat", server, nodeTimeoutMs: SCENARIO_NODE_TIMEOUT_MS, ...options });
    try {
      await use(lab);
    } finally {
      await lab.down();
    }
  } finally {
    release();
  }
}

/** healthy, then node 3's bus port dropped both ways (recorded while pings are pending, before FAIL). */
async function recordPair(lab: Lab, dir: string, prefix: string): Promise<void> {
  await record(lab, dir, `${prefix}-healthy`, lab.node(1).endpoint);
  await BLOCKED.inject(lab);
  await BLOCKED.settle(lab);
  await record(lab, dir, `${prefix}-bus-blocked`, lab.node(1).endpoint);
}

/**
 * A fault in a base chain of its own in the lab's table, so that it can be lifted while the lab's other
 * rules stay (`lab.heal()` still removes it with the table).
 */
const LIFTABLE_CHAIN = `inet ${LAB_NFT_TABLE} liftable`;

async function nft(lab: Lab, script: string): Promise<void> {
  const result = await lab.exec(["nft", "-f", "-"], { input: script, timeoutMs: 10_000 });
  if (result.code !== 0) throw new Error(`nft: ${result.stderr.trim()}`);
}

async function addLiftable(lab: Lab, fault: NetworkFault): Promise<void> {
  const rules = nftRules(fault, { addresses: lab.nodes.map((node) => node.address), port: lab.options.port, clusterPort: lab.options.clusterPort });
  await nft(
    lab,
    [
      `add table inet ${LAB_NFT_TABLE}`,
      `add chain ${LIFTABLE_CHAIN} { type filter hook input priority 0; policy accept; }`,
      ...rules.map((rule) => `add rule ${LIFTABLE_CHAIN} ${rule}`),
      "",
    ].join("\n"),
  );
}

async function lift(lab: Lab): Promise<void> {
  await nft(lab, `flush chain ${LIFTABLE_CHAIN}\ndelete chain ${LIFTABLE_CHAIN}\n`);
}

function majorityOf(lab: Lab): number[] {
  return lab.nodes.map((node) => node.index).filter((index) => !MINORITY.includes(index));
}

/** Check's first look is done about 1.5 s after it starts (a second to probe the cut bus ports); its second comes 2 s after that. */
const CHANGE_AFTER_MS = 2000;

type Pair = [observer: number, peer: number];

/** Whether `analysis` reads the cell of lab node `observer` for lab node `peer` as broken. */
function isBroken(lab: Lab, analysis: ClusterAnalysis, [observer, peer]: Pair): boolean {
  const cell = analysis.links.find((candidate) => candidate.observer === viewedEndpoint(lab, observer) && candidate.peer === viewedEndpoint(lab, peer));
  return cell !== undefined && isLinkBroken(cell.state, { pendingMs: analysis.pendingThresholdMs, pongStaleMs: analysis.pongStaleThresholdMs });
}

/**
 * Records `name` from node 1 while `change` runs between check's two looks, until the recording shows
 * it (`shows`, of the first look's analysis and the second's); `prepare` makes the state to change again.
 */
async function recordChangeBetweenLooks(
  lab: Lab,
  dir: string,
  name: string,
  steps: { prepare(attempt: number): Promise<void>; change(): Promise<void>; shows(first: ClusterAnalysis, second: ClusterAnalysis): boolean },
): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    await steps.prepare(attempt);
    const checked = record(lab, dir, name, lab.node(1).endpoint);
    await sleep(CHANGE_AFTER_MS);
    await steps.change();
    const snapshot = parseSnapshot(readFileSync(await checked, "utf8"));
    if (snapshot.firstLook && steps.shows(analyze(lookSnapshot(snapshot, snapshot.firstLook)), analyze(snapshot))) return;
    console.log(`  (attempt ${attempt}: the change did not show between the two looks; again)`);
  }
  throw new Error(`${name}: never caught the change between check's two looks`);
}

/**
 * The partition of the core scenarios, {2,5} cut from {1,3,4,6}, once a replica on the majority side
 * took over the slots of node 2 (a master on the minority side): the majority flags node 2 FAIL and is
 * ok again, while node 2 still claims those slots in its own view. Recorded right after the failover
 * (from node 1 and from node 2), 5 s later, then with a change between check's two looks:
 * - `.rule-lifted`: a replica on the majority side had its bus port refuse its peers, a rule lifted
 *   between the looks: links inside the majority answer again while every link across the partition
 *   stays cut. That is how a standing partition came to be read as recovering in the compatibility
 *   matrix (where PINGs still pending from its previous scenario, node 3's inbound bus dropped then
 *   lifted, can be answered between the partition's two looks). Refused rather than dropped, so that
 *   the links answer at once when lifted (a dropped connection waits for its next TCP retransmission).
 * - `.healed`: the partition itself lifted between the looks: links across it answer again.
 */
async function recordPartitionFailedOver(lab: Lab, dir: string): Promise<void> {
  const cutOff = async (): Promise<void> => {
    await PARTITION.inject(lab);
    await PARTITION.settle(lab);
    await waitFor("a replica on the majority side took over the slots of node 2", async () => {
      const view = await observe(lab, 1);
      return view !== null && isFlaggedFail(view, viewedEndpoint(lab, 2)) && view.state === "ok";
    });
  };
  await cutOff();
  await record(lab, dir, "partition-2-4.failed-over", lab.node(1).endpoint);
  await record(lab, dir, "partition-2-4.failed-over.seed-faulty", lab.node(2).endpoint);
  await sleep(5000);
  await record(lab, dir, "partition-2-4.failed-over.plus-5s", lab.node(1).endpoint);

  const majority = majorityOf(lab);
  const across = MINORITY.flatMap((a) =>
    majority.flatMap((b): Pair[] => [
      [a, b],
      [b, a],
    ]),
  );
  // A replica on the majority side: its FAIL flag (Redis 6.2 flags a one-way block) clears at once, and no failover follows.
  const view = await observe(lab, 1);
  const lifted = majority.find((index) => view?.entries.find((entry) => entry.address === viewedEndpoint(lab, index))?.role === "slave");
  if (lifted === undefined) throw new Error("no replica on the majority side");
  const towardsLifted = majority.filter((index) => index !== lifted).map((index): Pair => [index, lifted]);
  await recordChangeBetweenLooks(lab, dir, "partition-2-4.failed-over.rule-lifted", {
    async prepare() {
      await addLiftable(lab, { kind: "bus", node: lifted, direction: "in", action: "reject" });
      await waitUntilCut(lab, towardsLifted, 1100);
    },
    change: () => lift(lab),
    shows: (first, second) =>
      across.every((pair) => isBroken(lab, first, pair) && isBroken(lab, second, pair)) &&
      towardsLifted.every((pair) => isBroken(lab, first, pair) && !isBroken(lab, second, pair)),
  });

  await recordChangeBetweenLooks(lab, dir, "partition-2-4.failed-over.healed", {
    // A failed attempt healed the partition: the old master rejoined as a replica, so cut it off again first.
    prepare: async (attempt) => (attempt > 1 ? cutOff() : undefined),
    change: () => lab.heal(),
    shows: (first, second) => across.every((pair) => isBroken(lab, first, pair)) && across.some((pair) => !isBroken(lab, second, pair)),
  });
}

async function recordServer(server: string, only: Part | null): Promise<void> {
  const { profile } = await detectLabServer(server, false);
  const dir = join(REPO, "test", "fixtures", `${profile.flavor}-${profile.version}`, "snapshots");
  console.log(`${server}: ${profile.flavor} ${profile.version} -> ${dir}`);
  if (only === null) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const wanted = (part: Part): boolean => only === null || only === part;
  if (wanted("core")) {
    await withLab(server, {}, (lab) =>
      runCoreScenarios(lab, async ({ scenario: { name } }, seed) => {
        await record(lab, dir, name, seed);
      }),
    );
  }
  if (wanted("announced") && (profile.hostnames || profile.clientAnnounce)) {
    await withLab(server, { hostnames: profile.hostnames, clientAnnounce: profile.clientAnnounce }, (lab) => recordPair(lab, dir, "announced"));
  }
  if (wanted("ipv6")) await withLab(server, { ipv6: true }, (lab) => recordPair(lab, dir, "ipv6"));
  const tls =
    wanted("tls") &&
    (await detectLabServer(server, true).then(
      () => true,
      () => false,
    ));
  if (tls) await withLab(server, { tls: true }, (lab) => recordPair(lab, dir, "tls"));
  if (wanted("partition-failed-over")) await withLab(server, {}, (lab) => recordPartitionFailedOver(lab, dir));
}

function parseArgs(argv: readonly string[]): { only: Part | null; given: string[] } {
  const at = argv.indexOf("--only");
  if (at < 0) return { only: null, given: [...argv] };
  const part = argv[at + 1];
  const only = PARTS.find((candidate) => candidate === part);
  if (only === undefined) throw new Error(`--only takes one of ${PARTS.join(", ")}`);
  return { only, given: argv.filter((_, index) => index !== at && index !== at + 1) };
}

async function main(): Promise<void> {
  const { only, given } = parseArgs(process.argv.slice(2));
  const servers = compatServers(
    given.length > 0 ? given.join(":") : existsSync(SHARED_SERVERS) ? SHARED_SERVERS : "",
    given.length > 0 ? null : findOnPath("redis-server"),
  );
  for (const server of servers) await recordServer(server, only);
}

main().catch((error: unknown) => {
  console.error(`record-compat-fixtures: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
