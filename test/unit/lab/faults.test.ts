import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { describeFault, nftHealScript, nftRules, nftScript, type FaultLayout, type LabFault, type NetworkFault } from "../../../src/lab/faults.js";

const six: FaultLayout = {
  addresses: ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"],
  port: 6379,
  clusterPort: 16379,
};
const shifted: FaultLayout = { addresses: ["127.0.0.11", "127.0.0.12", "127.0.0.13"], port: 7000, clusterPort: 17100 };
const ipv6: FaultLayout = { addresses: ["fd00:b5d0::1", "fd00:b5d0::2", "fd00:b5d0::3", "fd00:b5d0::4"], port: 6379, clusterPort: 16379 };
const valkey: FaultLayout = { ...six, clientAddresses: ["127.0.1.1", "127.0.1.2", "127.0.1.3", "127.0.1.4", "127.0.1.5", "127.0.1.6"] };

describe("nftRules", () => {
  const cases: Array<{ name: string; fault: NetworkFault; layout: FaultLayout; rules: string[] }> = [
    {
      name: "bus inbound drop",
      fault: { kind: "bus", node: 3, direction: "in", action: "drop" },
      layout: six,
      rules: ["ip daddr 127.0.0.3 tcp dport 16379 drop"],
    },
    {
      name: "bus outbound reject",
      fault: { kind: "bus", node: 3, direction: "out", action: "reject" },
      layout: six,
      rules: ["ip saddr 127.0.0.3 tcp dport 16379 reject with tcp reset"],
    },
    {
      name: "bus both ways",
      fault: { kind: "bus", node: 6, direction: "both", action: "drop" },
      layout: six,
      rules: ["ip daddr 127.0.0.6 tcp dport 16379 drop", "ip saddr 127.0.0.6 tcp dport 16379 drop"],
    },
    {
      name: "bus with another base and ports",
      fault: { kind: "bus", node: 2, direction: "both", action: "reject" },
      layout: shifted,
      rules: ["ip daddr 127.0.0.12 tcp dport 17100 reject with tcp reset", "ip saddr 127.0.0.12 tcp dport 17100 reject with tcp reset"],
    },
    { name: "every bus port", fault: { kind: "bus-all", action: "drop" }, layout: six, rules: ["tcp dport 16379 drop"] },
    {
      name: "bus both ways on IPv6: ip6 addresses",
      fault: { kind: "bus", node: 3, direction: "both", action: "drop" },
      layout: ipv6,
      rules: ["ip6 daddr fd00:b5d0::3 tcp dport 16379 drop", "ip6 saddr fd00:b5d0::3 tcp dport 16379 drop"],
    },
    {
      name: "partition on IPv6",
      fault: {
        kind: "partition",
        groups: [
          [1, 2],
          [3, 4],
        ],
        action: "drop",
      },
      layout: ipv6,
      rules: [
        "ip6 saddr { fd00:b5d0::1, fd00:b5d0::2 } ip6 daddr { fd00:b5d0::3, fd00:b5d0::4 } tcp dport 16379 drop",
        "ip6 saddr { fd00:b5d0::3, fd00:b5d0::4 } ip6 daddr { fd00:b5d0::1, fd00:b5d0::2 } tcp dport 16379 drop",
      ],
    },
    {
      name: "a bus fault with Valkey client addresses stays on the bus address",
      fault: { kind: "bus", node: 3, direction: "in", action: "drop" },
      layout: valkey,
      rules: ["ip daddr 127.0.0.3 tcp dport 16379 drop"],
    },
    {
      name: "a client fault covers the client address too",
      fault: { kind: "client", node: 3, action: "reject" },
      layout: valkey,
      rules: ["ip daddr { 127.0.0.3, 127.0.1.3 } tcp dport 6379 reject with tcp reset"],
    },
    {
      name: "one directed pair",
      fault: { kind: "pair", from: 1, to: 3, action: "drop" },
      layout: six,
      rules: ["ip saddr 127.0.0.1 ip daddr 127.0.0.3 tcp dport 16379 drop"],
    },
    {
      name: "partition of 2 and 4",
      fault: {
        kind: "partition",
        groups: [
          [1, 4],
          [2, 3, 5, 6],
        ],
        action: "drop",
      },
      layout: six,
      rules: [
        "ip saddr { 127.0.0.1, 127.0.0.4 } ip daddr { 127.0.0.2, 127.0.0.3, 127.0.0.5, 127.0.0.6 } tcp dport 16379 drop",
        "ip saddr { 127.0.0.2, 127.0.0.3, 127.0.0.5, 127.0.0.6 } ip daddr { 127.0.0.1, 127.0.0.4 } tcp dport 16379 drop",
      ],
    },
    {
      name: "partition into three, one node alone",
      fault: { kind: "partition", groups: [[1], [2, 3], [4, 5, 6]], action: "reject" },
      layout: six,
      rules: [
        "ip saddr 127.0.0.1 ip daddr { 127.0.0.2, 127.0.0.3, 127.0.0.4, 127.0.0.5, 127.0.0.6 } tcp dport 16379 reject with tcp reset",
        "ip saddr { 127.0.0.2, 127.0.0.3 } ip daddr { 127.0.0.1, 127.0.0.4, 127.0.0.5, 127.0.0.6 } tcp dport 16379 reject with tcp reset",
        "ip saddr { 127.0.0.4, 127.0.0.5, 127.0.0.6 } ip daddr { 127.0.0.1, 127.0.0.2, 127.0.0.3 } tcp dport 16379 reject with tcp reset",
      ],
    },
    {
      name: "client port",
      fault: { kind: "client", node: 5, action: "reject" },
      layout: six,
      rules: ["ip daddr 127.0.0.5 tcp dport 6379 reject with tcp reset"],
    },
  ];
  it.each(cases)("$name", ({ fault, layout, rules }) => {
    expect(nftRules(fault, layout)).toEqual(rules);
  });

  const invalid: Array<{ fault: NetworkFault; message: string }> = [
    { fault: { kind: "bus", node: 7, direction: "in", action: "drop" }, message: "there is no node 7: the lab has nodes 1 to 6" },
    { fault: { kind: "client", node: 0, action: "drop" }, message: "there is no node 0: the lab has nodes 1 to 6" },
    { fault: { kind: "pair", from: 2, to: 2, action: "drop" }, message: "a pair fault needs two different nodes, got 2 twice" },
    { fault: { kind: "partition", groups: [[1, 2, 3, 4, 5, 6]], action: "drop" }, message: "a partition needs at least two groups of nodes" },
    {
      fault: {
        kind: "partition",
        groups: [
          [1, 2],
          [2, 3, 4, 5, 6],
        ],
        action: "drop",
      },
      message: "node 2 is in more than one partition group",
    },
    {
      fault: {
        kind: "partition",
        groups: [
          [1, 4],
          [2, 3],
        ],
        action: "drop",
      },
      message: "every node must be in a partition group; missing: 5, 6",
    },
    {
      fault: {
        kind: "partition",
        groups: [
          [1, 4],
          [2, 3, 5, 6, 9],
        ],
        action: "drop",
      },
      message: "there is no node 9: the lab has nodes 1 to 6",
    },
  ];
  it.each(invalid)("refuses $fault.kind: $message", ({ fault, message }) => {
    expect(() => nftRules(fault, six)).toThrow(new UsageError(message));
  });
});

describe("nft scripts", () => {
  it("adds the table and the input hook chain before the rules, in one script", () => {
    expect(nftScript(["tcp dport 16379 drop"])).toBe(
      [
        "add table inet busdoctor_lab",
        "add chain inet busdoctor_lab input { type filter hook input priority 0; policy accept; }",
        "add rule inet busdoctor_lab input tcp dport 16379 drop",
        "",
      ].join("\n"),
    );
  });
  it("heals by deleting the table, creating it first so that healing twice works", () => {
    expect(nftHealScript()).toBe("add table inet busdoctor_lab\ndelete table inet busdoctor_lab\n");
  });
});

describe("describeFault", () => {
  const described: Array<{ fault: LabFault; text: string }> = [
    { fault: { kind: "bus", node: 3, direction: "in", action: "drop" }, text: "bus port of node 3 (127.0.0.3) blocked inbound (drop)" },
    { fault: { kind: "bus", node: 3, direction: "both", action: "reject" }, text: "bus port of node 3 (127.0.0.3) blocked inbound and outbound (reject)" },
    { fault: { kind: "bus-all", action: "drop" }, text: "every bus port (16379) blocked (drop)" },
    { fault: { kind: "pair", from: 1, to: 2, action: "drop" }, text: "node 1 (127.0.0.1) cannot reach the bus port of node 2 (127.0.0.2) (drop)" },
    {
      fault: {
        kind: "partition",
        groups: [
          [1, 4],
          [2, 3, 5, 6],
        ],
        action: "drop",
      },
      text: "bus partitioned into {1,4} {2,3,5,6} (drop)",
    },
    { fault: { kind: "client", node: 6, action: "reject" }, text: "client port of node 6 (127.0.0.6) blocked (reject)" },
    { fault: { kind: "announce-bus-port", node: 3, port: 17000 }, text: "node 3 (127.0.0.3) announces bus port 17000" },
  ];
  it.each(described)("$text", ({ fault, text }) => {
    expect(describeFault(fault, six)).toBe(text);
  });
});
