import { describe, expect, it } from "vitest";
import type { RawReply } from "../../../src/model/snapshot.js";
import { parseClusterLinks } from "../../../src/parse/clusterLinks.js";
import { parseErrorOf } from "./expectParseError.js";
import { readRaw, type RecordedView, recordedViews, viewsOf } from "./rawFixtures.js";

function recordedLinks(view: RecordedView): RawReply {
  const reply: RawReply = JSON.parse(readRaw(view, "cluster_links.json"));
  return reply;
}

/** Node ids in the same node's CLUSTER NODES, read straight from the text (first field of each line). */
function peerIdsInClusterNodes(view: RecordedView): string[] {
  return readRaw(view, "cluster_nodes.txt")
    .split("\n")
    .filter((line) => line !== "" && !line.includes(" myself,"))
    .map((line) => line.slice(0, 40));
}

describe("parseClusterLinks on replies recorded from redis-server 7.0.15", () => {
  it.each(recordedViews())("$scenario, $node: one link per entry, each to a node this node lists", (view) => {
    const reply = recordedLinks(view);
    const links = parseClusterLinks(reply);
    expect(links).toHaveLength(Array.isArray(reply) ? reply.length : -1);
    const peers = peerIdsInClusterNodes(view);
    for (const link of links) expect(peers).toContain(link.nodeId);
  });

  it.each(viewsOf("healthy"))("healthy, $node: one link to and one link from each of the 5 peers", (view) => {
    const links = parseClusterLinks(recordedLinks(view));
    const peers = peerIdsInClusterNodes(view).sort();
    expect(
      links
        .filter((link) => link.direction === "to")
        .map((link) => link.nodeId)
        .sort(),
    ).toEqual(peers);
    expect(
      links
        .filter((link) => link.direction === "from")
        .map((link) => link.nodeId)
        .sort(),
    ).toEqual(peers);
  });

  it("noaddr: the fresh node that knows no peer answers an empty array", () => {
    expect(parseClusterLinks(recordedLinks({ scenario: "noaddr", node: "127.0.0.6:6379" }))).toEqual([]);
  });

  it("reads every field of a recorded entry", () => {
    const entry = [
      "direction",
      "to",
      "node",
      "597fd31c7fdb0f49e0e21f5dbf11e3b7ae53255d",
      "create-time",
      1795668981351,
      "events",
      "",
      "send-buffer-allocated",
      4,
      "send-buffer-used",
      0,
    ];
    expect(parseClusterLinks([entry])).toEqual([
      {
        direction: "to",
        nodeId: "597fd31c7fdb0f49e0e21f5dbf11e3b7ae53255d",
        createTimeMs: 1795668981351,
        events: "",
        sendBufferAllocated: 4,
        sendBufferUsed: 0,
      },
    ]);
  });
});

describe("parseClusterLinks on malformed replies", () => {
  const ID = "597fd31c7fdb0f49e0e21f5dbf11e3b7ae53255d";
  const good: RawReply[] = ["direction", "from", "node", ID, "create-time", 1, "events", "r", "send-buffer-allocated", 0, "send-buffer-used", 0];
  const withField = (name: string, value: RawReply): RawReply[] => good.map((item, i) => (good[i - 1] === name ? value : item));
  const cases: { name: string; entry: RawReply; problem: string }[] = [
    { name: "an entry that is not an array", entry: "direction", problem: "expected a flat array of name, value pairs" },
    { name: "an odd-length entry", entry: good.slice(0, 11), problem: "expected a flat array of name, value pairs" },
    { name: "no direction", entry: good.slice(2), problem: "expected direction as a string, got null" },
    { name: "an unknown direction", entry: withField("direction", "both"), problem: 'expected direction to or from, got "both"' },
    { name: "a node that is not an id", entry: withField("node", "127.0.0.1"), problem: 'expected node as a 40-character hex node id, got "127.0.0.1"' },
    {
      name: "a create-time sent as text",
      entry: withField("create-time", "1700000000000"),
      problem: 'expected create-time as a non-negative integer, got "1700000000000"',
    },
    { name: "a negative buffer size", entry: withField("send-buffer-used", -1), problem: "expected send-buffer-used as a non-negative integer, got -1" },
    { name: "events that are not text", entry: withField("events", 3), problem: "expected events as a string, got 3" },
  ];
  it.each(cases)("$name: names entry 2 and what was expected", ({ entry, problem }) => {
    const error = parseErrorOf(() => parseClusterLinks([good, entry]));
    expect(error).toMatchObject({ what: "CLUSTER LINKS", lineNumber: 2, line: JSON.stringify(entry) });
    expect(error.message).toBe(`CLUSTER LINKS entry 2: ${problem}`);
  });

  it.each([null, "ERR unknown subcommand", 3])("a reply that is not an array: %j", (reply) => {
    const error = parseErrorOf(() => parseClusterLinks(reply));
    expect(error).toMatchObject({ lineNumber: null, line: null });
    expect(error.message).toBe(`CLUSTER LINKS: expected an array of links, got ${JSON.stringify(reply)}`);
  });
});
