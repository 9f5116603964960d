// busdoctor fix on one real 6-node cluster (3 masters, 3 replicas), incident after incident, each
// with the data check: one key in every hash slot written before, every key read back after
// `fix --apply`: zero lost, zero changed. The CLI runs inside the lab's namespace as a user would.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observe, isCut, isFlaggedFail, waitFor } from "../support/observe.js";
import { scenario, SCENARIO_NODE_TIMEOUT_MS } from "../support/scenarios.js";
import { Dataset } from "./support/dataset.js";
import { cli, forgetEverywhere, idOf, indexAt, interruptedReshard, nodesOf, replicas } from "../support/labActions.js";
import { codes, createFixUser, expectReadOnly, recordedBy, runFix } from "./support/fix.js";
import { useLab } from "./support/lab.js";

const lab = useLab({ name: "e2e-fix", nodeTimeoutMs: SCENARIO_NODE_TIMEOUT_MS });
const SEED = "127.0.0.1:6379";
let dataset: Dataset;
const scratch = mkdtempSync(join(tmpdir(), "busdoctor-fix-e2e-"));

beforeAll(async () => {
  dataset = new Dataset(lab());
  expect(await dataset.write()).toBe(16384);
});

afterAll(() => {
  dataset.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

async function expectNoKeyLost(): Promise<void> {
  const check = await dataset.verify();
  expect(check).toMatchObject({ total: 16384, lost: 0, changed: 0 });
}

/** Until no answering node's view has a ping to `peer` pending or flags it fail?: the bus is open again. */
async function waitBusOpen(peer: number): Promise<void> {
  const others = lab()
    .nodes.filter((node) => node.index !== peer)
    .map((node) => node.index);
  await waitFor(`every view hears node ${peer} again`, async () => {
    const views = await Promise.all(others.map((index) => observe(lab(), index)));
    return views.every((view) => view !== null && !isCut(view, lab().node(peer).endpoint, 500));
  });
}

describe("busdoctor fix on a real cluster, with a data check after each incident", () => {
  it("bus blocked then opened: the plan is the firewall rule and a wait; only the wait is applied", async () => {
    const blocked = scenario("bus-blocked-both-failed-over");
    await blocked.inject(lab());
    await blocked.settle(lab());

    // host-audit on node 3's "host" (the lab's namespace) reads the firewall that blocks its bus.
    const audit = await lab().runBusdoctor(["host-audit", "127.0.0.3:6379", "--source", "127.0.0.3", "--json"], { timeoutMs: 30_000 });
    const auditFile = join(scratch, "audit-3.json");
    writeFileSync(auditFile, audit.stdout);

    const { value: plan, commands } = await recordedBy(lab(), 3, () => runFix(lab(), [SEED, "--host-audit", auditFile]));
    expectReadOnly(commands);
    expect(codes(plan)).toEqual(["OPEN_BUS", "WAIT_FOR_RECOVERY"]);
    const [open, wait] = plan.plan.steps;
    expect(open).toMatchObject({ class: "safe", by: "operator", targets: ["127.0.0.3:6379"], action: null });
    const deletions = open?.commands.filter((line) => line.startsWith("nft delete rule inet busdoctor_lab input handle")) ?? [];
    expect(deletions).toHaveLength(2);
    // The generic rules come next: both directions, only between the nodes' own addresses.
    const generic = open?.alternatives.find((alternative) => alternative.where === "nftables on the host of 127.0.0.3")?.lines.join("\n");
    expect(generic).toMatch(/input ip saddr \{ 127\.0\.0\.1, 127\.0\.0\.2, 127\.0\.0\.4, 127\.0\.0\.5, 127\.0\.0\.6 \} tcp dport 16379 accept/);
    expect(generic).toMatch(/output ip daddr \{ [0-9., ]+ \} tcp dport 16379 accept/);
    expect(JSON.stringify(plan.plan)).not.toMatch(/0\.0\.0\.0\/0[^)]/);
    expect(wait).toMatchObject({ class: "safe", by: "busdoctor", action: { kind: "wait", forMs: 2 * SCENARIO_NODE_TIMEOUT_MS } });
    expect(plan.plan.notes.join("\n")).toMatch(/127\.0\.0\.3:6379 \(configEpoch \d+\) still claims slots 10923-16383/);
    expect(plan.code).toBe(1);

    // --apply while the bus is still blocked: nothing to run before the firewall step, which is a person's.
    const early = await runFix(lab(), [SEED, "--apply", "--yes"]);
    expect(early.plan.applied).toMatchObject({ steps: [], stopped: { step: 1, reason: "operator" } });

    // The operator runs exactly what step 1 says; the bus opens.
    for (const line of deletions) expect(await lab().exec(line.split("#")[0]?.trim().split(/\s+/) ?? [])).toMatchObject({ code: 0 });
    await waitBusOpen(3);
    await lab().heal();
    const applied = await runFix(lab(), [SEED, "--apply", "--yes"]);
    const appliedCodes = applied.plan.applied?.steps.map((number) => applied.plan.steps[number - 1]?.code);
    expect(appliedCodes?.every((code) => code === "WAIT_FOR_RECOVERY")).toBe(true);
    expect(codes(applied).every((code) => code === "WAIT_FOR_RECOVERY")).toBe(true);
    expect(applied.plan.applied).toMatchObject({ stopped: null, remaining: [] });
    expect(applied.code).toBe(0);
    await lab().waitUntilSettled(30_000);
    await expectNoKeyLost();
  });

  it("a replica forgotten by all its peers: MEET from each of them, with the minimal ACL, and it rejoins", async () => {
    const [forgotten] = await replicas(lab(), 1);
    if (forgotten === undefined) throw new Error("no replica to forget");
    const others = lab()
      .nodes.map((node) => node.index)
      .filter((index) => index !== forgotten);
    await forgetEverywhere(lab(), forgotten, others);
    const auth = await createFixUser(
      lab(),
      lab().nodes.map((node) => node.index),
      join(scratch, "fix.pass"),
    );
    const address = lab().node(forgotten).endpoint;

    const plan = await runFix(lab(), [SEED, address, ...auth]);
    expect(codes(plan)).toEqual(["MEET_NODE"]);
    expect([...(plan.plan.steps[0]?.targets ?? [])].sort()).toEqual(others.map((index) => lab().node(index).endpoint).sort());
    expect(plan.plan.steps[0]?.preconditions.slice(0, 2).map((check) => [check.kind, check.holdsNow])).toEqual([
      ["answers-as", true],
      ["knows-ids", true],
    ]);

    const applied = await runFix(lab(), [SEED, address, "--apply", "--yes", ...auth]);
    expect(applied.plan.applied).toMatchObject({ steps: [1], stopped: null, remaining: [] });
    expect(applied.code).toBe(0);
    const id = await idOf(lab(), forgotten);
    for (const index of others) expect((await nodesOf(lab(), index)).some((entry) => entry.id === id && !entry.flags.includes("handshake"))).toBe(true);
    await expectNoKeyLost();
  });

  it("a ghost of a removed host: FORGET on every node within seconds", async () => {
    const [removed] = await replicas(lab(), 2);
    if (removed === undefined) throw new Error("no replica to remove");
    const id = await idOf(lab(), removed);
    await lab().kill(removed);
    const others = lab()
      .nodes.map((node) => node.index)
      .filter((index) => index !== removed);
    await waitFor("every view flags the removed node fail", async () => {
      const views = await Promise.all(others.map((index) => observe(lab(), index)));
      return views.every((view) => view !== null && isFlaggedFail(view, lab().node(removed).endpoint));
    });

    const plan = await runFix(lab(), [SEED]);
    expect(codes(plan)).toEqual(["FORGET_GHOST"]);
    expect(plan.plan.steps[0]?.action).toEqual({ kind: "forget", nodeId: id });

    const applied = await runFix(lab(), [SEED, "--apply", "--yes"]);
    expect(applied.plan.applied).toMatchObject({ steps: [1], stopped: null, remaining: [] });
    for (const index of others) expect((await nodesOf(lab(), index)).some((entry) => entry.id === id)).toBe(false);
    await expectNoKeyLost();
  });

  it("a slot left open by an interrupted redis-cli --cluster reshard: SETSLOT STABLE, the only SETSLOT sent", async () => {
    const view = await nodesOf(lab(), 1);
    const live = lab()
      .nodes.map((node) => node.index)
      .filter((index) => view.some((entry) => entry.address === lab().node(index).endpoint && !entry.flags.includes("fail")));
    const { slot, source, target, output } = await interruptedReshard(lab(), 1, live);
    expect(output).toContain("NOPERM");
    expect(await cli(lab(), indexAt(lab(), source.address), ["CLUSTER", "NODES"])).toContain(`[${slot}->-${target.id}]`);

    const plan = await runFix(lab(), [SEED]);
    expect(codes(plan)).toEqual(["CLOSE_OPEN_SLOT"]);
    expect(plan.plan.basedOn.earlierTakenAtMs).not.toBeNull();
    expect(plan.plan.steps[0]?.targets).toEqual([target.address, source.address]);

    const sourceIndex = indexAt(lab(), source.address);
    const { value: applied, commands } = await recordedBy(lab(), sourceIndex, () => runFix(lab(), [SEED, "--apply", "--yes"]));
    expect(applied.plan.applied).toMatchObject({ steps: [1], stopped: null, remaining: [] });
    const setslots = commands.filter((command) => /"SETSLOT"/i.test(command));
    expect(setslots).toEqual([`"CLUSTER" "SETSLOT" "${slot}" "STABLE"`]);
    expectReadOnly(commands.filter((command) => !/"SETSLOT"/i.test(command)));
    for (const index of live) expect(await cli(lab(), index, ["CLUSTER", "NODES"])).not.toMatch(new RegExp(`\\[${slot}-[<>]-`));
    await expectNoKeyLost();
  });
});
