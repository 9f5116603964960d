// The bus-block case that loses keys with redis-cli: 3 masters, no replicas, one master's bus port
// dropped. `redis-cli --cluster check` says slots are uncovered and `--cluster fix
// --cluster-fix-with-unreachable-masters` would give them to the other masters (shown from its own
// output, declined at its prompt, so nothing is changed); busdoctor refuses ADDSLOTS and says why,
// then recovers the cluster by opening the bus and waiting: every key is still there.
import { describe, expect, it } from "vitest";
import { observe, isFlaggedFail, waitFor } from "../support/observe.js";
import { Dataset } from "./support/dataset.js";
import { cli, nodesOf } from "../support/labActions.js";
import { codes, runFix } from "./support/fix.js";
import { useLab } from "./support/lab.js";

const lab = useLab({ name: "e2e-fix-refusal", masters: 3, replicasPerMaster: 0, nodeTimeoutMs: 2000 });
const SEED = "127.0.0.1:6379";
const BLOCKED = "127.0.0.3:6379";

/** Until node 1 has no PING to node 3 pending and heard from it within the last second. */
async function hearsBlockedAgain(): Promise<void> {
  await waitFor("node 1 hears node 3 again", async () => {
    const view = await observe(lab(), 1);
    const entry = view?.entries.find((candidate) => candidate.address === BLOCKED);
    return view !== null && entry !== undefined && entry.pingSentMs === 0 && view.nowMs - entry.pongRecvMs < 1000;
  });
}

describe("busdoctor fix refuses to reassign the slots of a master whose bus is blocked", () => {
  it("redis-cli would ADDSLOTS them; busdoctor refuses, opens the bus, waits, and no key is lost", async () => {
    const dataset = new Dataset(lab());
    try {
      expect(await dataset.write()).toBe(16384);
      const ownerSlots = (await nodesOf(lab(), 3)).find((entry) => entry.myself)?.slots;
      expect(ownerSlots).toEqual([{ start: 10923, end: 16383 }]);

      await lab().fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
      await waitFor("nodes 1 and 2 flag node 3 fail", async () => {
        const views = await Promise.all([1, 2].map((index) => observe(lab(), index)));
        return views.every((view) => view !== null && view.state === "fail" && isFlaggedFail(view, BLOCKED));
      });
      expect((await cli(lab(), 3, ["PING"])).trim()).toBe("PONG");

      // What operators get from redis-cli, from a healthy seed.
      const check = await lab().exec(["redis-cli", "--cluster", "check", SEED], { timeoutMs: 30_000 });
      expect(check.stdout).toContain("[ERR] Not all 16384 slots are covered by nodes.");
      const plain = await lab().exec(["redis-cli", "--cluster", "fix", SEED], { timeoutMs: 30_000 });
      expect(plain.stdout).toContain("Fixing slots coverage with 1 unreachable masters is dangerous");
      // With the flag it plans to cover node 3's slots elsewhere; its prompt is answered with nothing.
      const forced = await lab().exec(["redis-cli", "--cluster", "fix", SEED, "--cluster-fix-with-unreachable-masters"], { timeoutMs: 60_000, input: "" });
      expect(forced.stdout).toContain("The following uncovered slots have no keys across the cluster:");
      expect(forced.stdout).toMatch(/Fix these slots by covering with a random node\? \(type 'yes' to accept\)/);
      expect(forced.stdout).not.toContain(">>> Covering slot");
      // ...and nothing changed: node 3's slots are still its own in the majority's view.
      const seedView = await nodesOf(lab(), 1);
      expect(seedView.find((entry) => entry.address === BLOCKED)?.slots).toEqual([{ start: 10923, end: 16383 }]);

      const plan = await runFix(lab(), [SEED]);
      expect(codes(plan)).toEqual(["ALLOW_PARTIAL_COVERAGE", "ALLOW_READS_WHEN_DOWN", "OPEN_BUS", "WAIT_FOR_RECOVERY"]);
      expect(plan.plan.steps.some((step) => step.class === "data-risk")).toBe(false);
      const refusal = plan.plan.refusals.find((entry) => entry.code === "ADDSLOTS_OWNER_ALIVE");
      expect(refusal?.commands.join("\n")).toContain("--cluster-fix-with-unreachable-masters");
      expect(refusal?.commands.join("\n")).toContain("CLUSTER ADDSLOTSRANGE 10923 16383");
      expect(refusal?.why).toContain(`${BLOCKED}, their owner, is cut off on the bus: it answers on its client port and holds their keys`);
      const partial = plan.plan.steps[0];
      expect(partial).toMatchObject({ class: "mitigation", action: { kind: "config-set", parameter: "cluster-require-full-coverage", value: "no" } });
      expect(partial?.undo).toEqual([
        "redis-cli -h 127.0.0.1 -p 6379 CONFIG SET cluster-require-full-coverage yes",
        "redis-cli -h 127.0.0.2 -p 6379 CONFIG SET cluster-require-full-coverage yes",
      ]);
      expect(plan.code).toBe(1);

      // --apply without --allow-mitigations skips them and stops at the firewall: nothing is changed.
      const early = await runFix(lab(), [SEED, "--apply", "--yes"]);
      expect(early.plan.applied).toMatchObject({ steps: [], skipped: [1, 2], stopped: { step: 3, reason: "operator" } });
      expect((await cli(lab(), 1, ["CONFIG", "GET", "cluster-require-full-coverage"])).trim().split("\n")).toEqual(["cluster-require-full-coverage", "yes"]);

      // With --allow-mitigations: the majority serves the slots it covers until the bus is open again.
      const mitigated = await runFix(lab(), [SEED, "--apply", "--yes", "--allow-mitigations"]);
      expect(mitigated.plan.applied).toMatchObject({ steps: [1, 2], skipped: [], stopped: { step: 3, reason: "operator" } });
      expect((await cli(lab(), 1, ["CLUSTER", "INFO"])).match(/cluster_state:(\w+)/)?.[1]).toBe("ok");
      const covered = (await cli(lab(), 1, ["CLUSTER", "GETKEYSINSLOT", "0", "1"])).trim();
      expect(await cli(lab(), 1, ["EXISTS", covered])).toMatch(/^1/);
      // Each mitigation printed its undo; run it as an operator would.
      for (const line of mitigated.plan.steps.slice(0, 2).flatMap((step) => step.undo)) {
        const [, host, port, ...args] = /^redis-cli -h (\S+) -p (\d+) (.*)$/.exec(line) ?? [];
        expect(await lab().exec(["redis-cli", "-h", host ?? "", "-p", port ?? "", ...(args[0] ?? "").split(" ")])).toMatchObject({ code: 0 });
      }
      expect((await cli(lab(), 2, ["CONFIG", "GET", "cluster-require-full-coverage"])).trim().split("\n")).toEqual(["cluster-require-full-coverage", "yes"]);
      expect((await cli(lab(), 3, ["CONFIG", "GET", "cluster-allow-reads-when-down"])).trim().split("\n")).toEqual(["cluster-allow-reads-when-down", "no"]);

      await lab().heal();
      await hearsBlockedAgain();
      const applied = await runFix(lab(), [SEED, "--apply", "--yes"]);
      const appliedCodes = applied.plan.applied?.steps.map((number) => applied.plan.steps[number - 1]?.code);
      expect(appliedCodes?.every((code) => code === "WAIT_FOR_RECOVERY")).toBe(true);
      expect(applied.plan.applied).toMatchObject({ stopped: null, remaining: [] });
      expect(applied.code).toBe(0);
      expect(await dataset.verify()).toMatchObject({ total: 16384, lost: 0, changed: 0 });
    } finally {
      dataset.dispose();
    }
  });

  it("a bus opened again right after FAIL: the plan is to wait until Redis clears it, and only the wait is applied", async () => {
    const dataset = new Dataset(lab());
    try {
      expect(await dataset.write()).toBe(16384);
      // A longer node timeout (2 x 5 s before Redis clears FAIL of a master that kept its slots) leaves
      // time to plan while Redis is still catching up.
      for (const index of [1, 2, 3]) await cli(lab(), index, ["CONFIG", "SET", "cluster-node-timeout", "5000"]);
      await lab().fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
      await waitFor(
        "nodes 1 and 2 flag node 3 fail",
        async () => {
          const views = await Promise.all([1, 2].map((index) => observe(lab(), index)));
          return views.every((view) => view !== null && isFlaggedFail(view, BLOCKED));
        },
        30_000,
      );
      await lab().heal();
      await hearsBlockedAgain();
      const applied = await runFix(lab(), [SEED, "--apply", "--yes"]);
      expect(applied.plan.phase.name).toBe("recovering");
      expect(codes(applied)).toEqual(["WAIT_FOR_RECOVERY"]);
      expect(applied.plan.applied).toMatchObject({ steps: [1], stopped: null, remaining: [] });
      expect(applied.code).toBe(0);
      expect(await dataset.verify()).toMatchObject({ total: 16384, lost: 0, changed: 0 });
    } finally {
      dataset.dispose();
    }
  });
});
