// The apply engine's order of things, on recorded readings of real clusters: it gates by class and
// actor, asks, checks preconditions on a fresh reading, sends, re-reads until the change shows or its
// time is up, and stops at the first step that cannot go on. The network is replaced by a script of
// readings (what re-collecting would return) and a clock that only moves when the engine sleeps.
import { describe, expect, it } from "vitest";
import { applyPlan, type ApplyEvent, type ApplyIo } from "../../../src/fix/apply.js";
import type { WriteAction } from "../../../src/fix/client.js";
import type { Plan } from "../../../src/fix/model.js";
import { readCluster, type ClusterReading } from "../../../src/fix/reading.js";
import { loadEvidence, planOf } from "./fixtures.js";

interface Script {
  readings: ClusterReading[];
  sent: Array<[string, WriteAction]>;
  events: ApplyEvent[];
  io: ApplyIo;
}

/** An io whose reads return `readings` in turn (the last one again once they run out). */
function script(readings: ClusterReading[], options: { confirm?: boolean; reply?: "OK" | "ERR" } = {}): Script {
  let now = 1_000_000;
  let next = 0;
  const result: Script = { readings, sent: [], events: [], io: null as unknown as ApplyIo };
  result.io = {
    read: async () => readings[Math.min(next++, readings.length - 1)] as ClusterReading,
    send: async (address, action) => {
      result.sent.push([address, action]);
      return options.reply === "ERR" ? { ok: false, kind: "error", error: "ERR Unknown node", ms: 1 } : { ok: true, reply: "OK", ms: 1 };
    },
    sleep: async (ms) => {
      now += ms;
    },
    now: () => now,
    confirm: async () => options.confirm ?? true,
    report: (event) => result.events.push(event),
  };
  return result;
}

const reading = (name: string): ClusterReading => {
  const evidence = loadEvidence(name);
  return readCluster(evidence.current);
};
const planFor = (name: string): Plan => planOf(loadEvidence(name)).plan;
const OPTIONS = { allowMitigations: false, pollMs: 500 };
const wire = (action: WriteAction): string => action.kind;

describe("applyPlan", () => {
  it("sends the step's command and stops when its change never shows within the step's time", async () => {
    const plan = planFor("forgotten-replica");
    // Every reading after the MEET still shows the replica forgotten.
    const run = script([reading("forgotten-replica")]);
    const outcome = await applyPlan(plan, OPTIONS, run.io, wire);
    expect(run.sent.map(([address]) => address)).toEqual(plan.steps[0]?.targets);
    expect(outcome.stopped).toMatchObject({ step: 1, reason: "no-change" });
    expect(outcome.stopped?.detail).toMatch(/^expected change did not happen within \d+ ms: /);
  });

  it("stops before sending anything when a precondition does not hold on the fresh reading", async () => {
    const plan = planFor("ghost-replica");
    // By the time the step runs the ghost is gone from every view (someone forgot it already).
    const run = script([reading("healthy")]);
    const outcome = await applyPlan(plan, OPTIONS, run.io, wire);
    expect(run.sent).toEqual([]);
    expect(outcome).toMatchObject({ applied: [], stopped: { step: 1, reason: "precondition" } });
  });

  it("sends FORGET to every node, and the step is done once no view lists the id", async () => {
    const plan = planFor("ghost-replica");
    const after = reading("ghost-replica");
    const id = plan.steps[0]?.action?.kind === "forget" ? plan.steps[0].action.nodeId : "";
    // The reading after the FORGET: the same views without the ghost's lines.
    const forgotten: ClusterReading = {
      ...after,
      analysis: { ...after.analysis, views: after.analysis.views.map((view) => ({ ...view, nodes: view.nodes?.filter((entry) => entry.id !== id) ?? null })) },
    };
    const run = script([reading("ghost-replica"), forgotten]);
    const outcome = await applyPlan(plan, OPTIONS, run.io, wire);
    expect(run.sent).toHaveLength(5);
    expect(outcome).toMatchObject({ applied: [1], stopped: null });
  });

  it("stops at an error reply", async () => {
    const run = script([reading("ghost-replica")], { reply: "ERR" });
    const outcome = await applyPlan(planFor("ghost-replica"), OPTIONS, run.io, wire);
    expect(outcome.stopped).toMatchObject({ reason: "command-failed", detail: expect.stringContaining("ERR Unknown node") });
  });

  it("skips mitigations without --allow-mitigations and stops at a person's step, having sent nothing", async () => {
    const run = script([reading("bus-blocked-no-replica")]);
    const outcome = await applyPlan(planFor("bus-blocked-no-replica"), OPTIONS, run.io, wire);
    expect(outcome).toMatchObject({ applied: [], skipped: [1, 2], stopped: { step: 3, reason: "operator" } });
    expect(run.sent).toEqual([]);
  });

  it("never runs a data-risk step", async () => {
    const run = script([reading("reshard-partial")]);
    const outcome = await applyPlan(planFor("reshard-partial"), OPTIONS, run.io, wire);
    expect(outcome.stopped).toMatchObject({ step: 1, reason: "data-risk" });
    expect(run.sent).toEqual([]);
  });

  it("sends nothing when the user declines", async () => {
    const run = script([reading("reshard-interrupted")], { confirm: false });
    const outcome = await applyPlan(planFor("reshard-interrupted"), OPTIONS, run.io, wire);
    expect(outcome.stopped).toMatchObject({ step: 1, reason: "declined" });
    expect(run.sent).toEqual([]);
  });

  it("waits until the phase says Redis is done, then checks the cluster healed", async () => {
    const plan = planFor("bus-healed-recovering");
    const run = script([reading("bus-healed-recovering"), reading("healthy")]);
    const outcome = await applyPlan(plan, OPTIONS, run.io, wire);
    const waited = run.events.find((event) => event.type === "waiting");
    expect(waited?.type === "waiting" ? waited.ms : 0).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ applied: [1], stopped: null });
  });
});
