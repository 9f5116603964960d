// Records the phase fixtures the diagnosis unit tests replay: real `busdoctor check --record` runs (with
// their second look when one snapshot could not decide) on an 8-node lab (4 masters, 4 replicas, node
// timeout 2000 ms, at 127.0.0.11-18 so busdoctor's own address is no node's), taken in the first
// second of a fault, once Redis settled, and in the seconds after a heal. Run as root after
// `npm run build`:  npx tsx scripts/record-phase-snapshots.ts [case ...]
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { redisCli } from "../src/lab/cluster.js";
import { Lab } from "../src/lab/lab.js";
import { isFlaggedFail, observe, waitFor, waitUntilCut } from "../test/support/observe.js";
import { configSet, rejoin, replicaOf, resetHard, restoreLab, sleep, until } from "../test/e2e/support/check.js";

const OUT = join(import.meta.dirname, "..", "test", "fixtures", "v7.0.15", "phases");
const AT_ONCE_MS = 300;
const ONE_WAY_ROUNDS = 4;

async function record(lab: Lab, file: string, seeds: string[]): Promise<string> {
  const path = join(OUT, `${file}.json`);
  const result = await lab.runBusdoctor(["check", ...seeds, "--timeout", "1000", "--json", "--record", path], { timeoutMs: 60_000 });
  if (result.timedOut || result.stdout === "") throw new Error(`check failed for ${file}: ${result.stderr.trim()}`);
  const report = JSON.parse(result.stdout) as { phase: { name: string }; rootCause: { code: string } | null; coverage: { looks: { count: number } } };
  console.log(`  ${file}: exit ${result.code}, ${report.rootCause?.code ?? "no root cause"}, ${report.phase.name}, ${report.coverage.looks.count} look(s)`);
  return report.phase.name;
}

const links = (lab: Lab, node: number): Array<[number, number]> =>
  lab.nodes
    .filter((other) => other.index !== node)
    .flatMap(
      (other): Array<[number, number]> => [
        [other.index, node],
        [node, other.index],
      ],
    );

const CASES: Record<string, (lab: Lab) => Promise<void>> = {
  async "two-masters"(lab) {
    const start = Date.now();
    await lab.fault({ kind: "bus", node: 2, direction: "both", action: "drop" });
    await lab.fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
    await until(start, AT_ONCE_MS);
    await record(lab, "two-masters.at-once", [lab.node(1).endpoint]);
    await waitUntilCut(lab, [...links(lab, 2), ...links(lab, 3)], 2500);
    await sleep(2000);
    await record(lab, "two-masters.settled", [lab.node(1).endpoint]);
    await record(lab, "two-masters.settled.seed-blocked", [lab.node(3).endpoint]);
  },
  async "fresh-block"(lab) {
    const start = Date.now();
    await lab.fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
    await until(start, AT_ONCE_MS);
    await record(lab, "fresh-block.at-once", [lab.node(1).endpoint]);
  },
  /**
   * Node 3's bus blocked one way, recorded 0.3 s in (check's second look follows 2 s later), a few
   * times over: in the second look a node cut outbound can still show one peer healthy both ways (a
   * PING in flight, the PONG time gossip carried), and the rows must tell its cut anyway.
   */
  async "one-way"(lab) {
    for (const direction of ["in", "out"] as const) {
      for (let round = 1; round <= ONE_WAY_ROUNDS; round += 1) {
        const start = Date.now();
        await lab.fault({ kind: "bus", node: 3, direction, action: "drop" });
        await until(start, AT_ONCE_MS);
        await record(lab, `one-way-${direction}.at-once.${round}`, [lab.node(1).endpoint]);
        await restoreLab(lab);
      }
    }
  },
  async "outside-bus"(lab) {
    await lab.fault({ kind: "outside", node: 3, port: "bus", action: "drop" });
    await sleep(AT_ONCE_MS);
    await record(lab, "outside-bus", [lab.node(1).endpoint]);
  },
  async "outside-client"(lab) {
    await lab.fault({ kind: "outside", node: 3, port: "client", action: "drop" });
    await sleep(AT_ONCE_MS);
    await record(lab, "outside-client", [lab.node(1).endpoint]);
  },
  async partition(lab) {
    const start = Date.now();
    await lab.fault({
      kind: "partition",
      groups: [
        [1, 2, 5],
        [3, 4, 6, 7, 8],
      ],
      action: "drop",
    });
    await until(start, AT_ONCE_MS);
    await record(lab, "partition.at-once", [lab.node(4).endpoint]);
  },
  async killed(lab) {
    await killAndRecord(lab, "killed.at-once");
    await untilNode3Failed(lab, "a replica took over the slots of node 3", true);
    await sleep(500);
    await record(lab, "killed.failed-over", [lab.node(1).endpoint]);
  },
  /**
   * After a failover Redis converges within a second or two of a heal (the old master rejoins as a
   * replica at once), so the check right after it usually finds the cluster settled again.
   */
  async "heal-after-failover"(lab) {
    await lab.fault({ kind: "bus", node: 2, direction: "both", action: "drop" });
    await waitFor("node 2 is failed over", async () => {
      const view = await observe(lab, 1);
      return view !== null && isFlaggedFail(view, lab.node(2).endpoint) && view.state === "ok";
    });
    await record(lab, "heal-after-failover.before", [lab.node(1).endpoint]);
    const healed = Date.now();
    await lab.heal();
    await until(healed, AT_ONCE_MS);
    await record(lab, "heal-after-failover.plus-0.3s", [lab.node(1).endpoint]);
  },
  /**
   * A master and its replica blocked until the master is flagged FAIL (no replica can take over), then
   * healed at once: the master kept its slots, so peers clear its FAIL only 2 x node timeout after it
   * was set, and meanwhile its slots are uncovered and cluster_state:fail everywhere. Run at node
   * timeout 6000 ms (CONFIG SET on every node) so that the check and its second look fall inside.
   */
  async "heal-after-fail"(lab) {
    await setNodeTimeout(lab, 6000);
    try {
      const view = await observe(lab, 1);
      const masterId = view?.entries.find((entry) => entry.address === lab.node(2).endpoint)?.id;
      const replica = lab.nodes.find((node) => view?.entries.find((entry) => entry.address === node.endpoint)?.masterId === masterId);
      if (!replica) throw new Error("node 2 has no replica");
      await lab.fault({ kind: "bus", node: 2, direction: "both", action: "drop" });
      await lab.fault({ kind: "bus", node: replica.index, direction: "both", action: "drop" });
      await waitFor("node 2 is flagged fail", async () => {
        const now = await observe(lab, 1);
        return now !== null && isFlaggedFail(now, lab.node(2).endpoint);
      });
      await record(lab, "heal-after-fail.before", [lab.node(1).endpoint]);
      const healed = Date.now();
      await lab.heal();
      await until(healed, AT_ONCE_MS);
      await record(lab, "heal-after-fail.plus-0.3s", [lab.node(1).endpoint]);
      await until(healed, 20_000);
      await record(lab, "heal-after-fail.plus-20s", [lab.node(1).endpoint]);
    } finally {
      await setNodeTimeout(lab, 2000);
    }
  },
  /**
   * The only replica of node 3 set to `cluster-replica-no-failover yes` (its CLUSTER NODES line then
   * reads `slave,nofailover`), then node 3 killed: Redis flags it FAIL and nobody takes over. Recorded at
   * once, right after FAIL (when a failover would be next) and once settled.
   */
  async "no-failover"(lab) {
    const replica = await replicaOf(lab, 3);
    await configSet(lab, replica, "cluster-replica-no-failover", "yes");
    try {
      await sleep(1000); // the flag reaches the peers with the next gossip
      const start = await killAndRecord(lab, "no-failover.at-once");
      await untilNode3Failed(lab, "node 3 is flagged fail", false);
      await record(lab, "no-failover.flagged", [lab.node(1).endpoint]);
      await until(start, 4 * 2000 + 2000);
      await record(lab, "no-failover.settled", [lab.node(1).endpoint]);
    } finally {
      await configSet(lab, replica, "cluster-replica-no-failover", "no");
    }
  },
  /**
   * A replica that forgot the cluster (CLUSTER RESET HARD: a new id, no peers, cluster_state:fail): Redis
   * never brings it back by itself. Recorded past 3 x node timeout from a healthy seed plus the reset
   * node, and from the reset node alone; then met again, made the replica it was, and its old id forgotten.
   */
  async "reset-replica"(lab) {
    const reset = await resetHard(lab, await replicaOf(lab, 3));
    await sleep(3 * 2000 + 2000);
    await record(lab, "reset-replica.settled", [lab.node(1).endpoint, reset.node.endpoint]);
    await record(lab, "reset-replica.settled.seed-reset", [reset.node.endpoint]);
    await rejoin(lab, reset);
  },
};

/** Kills node 3 and records a check from node 1 0.3 s later; returns when the kill began. */
async function killAndRecord(lab: Lab, file: string): Promise<number> {
  const start = Date.now();
  await lab.kill(3);
  await until(start, AT_ONCE_MS);
  await record(lab, file, [lab.node(1).endpoint]);
  return start;
}

/** Until node 1's view flags node 3 fail (and, with `servedAgain`, reports cluster_state:ok again). */
async function untilNode3Failed(lab: Lab, what: string, servedAgain: boolean): Promise<void> {
  await waitFor(what, async () => {
    const view = await observe(lab, 1);
    return view !== null && isFlaggedFail(view, lab.node(3).endpoint) && (!servedAgain || view.state === "ok");
  });
}

async function setNodeTimeout(lab: Lab, ms: number): Promise<void> {
  for (const node of lab.nodes) {
    const reply = await redisCli(lab.cli, node, ["config", "set", "cluster-node-timeout", String(ms)]);
    if (!reply.ok) throw new Error(`CONFIG SET cluster-node-timeout on ${node.endpoint}: ${reply.error}`);
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const wanted = process.argv.slice(2);
  const chosen = Object.keys(CASES).filter((name) => wanted.length === 0 || wanted.includes(name));
  const lab = await Lab.up({ name: "rec-phases", masters: 4, replicasPerMaster: 1, nodeTimeoutMs: 2000, baseAddress: "127.0.0.11" });
  try {
    for (const name of chosen) {
      console.log(name);
      await CASES[name]?.(lab);
      await restoreLab(lab);
    }
  } finally {
    await lab.down();
  }
}

main().catch((error: unknown) => {
  console.error(`record-phase-snapshots: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
