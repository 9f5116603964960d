// PINGs in flight at once, however young, ask for a second look. Written from the recorded healthy
// snapshot with PINGs put in flight by hand: the real case (an accuracy-matrix check 0.3 s into a
// partition, that read HEALTHY in one look) kept only its report, whose views showed three PINGs sent
// across the partition 0-30 ms before and nothing else, e.g. in the view of 127.0.0.12:
//   754cdccf... 127.0.0.11:7000@17100 master - 1796168342195 1796168341000 14 connected 0-5460
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/diagnose/index.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { loadSnapshot } from "./fixtures.js";

/** The view's clock: INFO server_time_usec, in ms. */
function nowOf(info: string): number {
  return Math.floor(Number(/server_time_usec:(\d+)/.exec(info)?.[1]) / 1000);
}

/** `observer`'s view with a PING to `peer` sent `agoMs` before the view was read. */
function withPingInFlight(snapshot: Snapshot, observer: string, peer: string, agoMs: number): Snapshot {
  return {
    ...snapshot,
    nodes: snapshot.nodes.map((node) => {
      const { clusterNodes, info } = node.commands;
      if (node.address !== observer || !clusterNodes?.ok || typeof clusterNodes.reply !== "string" || !info?.ok || typeof info.reply !== "string") return node;
      const sent = String(nowOf(info.reply) - agoMs);
      const lines = clusterNodes.reply.split("\n").map((line) => {
        const fields = line.split(" ");
        if (!fields[1]?.startsWith(`${peer}@`)) return line;
        fields[4] = sent;
        return fields.join(" ");
      });
      return { ...node, commands: { ...node.commands, clusterNodes: { ...clusterNodes, reply: lines.join("\n") } } };
    }),
  };
}

const node = (index: number): string => `127.0.0.${index}:6379`;

describe("PINGs in flight at once", () => {
  it("a healthy snapshot needs one look", () => {
    expect(diagnose(loadSnapshot("healthy")).diagnosis.secondLook).toEqual([]);
  });

  it("one PING a few ms in flight is a healthy bus at work: one look, healthy", () => {
    const { diagnosis } = diagnose(withPingInFlight(loadSnapshot("healthy"), node(2), node(1), 10));
    expect(diagnosis.secondLook).toEqual([]);
    expect(diagnosis.health).toBe("healthy");
  });

  it("three in flight at once, each younger than any threshold: look again", () => {
    let snapshot = loadSnapshot("healthy");
    snapshot = withPingInFlight(snapshot, node(2), node(1), 27);
    snapshot = withPingInFlight(snapshot, node(5), node(3), 22);
    snapshot = withPingInFlight(snapshot, node(6), node(5), 28);
    const { diagnosis } = diagnose(snapshot);
    expect(diagnosis.secondLook).toEqual([
      "3 PINGs in flight at once, where a healthy bus answers each in well under a millisecond: a fault a moment old, or a busy bus",
    ]);
  });
});
