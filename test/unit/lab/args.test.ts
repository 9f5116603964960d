import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { parseNodeGroup, parseNodeRef, parseWholeNumber } from "../../../src/lab/args.js";

const nodes = [1, 2, 3, 4, 5, 6].map((index) => ({ index, address: `127.0.0.${index}`, port: 6379 }));

describe("parseNodeRef", () => {
  it.each([
    { text: "3", index: 3 },
    { text: " 6 ", index: 6 },
    { text: "127.0.0.3:6379", index: 3 },
    { text: "127.0.0.5", index: 5 },
  ])("$text is node $index", ({ text, index }) => {
    expect(parseNodeRef(text, nodes)).toBe(index);
  });

  const ipv6 = [1, 2, 3].map((index) => ({ index, address: `fd00:b5d0::${index}`, port: 6379 }));
  it.each([
    { text: "[fd00:b5d0::3]:6379", index: 3 },
    { text: "fd00:b5d0::2", index: 2 },
    { text: "FD00:B5D0:0::1", index: 1 },
  ])("IPv6 $text is node $index", ({ text, index }) => {
    expect(parseNodeRef(text, ipv6)).toBe(index);
  });

  it("names IPv6 nodes bracketed when refusing", () => {
    expect(() => parseNodeRef("fd00:b5d0::9", ipv6)).toThrow(
      new UsageError('node "fd00:b5d0::9" is not in the lab (its nodes: [fd00:b5d0::1]:6379, [fd00:b5d0::2]:6379, [fd00:b5d0::3]:6379)'),
    );
  });

  it.each([
    { text: "0", message: 'node "0": the lab has nodes 1 to 6' },
    { text: "7", message: 'node "7": the lab has nodes 1 to 6' },
    { text: "node3", message: 'node "node3" is neither a node number nor an address like 127.0.0.3:6379' },
    { text: "127.0.0.3:7000", message: expect.stringContaining('node "127.0.0.3:7000" is not in the lab (its nodes: 127.0.0.1:6379,') },
    { text: "127.0.0.9", message: expect.stringContaining('node "127.0.0.9" is not in the lab') },
  ])("refuses $text", ({ text, message }) => {
    expect(() => parseNodeRef(text, nodes)).toThrow(UsageError);
    expect(() => parseNodeRef(text, nodes)).toThrow(expect.objectContaining({ message }));
  });
});

describe("parseNodeGroup", () => {
  it.each([
    { text: "1,4", group: [1, 4] },
    { text: "2,3,5,6", group: [2, 3, 5, 6] },
    { text: "127.0.0.1,127.0.0.4:6379", group: [1, 4] },
    { text: "5", group: [5] },
  ])("$text", ({ text, group }) => {
    expect(parseNodeGroup(text, nodes)).toEqual(group);
  });
  it("refuses a group with no node", () => {
    expect(() => parseNodeGroup(",", nodes)).toThrow(new UsageError('partition group "," names no node'));
  });
});

describe("parseWholeNumber", () => {
  it.each([
    { text: "3", value: 3 },
    { text: "2000", value: 2000 },
  ])("$text", ({ text, value }) => {
    expect(parseWholeNumber("--masters", text)).toBe(value);
  });
  it.each(["three", "-1", "1.5", ""])("refuses %j", (text) => {
    expect(() => parseWholeNumber("--node-timeout", text)).toThrow(new UsageError(`--node-timeout must be a whole number, got "${text}"`));
  });
});
