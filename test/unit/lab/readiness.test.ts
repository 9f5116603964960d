import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unsettledReasons, type NodeReadinessReplies } from "../../../src/lab/readiness.js";

// Recorded from a real 6-node lab (3 masters, 3 replicas) by fixtures/record-readiness.ts.
const fixture = JSON.parse(readFileSync(new URL("./fixtures/readiness.json", import.meta.url), "utf8")) as {
  justCreated: NodeReadinessReplies[];
  settled: NodeReadinessReplies[];
  masterKilled: NodeReadinessReplies[];
};
/** The newest pong time in the settled recording: "now" as its nodes saw it, give or take a second. */
const SETTLED_AT = 1795669470000;

describe("unsettledReasons", () => {
  it("has nothing to say about a settled 6-node cluster", () => {
    expect(unsettledReasons(6, fixture.settled, SETTLED_AT)).toEqual([]);
  });

  it("notices a node missing from every view", () => {
    expect(unsettledReasons(7, fixture.settled, SETTLED_AT)).toEqual(["1", "2", "3", "4", "5", "6"].map((n) => `127.0.0.${n}:6379 knows 6 of 7 nodes`));
  });

  it("right after --cluster create: masters still fail, and only each replica knows it is one", () => {
    expect(unsettledReasons(6, fixture.justCreated, 0)).toEqual([
      "127.0.0.1:6379 reports cluster_state:fail",
      "127.0.0.2:6379 reports cluster_state:fail",
      "127.0.0.3:6379 reports cluster_state:fail",
      "views disagree on 127.0.0.5:6379: master to 127.0.0.1:6379, 127.0.0.2:6379, 127.0.0.3:6379, 127.0.0.4:6379, 127.0.0.6:6379; replica of 127.0.0.1:6379 to 127.0.0.5:6379",
      "views disagree on 127.0.0.4:6379: master to 127.0.0.1:6379, 127.0.0.2:6379, 127.0.0.3:6379, 127.0.0.5:6379, 127.0.0.6:6379; replica of 127.0.0.3:6379 to 127.0.0.4:6379",
      "views disagree on 127.0.0.6:6379: master to 127.0.0.1:6379, 127.0.0.2:6379, 127.0.0.3:6379, 127.0.0.4:6379, 127.0.0.5:6379; replica of 127.0.0.2:6379 to 127.0.0.6:6379",
    ]);
  });

  it("names the dead master, the views that flag it or lost its link, and its orphaned replica", () => {
    expect(unsettledReasons(6, fixture.masterKilled, 0)).toEqual([
      "127.0.0.1:6379 did not answer (Connection refused)",
      // Nodes 2, 4 and 5 do not flag it yet: only the missing bus link shows the problem in their views.
      "127.0.0.2:6379 has no bus link to 127.0.0.1:6379",
      "127.0.0.3:6379 flags 127.0.0.1:6379 fail?",
      "127.0.0.3:6379 has no bus link to 127.0.0.1:6379",
      "127.0.0.4:6379 has no bus link to 127.0.0.1:6379",
      "127.0.0.5:6379 has no bus link to 127.0.0.1:6379",
      "127.0.0.5:6379 is a replica whose master link is down",
      "127.0.0.6:6379 flags 127.0.0.1:6379 fail?",
      "127.0.0.6:6379 has no bus link to 127.0.0.1:6379",
    ]);
  });

  it("reports unreadable CLUSTER NODES lines (hand-made: a real node never prints one)", () => {
    const [first] = fixture.settled;
    if (first === undefined) throw new Error("fixture has no settled node");
    expect(unsettledReasons(1, [{ ...first, clusterNodes: "garbage\n" }], SETTLED_AT)).toEqual([
      `${first.endpoint} printed an unreadable CLUSTER NODES line: garbage`,
    ]);
  });

  it("waits out a PING still pending from a healed fault (its ping-sent put in by hand, as a real view showed it 2.2 s after a heal)", () => {
    const [first, ...rest] = fixture.settled;
    if (first === undefined || first.clusterNodes === null) throw new Error("fixture has no settled node");
    const lines = first.clusterNodes.split("\n");
    const peer = lines.findIndex((line) => line.includes("127.0.0.3:6379@") && !line.includes("myself"));
    const fields = (lines[peer] ?? "").split(" ");
    fields[4] = String(SETTLED_AT - 5602);
    lines[peer] = fields.join(" ");
    const leftover = [{ ...first, clusterNodes: lines.join("\n") }, ...rest];
    expect(unsettledReasons(6, leftover, SETTLED_AT)).toEqual([`${first.endpoint} has a PING to 127.0.0.3:6379 unanswered for 5602 ms`]);
    // One just sent is a healthy bus at work.
    fields[4] = String(SETTLED_AT - 300);
    lines[peer] = fields.join(" ");
    expect(unsettledReasons(6, [{ ...first, clusterNodes: lines.join("\n") }, ...rest], SETTLED_AT)).toEqual([]);
  });
});
