import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unsettledReasons, type NodeReadinessReplies } from "../../../src/lab/readiness.js";

// Recorded from a real lab by fixtures/record-readiness.ts.
const fixture = JSON.parse(readFileSync(new URL("./fixtures/readiness.json", import.meta.url), "utf8")) as {
  settled: NodeReadinessReplies[];
  masterKilled: NodeReadinessReplies[];
};

describe("unsettledReasons", () => {
  it("has nothing to say about a settled 6-node cluster", () => {
    expect(unsettledReasons(6, fixture.settled)).toEqual([]);
  });

  it("notices a node missing from every view", () => {
    expect(unsettledReasons(7, fixture.settled)).toEqual(
      ["1", "2", "3", "4", "5", "6"].map((n) => `127.0.0.${n}:6379 knows 6 of 7 nodes`),
    );
  });

  it("names the dead master, the views that flag it or lost its link, and its orphaned replica", () => {
    expect(unsettledReasons(6, fixture.masterKilled)).toEqual([
      "127.0.0.1:6379 did not answer (Connection refused)",
      "127.0.0.2:6379 flags 127.0.0.1:6379 fail?",
      "127.0.0.2:6379 has no bus link to 127.0.0.1:6379",
      "127.0.0.3:6379 flags 127.0.0.1:6379 fail?",
      "127.0.0.3:6379 has no bus link to 127.0.0.1:6379",
      // Node 4 does not flag it yet: only the missing link shows the problem in its view.
      "127.0.0.4:6379 has no bus link to 127.0.0.1:6379",
      "127.0.0.5:6379 flags 127.0.0.1:6379 fail?",
      "127.0.0.5:6379 has no bus link to 127.0.0.1:6379",
      "127.0.0.5:6379 is a replica whose master link is down",
      "127.0.0.6:6379 flags 127.0.0.1:6379 fail?",
      "127.0.0.6:6379 has no bus link to 127.0.0.1:6379",
    ]);
  });

  it("reports cluster_state and unreadable lines (hand-made: a real node does not print them together)", () => {
    const [first] = fixture.settled;
    if (first === undefined || first.clusterInfo === null) throw new Error("fixture has no settled node");
    const reply: NodeReadinessReplies = {
      ...first,
      clusterInfo: first.clusterInfo.replace("cluster_state:ok", "cluster_state:fail"),
      clusterNodes: "garbage\n",
    };
    expect(unsettledReasons(1, [reply])).toEqual([
      `${first.endpoint} reports cluster_state:fail`,
      `${first.endpoint} printed an unreadable CLUSTER NODES line: garbage`,
    ]);
  });
});
