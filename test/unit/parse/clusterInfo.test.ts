import { describe, expect, it } from "vitest";
import { parseClusterInfo } from "../../../src/parse/clusterInfo.js";
import { parseErrorOf } from "./expectParseError.js";
import { readRaw, recordedViews, viewsOf } from "./rawFixtures.js";

/** The only recorded views whose cluster is down: the isolated node, and a fresh node in no cluster. */
const FAILING_VIEWS = ["bus-both-blocked 127.0.0.3:6379", "noaddr 127.0.0.6:6379"];

function sumOf(messages: Record<string, number>, suffix: "_sent" | "_received"): number {
  return Object.entries(messages)
    .filter(([name]) => name.endsWith(suffix))
    .reduce((sum, [, count]) => sum + count, 0);
}

describe("parseClusterInfo on replies recorded from redis-server 7.0.15", () => {
  it.each(recordedViews())("$scenario, $node: every field, the state, and the counters add up", (view) => {
    const text = readRaw(view, "cluster_info.txt");
    const info = parseClusterInfo(text);
    expect(Object.keys(info.fields)).toHaveLength(text.split("\r\n").filter((line) => line !== "").length);
    expect(info.state).toBe(FAILING_VIEWS.includes(`${view.scenario} ${view.node}`) ? "fail" : "ok");
    // Redis reports each total as the sum of the per-type counters.
    const { sent, received, ...perType } = info.messages;
    expect(sumOf(perType, "_sent")).toBe(sent);
    expect(sumOf(perType, "_received")).toBe(received);
    expect(info.slotsOk + info.slotsPfail + info.slotsFail).toBe(info.slotsAssigned);
    expect(info.knownNodes).toBe(
      readRaw(view, "cluster_nodes.txt")
        .split("\n")
        .filter((line) => line !== "").length,
    );
  });

  it.each(viewsOf("healthy"))("healthy, $node: all slots ok over 3 shards", (view) => {
    expect(parseClusterInfo(readRaw(view, "cluster_info.txt"))).toMatchObject({
      state: "ok",
      slotsAssigned: 16384,
      slotsOk: 16384,
      slotsPfail: 0,
      slotsFail: 0,
      knownNodes: 6,
      size: 3,
    });
  });

  it("reads a recorded reply field by field (the isolated node of bus-both-blocked, copied here)", () => {
    const reply = [
      "cluster_state:fail",
      "cluster_slots_assigned:16384",
      "cluster_slots_ok:5461",
      "cluster_slots_pfail:10923",
      "cluster_slots_fail:0",
      "cluster_known_nodes:6",
      "cluster_size:3",
      "cluster_current_epoch:6",
      "cluster_my_epoch:3",
      "cluster_stats_messages_ping_sent:102",
      "cluster_stats_messages_pong_sent:95",
      "cluster_stats_messages_meet_sent:1",
      "cluster_stats_messages_sent:198",
      "cluster_stats_messages_ping_received:95",
      "cluster_stats_messages_pong_received:96",
      "cluster_stats_messages_received:191",
      "total_cluster_links_buffer_limit_exceeded:0",
      "",
    ].join("\r\n");
    const info = parseClusterInfo(reply);
    expect(info).toMatchObject({
      state: "fail",
      slotsAssigned: 16384,
      slotsOk: 5461,
      slotsPfail: 10923,
      slotsFail: 0,
      knownNodes: 6,
      size: 3,
      currentEpoch: 6,
      myEpoch: 3,
      messages: {
        ping_sent: 102,
        pong_sent: 95,
        meet_sent: 1,
        sent: 198,
        ping_received: 95,
        pong_received: 96,
        received: 191,
      },
    });
    expect(info.fields["total_cluster_links_buffer_limit_exceeded"]).toBe("0");
    expect(info.fields["cluster_state"]).toBe("fail");
  });
});

describe("parseClusterInfo on malformed replies", () => {
  const valid = [
    "cluster_state:ok",
    "cluster_slots_assigned:16384",
    "cluster_slots_ok:16384",
    "cluster_slots_pfail:0",
    "cluster_slots_fail:0",
    "cluster_known_nodes:6",
    "cluster_size:3",
    "cluster_current_epoch:6",
    "cluster_my_epoch:1",
    "cluster_stats_messages_sent:72",
  ];
  const replace = (index: number, line: string): string => valid.map((text, i) => (i === index ? line : text)).join("\r\n");
  const cases: { name: string; text: string; lineNumber: number | null; message: string }[] = [
    {
      name: "a line without a colon",
      text: replace(2, "cluster_slots_ok 16384"),
      lineNumber: 3,
      message: 'CLUSTER INFO line 3: expected field:value, got "cluster_slots_ok 16384"',
    },
    { name: "a line starting with a colon", text: replace(1, ":16384"), lineNumber: 2, message: 'CLUSTER INFO line 2: expected field:value, got ":16384"' },
    {
      name: "an unknown state",
      text: replace(0, "cluster_state:degraded"),
      lineNumber: 1,
      message: 'CLUSTER INFO line 1: expected cluster_state ok or fail, got "degraded"',
    },
    {
      name: "a count that is not a number",
      text: replace(6, "cluster_size:three"),
      lineNumber: 7,
      message: 'CLUSTER INFO line 7: expected cluster_size as an integer, got "three"',
    },
    {
      name: "a message counter that is not a number",
      text: replace(9, "cluster_stats_messages_sent:-1"),
      lineNumber: 10,
      message: 'CLUSTER INFO line 10: expected cluster_stats_messages_sent as a count, got "-1"',
    },
    {
      name: "a missing field",
      text: valid.filter((line) => !line.startsWith("cluster_known_nodes")).join("\r\n"),
      lineNumber: null,
      message: "CLUSTER INFO: missing cluster_known_nodes",
    },
    { name: "a missing state", text: valid.slice(1).join("\r\n"), lineNumber: null, message: "CLUSTER INFO: missing cluster_state" },
    { name: "an empty reply", text: "", lineNumber: null, message: "CLUSTER INFO: empty reply, expected field:value lines" },
  ];
  it.each(cases)("$name", ({ text, lineNumber, message }) => {
    const error = parseErrorOf(() => parseClusterInfo(text));
    expect(error).toMatchObject({ what: "CLUSTER INFO", lineNumber });
    expect(error.message).toBe(message);
    expect(error.line).toBe(lineNumber === null ? null : text.split("\r\n")[lineNumber - 1]);
  });
});
