import { describe, expect, it } from "vitest";
import type { RawReply } from "../../../src/model/snapshot.js";
import { parseConfigGet } from "../../../src/parse/config.js";
import { parseErrorOf } from "./expectParseError.js";
import { readRaw, recordedViews } from "./rawFixtures.js";

describe("parseConfigGet", () => {
  // The recording keeps the reply's bulk strings one per line.
  it.each(recordedViews())("$scenario, $node: cluster-node-timeout as the recording lab set it", (view) => {
    const reply = readRaw(view, "config_node_timeout.txt")
      .split("\n")
      .filter((line) => line !== "");
    expect(parseConfigGet(reply, "cluster-node-timeout")).toBe("2000");
  });

  const cases: { name: string; reply: RawReply; wanted: string; expected: string | null }[] = [
    { name: "a name in another case", reply: ["cluster-node-timeout", "15000"], wanted: "CLUSTER-NODE-TIMEOUT", expected: "15000" },
    { name: "several pairs (a glob pattern)", reply: ["cluster-port", "0", "cluster-node-timeout", "15000"], wanted: "cluster-port", expected: "0" },
    { name: "an unknown parameter: empty array", reply: [], wanted: "cluster-node-timeout", expected: null },
    { name: "a reply about another parameter", reply: ["port", "6379"], wanted: "cluster-node-timeout", expected: null },
    { name: "an empty value", reply: ["cluster-announce-hostname", ""], wanted: "cluster-announce-hostname", expected: "" },
  ];
  it.each(cases)("$name", ({ reply, wanted, expected }) => {
    expect(parseConfigGet(reply, wanted)).toBe(expected);
  });

  it.each<RawReply>([null, "2000", ["cluster-node-timeout"], ["cluster-node-timeout", 2000], [["cluster-node-timeout", "2000"]]])(
    "malformed reply %j",
    (reply) => {
      const error = parseErrorOf(() => parseConfigGet(reply, "cluster-node-timeout"));
      expect(error).toMatchObject({ what: "CONFIG GET cluster-node-timeout", lineNumber: null, line: null });
      expect(error.message).toBe(`CONFIG GET cluster-node-timeout: expected a flat array of name, value strings, got ${JSON.stringify(reply)}`);
    },
  );
});
