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
// Each is `busdoctor check --record` run inside the lab from a healthy seed: the replies exactly as the
// collector gets them. Run as root after `npm run build`:
//   npx tsx scripts/record-compat-fixtures.ts [SERVER ...]
// SERVER is a redis-server, its folder, or a folder of such folders; by default ../shared/redis-servers
// (if there) and the redis-server on PATH. With BUSDOCTOR_E2E_LOCK=/tmp/busdoctor-e2e.lock each lab
// takes the shared e2e lock for its own run.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Lab, type LabOptions } from "../src/lab/index.js";
import { findOnPath } from "../src/lab/preconditions.js";
import { detectLabServer } from "../src/lab/programs.js";
import { takeE2eLock } from "../test/e2e/support/lock.js";
import { compatServers, runCoreScenarios } from "../test/support/compat.js";
import { SCENARIO_NODE_TIMEOUT_MS, scenario } from "../test/support/scenarios.js";

const REPO = join(import.meta.dirname, "..");
const SHARED_SERVERS = join(REPO, "..", "shared", "redis-servers");
const BLOCKED = scenario("bus-blocked-both");

async function record(lab: Lab, dir: string, name: string, seed: string): Promise<void> {
  const file = join(dir, `${name}.json`);
  const args = ["check", seed, "--timeout", "1000", "--json", "--record", file, ...lab.tlsArgs];
  const result = await lab.runBusdoctor(args, { timeoutMs: 60_000 });
  if (result.code === 3 || result.timedOut || !existsSync(file)) throw new Error(`check failed for ${name}: ${result.stderr.trim()}`);
  console.log(`  ${name}: exit ${result.code}`);
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

async function recordServer(server: string): Promise<void> {
  const { profile } = await detectLabServer(server, false);
  const dir = join(REPO, "test", "fixtures", `${profile.flavor}-${profile.version}`, "snapshots");
  console.log(`${server}: ${profile.flavor} ${profile.version} -> ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await withLab(server, {}, (lab) => runCoreScenarios(lab, ({ scenario: { name } }, seed) => record(lab, dir, name, seed)));
  if (profile.hostnames || profile.clientAnnounce) {
    await withLab(server, { hostnames: profile.hostnames, clientAnnounce: profile.clientAnnounce }, (lab) => recordPair(lab, dir, "announced"));
  }
  await withLab(server, { ipv6: true }, (lab) => recordPair(lab, dir, "ipv6"));
  const tls = await detectLabServer(server, true).then(
    () => true,
    () => false,
  );
  if (tls) await withLab(server, { tls: true }, (lab) => recordPair(lab, dir, "tls"));
}

async function main(): Promise<void> {
  const given = process.argv.slice(2);
  const servers = compatServers(
    given.length > 0 ? given.join(":") : existsSync(SHARED_SERVERS) ? SHARED_SERVERS : "",
    given.length > 0 ? null : findOnPath("redis-server"),
  );
  for (const server of servers) await recordServer(server);
}

main().catch((error: unknown) => {
  console.error(`record-compat-fixtures: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
