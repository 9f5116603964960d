// The slot map and shards of a recorded healthy cluster, and the open slots a resharding shows.
import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/diagnose/analyze/index.js";
import { wireNodes, wireShards, wireSlots } from "../../../src/dashboard/view.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { loadSnapshot } from "../diagnose/fixtures.js";

/**
 * The recorded healthy cluster in the middle of moving slot 100 from its first master to its second:
 * each of the two prints the open slot on its own `myself` line, as Redis does while CLUSTER SETSLOT
 * MIGRATING / IMPORTING is in force. Hand-edited: the recording script makes no resharding.
 */
function resharding(): Snapshot {
  const snapshot = loadSnapshot("healthy");
  const ids = new Map<string, string>();
  for (const node of snapshot.nodes) {
    const reply = node.commands.clusterMyid;
    if (reply?.ok && typeof reply.reply === "string") ids.set(node.address, reply.reply);
  }
  const [from, to] = ["127.0.0.1:6379", "127.0.0.2:6379"];
  const mark: Record<string, string> = { [from]: ` [100->-${ids.get(to)}]`, [to]: ` [100-<-${ids.get(from)}]` };
  for (const node of snapshot.nodes) {
    const reply = node.commands.clusterNodes;
    const extra = mark[node.address];
    if (!reply?.ok || typeof reply.reply !== "string" || extra === undefined) continue;
    node.commands.clusterNodes = {
      ...reply,
      reply: reply.reply
        .split("\n")
        .map((line) => (line.includes("myself") ? `${line}${extra}` : line))
        .join("\n"),
    };
  }
  return snapshot;
}

describe("shards and slot map", () => {
  it("has three shards of a master and a replica, and every slot served by the master most views name", () => {
    const analysis = analyze(loadSnapshot("healthy"));
    const shards = wireShards(wireNodes(analysis), analysis);
    expect(shards.map((shard) => shard.replicas.length)).toEqual([1, 1, 1]);
    expect(shards.reduce((sum, shard) => sum + shard.slots, 0)).toBe(16384);
    const slots = wireSlots(analysis);
    expect(slots.runs.map((run) => [run.start, run.end, run.owner, run.state])).toEqual(
      shards.map((shard, index) => [[0, 5461, 10923][index], [5460, 10922, 16383][index], shard.master, "ok"]),
    );
    expect(slots).toMatchObject({ agreeing: 6, views: 6, open: [] });
  });

  it("lists the open slots each node reports on its own line, with the other end", () => {
    const slots = wireSlots(analyze(resharding()));
    expect(slots.open).toEqual([
      { slot: 100, direction: "migrating", node: "127.0.0.1:6379", peer: "127.0.0.2:6379" },
      { slot: 100, direction: "importing", node: "127.0.0.2:6379", peer: "127.0.0.1:6379" },
    ]);
  });
});
