// The planner over evidence recorded from real clusters (scripts/record-fix-fixtures.ts, and check's
// own snapshots, which fix also plans from): which steps, in which order and class, by whom, and
// which refusals, per incident; then what each kind of step says in detail.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { describeCheck, evaluateCheck } from "../../../src/fix/checks.js";
import { parseHostAudit } from "../../../src/fix/evidence.js";
import { decideHostAudit } from "../../../src/hostaudit/audit.js";
import type { HostAuditFacts } from "../../../src/hostaudit/model.js";
import { renderHostAuditJson } from "../../../src/hostaudit/render.js";
import { planJson } from "../../../src/fix/json.js";
import type { Plan, Step } from "../../../src/fix/model.js";
import { loadEvidence, planOf } from "./fixtures.js";

type StepShape = [code: Step["code"], stepClass: Step["class"], by: Step["by"]];

interface Case {
  name: string;
  phase: Plan["phase"]["name"];
  steps: StepShape[];
  refusals: string[];
}

const OPEN: StepShape = ["OPEN_BUS", "safe", "operator"];
const WAIT: StepShape = ["WAIT_FOR_RECOVERY", "safe", "busdoctor"];
const PARTIAL: StepShape = ["ALLOW_PARTIAL_COVERAGE", "mitigation", "busdoctor"];
const READS: StepShape = ["ALLOW_READS_WHEN_DOWN", "mitigation", "busdoctor"];

const CASES: Case[] = [
  { name: "healthy", phase: "settled", steps: [], refusals: [] },
  {
    name: "bus-blocked-developing",
    phase: "developing",
    steps: [OPEN, WAIT],
    refusals: ["FORGET_NOT_A_GHOST", "ADDSLOTS_OWNER_ALIVE", "FAILOVER_OWNER_ALIVE"],
  },
  { name: "bus-blocked-failed-over", phase: "settled", steps: [OPEN, WAIT], refusals: ["FORGET_NOT_A_GHOST"] },
  { name: "bus-blocked-no-replica", phase: "settled", steps: [PARTIAL, READS, OPEN, WAIT], refusals: ["FORGET_NOT_A_GHOST", "ADDSLOTS_OWNER_ALIVE"] },
  { name: "bus-healed-recovering", phase: "recovering", steps: [WAIT], refusals: ["FORGET_NOT_A_GHOST", "ADDSLOTS_OWNER_ALIVE"] },
  { name: "forgotten-replica", phase: "settled", steps: [["MEET_NODE", "safe", "busdoctor"]], refusals: [] },
  { name: "reset-node", phase: "settled", steps: [["FORGET_GHOST", "safe", "busdoctor"]], refusals: ["MEET_IDENTITY_UNPROVEN"] },
  { name: "ghost-replica", phase: "settled", steps: [["FORGET_GHOST", "safe", "busdoctor"]], refusals: [] },
  { name: "ghost-master-failed-over", phase: "settled", steps: [["FORGET_GHOST", "safe", "busdoctor"]], refusals: [] },
  { name: "reshard-interrupted", phase: "settled", steps: [["CLOSE_OPEN_SLOT", "safe", "busdoctor"]], refusals: [] },
  { name: "reshard-partial", phase: "settled", steps: [["FINISH_MIGRATION", "data-risk", "operator"]], refusals: ["STABLE_KEYS_ELSEWHERE"] },
  {
    name: "master-killed-no-replica",
    phase: "settled",
    steps: [PARTIAL, READS, ["ASSIGN_ORPHAN_SLOTS", "data-risk", "operator"]],
    refusals: ["FORGET_NOT_A_GHOST"],
  },
  {
    name: "master-killed-replica-nofailover",
    phase: "settled",
    steps: [PARTIAL, READS, ["FORCE_FAILOVER", "data-risk", "operator"]],
    refusals: ["FORGET_NOT_A_GHOST"],
  },
  { name: "paused-owner-no-replica", phase: "settled", steps: [PARTIAL, READS], refusals: ["FORGET_NOT_A_GHOST", "ADDSLOTS_OWNER_ALIVE"] },
  // Plain `check --record` snapshots: fix plans from them offline, without its extra reads.
  { name: "check/bus-blocked-both-failed-over", phase: "settled", steps: [OPEN, WAIT], refusals: ["FORGET_NOT_A_GHOST"] },
  { name: "check/partition-2-4", phase: "developing", steps: [OPEN, WAIT], refusals: [] },
  { name: "check/bus-all-blocked", phase: "settled", steps: [OPEN, WAIT], refusals: [] },
];

const plan = (name: string): Plan => planOf(loadEvidence(name)).plan;
const step = (name: string, code: Step["code"]): Step => {
  const found = plan(name).steps.find((candidate) => candidate.code === code);
  if (!found) throw new Error(`${name} has no ${code} step`);
  return found;
};

describe("the plan for each recorded incident", () => {
  it.each(CASES)("$name: $phase, steps $steps.length, refusals $refusals", ({ name, phase, steps, refusals }) => {
    const planned = plan(name);
    expect(planned.phase.name).toBe(phase);
    expect(planned.steps.map((entry): StepShape => [entry.code, entry.class, entry.by])).toEqual(steps);
    expect(planned.refusals.map((refusal) => refusal.code)).toEqual(refusals);
    expect(planned.steps.map((entry) => entry.number)).toEqual(steps.map((_, index) => index + 1));
  });

  it.each(CASES)("$name: every step says why, what it expects, how it is verified and its risk in one sentence", ({ name }) => {
    for (const entry of plan(name).steps) {
      expect(entry.why.length, `${entry.code} why`).toBeGreaterThan(0);
      expect(entry.commands.length).toBeGreaterThan(0);
      expect(entry.verify).not.toBe("");
      expect(entry.risk).toMatch(/^[^.]+(\.[^ ][^.]*)*\.$/);
      // busdoctor never runs what can lose keys, nor what a person must do.
      if (entry.class === "data-risk" || entry.by === "operator") expect(entry.action).toBeNull();
      if (entry.by === "busdoctor") expect(entry.action).not.toBeNull();
    }
  });

  it.each(CASES)("$name: the --json plan matches schema/fix-plan.schema.json", ({ name }) => {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "..", "schema", "fix-plan.schema.json"), "utf8")) as object;
    const validate = new Ajv2020({ strictTypes: true, allowUnionTypes: true, allErrors: true, validateFormats: false }).compile(schema);
    const { plan: planned, reading } = planOf(loadEvidence(name));
    const json = JSON.parse(JSON.stringify(planJson(planned, reading, ["127.0.0.1:6379"], 1, null))) as unknown;
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe("bus steps", () => {
  it("opens the blocked node's bus both ways, only between the nodes' addresses, at the layer the probes point to", () => {
    const open = step("bus-blocked-failed-over", "OPEN_BUS");
    expect(open.targets).toEqual(["127.0.0.3:6379"]);
    expect(open.where).toBe("nftables on the host of 127.0.0.3");
    expect(open.commands).toContain(
      "nft insert rule inet filter input ip saddr { 127.0.0.1, 127.0.0.2, 127.0.0.4, 127.0.0.5, 127.0.0.6 } tcp dport 16379 accept",
    );
    expect(open.commands).toContain(
      "nft insert rule inet filter output ip daddr { 127.0.0.1, 127.0.0.2, 127.0.0.4, 127.0.0.5, 127.0.0.6 } tcp dport 16379 accept",
    );
    expect(open.alternatives.map((alternative) => alternative.where)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AWS security group/), expect.stringMatching(/^Kubernetes NetworkPolicy/)]),
    );
    expect(JSON.stringify(open)).not.toMatch(/0\.0\.0\.0\/0[^)]/);
    expect(open.expect).toEqual([{ kind: "bus-healthy", address: "127.0.0.3:6379" }]);
  });

  it("with host-audit's report of the node's host, removes exactly the rules it found", () => {
    // The audit was recorded on another lab run with the same fault (127.0.0.3's bus dropped both ways).
    const facts = JSON.parse(
      readFileSync(join(import.meta.dirname, "..", "..", "fixtures", "hostaudit", "lab-bus-both-drop", "facts.json"), "utf8"),
    ) as HostAuditFacts;
    const evidence = loadEvidence("bus-blocked-failed-over");
    const audit = parseHostAudit(renderHostAuditJson(decideHostAudit(facts), 2));
    const open = planOf({ ...evidence, hostFirewalls: [audit] }).plan.steps[0];
    expect(open?.where).toBe("nftables/iptables on the host of 127.0.0.3 (found by busdoctor host-audit)");
    expect(open?.commands.slice(1)).toEqual([
      "nft delete rule inet busdoctor_lab input handle 2   # ip daddr 127.0.0.3 tcp dport 16379 drop (in)",
      "nft delete rule inet busdoctor_lab input handle 3   # ip saddr 127.0.0.3 tcp dport 16379 drop (out)",
    ]);
    expect(open?.alternatives[0]?.where).toBe("nftables on the host of 127.0.0.3");
  });

  it("a rule common to every node points at the shared layer first (security group, NetworkPolicy)", () => {
    const open = step("check/bus-all-blocked", "OPEN_BUS");
    expect(open.targets).toHaveLength(6);
    expect(open.where).toMatch(/^AWS security group/);
  });

  it("after the bus opened, waits until the diagnosis's phase says Redis is done, then expects every flag cleared", () => {
    const { plan: planned } = planOf(loadEvidence("bus-healed-recovering"));
    const wait = planned.steps[0];
    expect(wait?.action).toEqual({ kind: "wait", untilMs: planned.phase.lookAgainAtMs, forMs: 4000 });
    expect(wait?.preconditions).toEqual([{ kind: "bus-healthy", address: null }]);
    expect(wait?.expect).toEqual([
      { kind: "bus-healthy", address: null },
      { kind: "not-flagged", address: null },
      { kind: "cluster-ok", address: null },
    ]);
    const { reading } = planOf(loadEvidence("bus-healed-recovering"));
    expect(evaluateCheck({ kind: "not-flagged", address: null }, reading)).toMatchObject({
      holds: false,
      seen: expect.stringContaining("flags 127.0.0.3:6379 fail"),
    });
  });

  it("a stale claimant that still reports cluster_state:ok takes writes it will lose: a data-risk step names it", () => {
    // Derived from the recorded failed-over block: only the stale master's own cluster_state is turned
    // to ok. Real Redis makes an isolated master report fail within cluster-node-timeout, before a
    // replica can be promoted, so a live cluster cannot show this on demand.
    const evidence = structuredClone(loadEvidence("bus-blocked-failed-over"));
    const stale = evidence.current.snapshot.nodes.find((node) => node.address === "127.0.0.3:6379");
    const info = stale?.commands.clusterInfo;
    if (!info?.ok || typeof info.reply !== "string") throw new Error("no CLUSTER INFO of 127.0.0.3");
    info.reply = info.reply.replace("cluster_state:fail", "cluster_state:ok");
    const split = planOf(evidence).plan.steps.find((entry) => entry.code === "RESOLVE_SPLIT_BRAIN");
    expect(split).toMatchObject({ class: "data-risk", by: "operator", action: null, targets: ["127.0.0.3:6379"] });
    expect(split?.title).toMatch(/127\.0\.0\.3:6379 \(configEpoch 3\) is the stale claimant of slots 10923-16383; 127\.0\.0\.\d:6379 \(configEpoch 7\) wins/);
    expect(split?.commands.join("\n")).toContain("busdoctor never changes epochs: CLUSTER BUMPEPOCH on 127.0.0.3:6379 would make it win instead");
  });

  it("names the stale side of a split brain by configEpoch and never changes epochs", () => {
    const planned = plan("bus-blocked-failed-over");
    expect(planned.notes.join("\n")).toMatch(
      /127\.0\.0\.3:6379 \(configEpoch 3\) still claims slots 10923-16383 .* 127\.0\.0\.\d:6379 \(configEpoch 7\) serves them/,
    );
    expect(JSON.stringify(planned.steps)).not.toMatch(/BUMPEPOCH|"kind":"bumpepoch"/);
  });
});

describe("membership steps", () => {
  it("MEET a forgotten node only from the nodes that lack it, after it proved its id and knows this cluster's masters", () => {
    const { plan: planned, reading } = planOf(loadEvidence("forgotten-replica"));
    const meet = planned.steps[0];
    expect(meet?.targets).toEqual(["127.0.0.1:6379", "127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379", "127.0.0.5:6379"]);
    expect(meet?.action).toEqual({ kind: "meet", ip: "127.0.0.6", port: 6379, busPort: 16379 });
    expect(meet?.commands[0]).toBe("redis-cli -h 127.0.0.1 -p 6379 CLUSTER MEET 127.0.0.6 6379 16379");
    const [identity, knows] = meet?.preconditions ?? [];
    expect(identity?.kind).toBe("answers-as");
    expect(knows).toMatchObject({ kind: "knows-ids", address: "127.0.0.6:6379" });
    expect(knows?.kind === "knows-ids" ? knows.ids : []).toHaveLength(3);
    for (const check of meet?.preconditions ?? []) expect(evaluateCheck(check, reading).holds, describeCheck(check)).toBe(true);
    for (const check of meet?.expect ?? []) expect(evaluateCheck(check, reading).holds).toBe(false);
  });

  it("refuses to MEET a node that does not know this cluster's masters (a reset node, or another cluster's)", () => {
    const refusal = plan("reset-node").refusals[0];
    expect(refusal?.commands[0]).toMatch(/CLUSTER MEET 127\.0\.0\.6 6379 16379$/);
    expect(refusal?.why).toMatch(/does not list this cluster's masters .* a MEET would merge two clusters/);
  });

  it("FORGET a ghost on every node that lists it, and only while every other node answers", () => {
    const { plan: planned, reading } = planOf(loadEvidence("ghost-master-failed-over"));
    const forget = planned.steps[0];
    expect(forget?.action?.kind).toBe("forget");
    expect(forget?.targets).toHaveLength(5);
    expect(forget?.preconditions.map((check) => check.kind)).toEqual(["ghost", "not-answering-as", "all-answer", "lists", "lists", "lists", "lists", "lists"]);
    for (const check of forget?.preconditions ?? []) expect(evaluateCheck(check, reading).holds, describeCheck(check)).toBe(true);
    expect(forget?.expect.every((check) => check.kind === "lacks")).toBe(true);
  });

  it("refuses to FORGET a failed node that answers as itself: its bus is what fails", () => {
    const refusal = plan("bus-blocked-failed-over").refusals.find((entry) => entry.code === "FORGET_NOT_A_GHOST");
    expect(refusal?.why).toContain("it answers as itself at 127.0.0.3:6379");
  });
});

describe("slot steps", () => {
  it("closes a slot an interrupted reshard left open: importing side first, proven idle by two readings", () => {
    const { plan: planned, reading } = planOf(loadEvidence("reshard-interrupted"));
    const close = planned.steps[0];
    expect(close?.action).toEqual({ kind: "setslot-stable", slot: 0 });
    expect(close?.targets).toEqual(["127.0.0.2:6379", "127.0.0.1:6379"]);
    expect(close?.commands).toEqual(["redis-cli -h 127.0.0.2 -p 6379 CLUSTER SETSLOT 0 STABLE", "redis-cli -h 127.0.0.1 -p 6379 CLUSTER SETSLOT 0 STABLE"]);
    expect(planned.basedOn.earlierTakenAtMs).not.toBeNull();
    const keys = close?.preconditions.filter((check) => check.kind === "slot-keys") ?? [];
    expect(keys).toEqual([
      { kind: "slot-keys", address: "127.0.0.2:6379", slot: 0, count: 0 },
      { kind: "slot-keys", address: "127.0.0.3:6379", slot: 0, count: 0 },
      { kind: "slot-keys", address: "127.0.0.1:6379", slot: 0, count: 1 },
    ]);
    for (const check of close?.preconditions ?? []) expect(evaluateCheck(check, reading).holds, describeCheck(check)).toBe(true);
  });

  it("without a second reading (a check --record file), STABLE is not proven and not planned", () => {
    const evidence = loadEvidence("reshard-interrupted");
    // The same real evidence without its earlier reading, as a single snapshot would give it.
    const { plan: planned } = planOf({ ...evidence, earlier: null });
    expect(planned.steps).toEqual([]);
    expect(planned.refusals.map((refusal) => [refusal.code, refusal.why])).toEqual([["STABLE_UNPROVEN", expect.stringContaining("only one reading")]]);
  });

  it("keys of the open slot on a node that does not own it: no STABLE, finishing the move is for a person", () => {
    const planned = plan("reshard-partial");
    expect(planned.refusals[0]?.why).toContain("SETSLOT STABLE would leave those keys where no client is ever sent again");
    expect(planned.steps[0]?.commands).toEqual(["redis-cli --cluster fix 127.0.0.3:6379"]);
  });

  it("refuses ADDSLOTS for slots whose owner is cut off on the bus but answers, as redis-cli --cluster fix would do it", () => {
    const refusal = plan("bus-blocked-no-replica").refusals.find((entry) => entry.code === "ADDSLOTS_OWNER_ALIVE");
    expect(refusal?.commands).toEqual([
      "redis-cli --cluster fix 127.0.0.1:6379 --cluster-fix-with-unreachable-masters",
      "redis-cli -h 127.0.0.1 -p 6379 CLUSTER ADDSLOTSRANGE 10923 16383",
    ]);
    expect(refusal?.why).toContain("127.0.0.3:6379, their owner, is cut off on the bus: it answers on its client port and holds their keys");
  });

  it("refuses it too for an owner whose process is alive but paused (its client port accepts connections)", () => {
    const refusal = plan("paused-owner-no-replica").refusals.find((entry) => entry.code === "ADDSLOTS_OWNER_ALIVE");
    expect(refusal?.why).toContain("it accepts connections on its client port");
  });

  it("slots whose owner is gone with no replica: ADDSLOTS printed as data-risk, never applied", () => {
    const assign = step("master-killed-no-replica", "ASSIGN_ORPHAN_SLOTS");
    expect(assign.commands).toContain("redis-cli -h 127.0.0.1 -p 6379 CLUSTER ADDSLOTSRANGE 10923 16383");
    expect(assign.risk).toContain("lost with their owner");
  });

  it("a replica that will not take over by itself: FAILOVER FORCE printed as data-risk", () => {
    const failover = step("master-killed-replica-nofailover", "FORCE_FAILOVER");
    expect(failover.commands[0]).toMatch(/CLUSTER FAILOVER FORCE$/);
  });
});

describe("mitigations", () => {
  it("are opt-in, read the current value first, and print their undo", () => {
    const partial = step("bus-blocked-no-replica", "ALLOW_PARTIAL_COVERAGE");
    expect(partial.targets).toEqual(["127.0.0.1:6379", "127.0.0.2:6379"]);
    expect(partial.preconditions).toEqual([
      { kind: "config", address: "127.0.0.1:6379", parameter: "cluster-require-full-coverage", value: "yes" },
      { kind: "config", address: "127.0.0.2:6379", parameter: "cluster-require-full-coverage", value: "yes" },
    ]);
    expect(partial.undo).toEqual([
      "redis-cli -h 127.0.0.1 -p 6379 CONFIG SET cluster-require-full-coverage yes",
      "redis-cli -h 127.0.0.2 -p 6379 CONFIG SET cluster-require-full-coverage yes",
    ]);
    const reads = step("bus-blocked-no-replica", "ALLOW_READS_WHEN_DOWN");
    expect(reads.targets).toContain("127.0.0.3:6379");
    expect(reads.undo[0]).toMatch(/CONFIG SET cluster-allow-reads-when-down no$/);
  });
});
