import { describe, expect, it } from "vitest";
import { protocolNamed } from "../../../src/lint/protocol.js";

describe("protocolNamed", () => {
  it.each([
    ["tcp", ["all"], "tcp"],
    ["TCP", [], "tcp"],
    ["6", [], "tcp"],
    ["udp", [], "udp"],
    ["17", [], "udp"],
    ["-1", ["-1", "all"], "any"],
    ["all", ["all", "0"], "any"],
    ["0", ["all", "0"], "any"],
    ["all", [], "other"],
    ["icmp", ["all"], "other"],
    ["", ["all"], "other"],
  ] as const)("%j with any-words %j is %s", (text, anyWords, expected) => {
    expect(protocolNamed(text, anyWords)).toBe(expected);
  });
});
