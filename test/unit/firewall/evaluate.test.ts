// The engine's evaluator on small rulesets written in iptables-save and nft syntax: jump comes back,
// goto does not, return goes to the caller, policies apply when a base chain falls through, depth and
// missing chains make the answer uncertain.
import { describe, expect, it } from "vitest";
import { CLUSTER_NODE, evaluateFlow, INTERNET_HOST, MAX_JUMP_DEPTH, type Flow } from "../../../src/firewall/evaluate.js";
import { parseIptablesSave } from "../../../src/firewall/iptables/save.js";
import type { FirewallChain } from "../../../src/firewall/model.js";
import { parseNftText } from "../../../src/firewall/nft/text.js";

function iptables(...lines: string[]): FirewallChain[] {
  // Every chain a rule is in or goes to is declared (REDIS may be empty), except NOWHERE.
  const declared = new Set(
    lines
      .flatMap((line) => [/^-A (\S+)/.exec(line)?.[1] ?? "", /-[jg] ([A-Z][A-Z0-9]+)$/.exec(line)?.[1] ?? ""])
      .filter((name) => name !== "" && name !== "NOWHERE" && name !== "ACCEPT" && name !== "DROP" && name !== "RETURN"),
  );
  const chains = [...declared].map((name) => `:${name} ${name === "INPUT" ? "DROP" : "-"} [0:0]`);
  return parseIptablesSave(["*filter", ":INPUT DROP [0:0]", ...chains.filter((line) => !line.startsWith(":INPUT")), ...lines, "COMMIT"].join("\n"), "rules")
    .ruleset.chains;
}

const IN: Omit<Flow, "dport"> = { version: 4, saddr: "10.0.0.7", daddr: "10.0.0.5", iface: "other", hooks: ["prerouting", "input"] };

function outcome(chains: FirewallChain[], dport: number, flow: Partial<Flow> = {}): string {
  const result = evaluateFlow(chains, { ...IN, dport, ...flow });
  return `${result.blocked} ${result.blockers.map((blocker) => `${blocker.chain.name}:${blocker.rule?.ref ?? "policy"}${blocker.certain ? "" : "?"}`).join(",")}`.trim();
}

describe("goto, jump and return", () => {
  const issueExample = iptables("-A INPUT -p tcp --dport 6379 -j ACCEPT", "-A INPUT -p tcp -g REDIS", "-A INPUT -p tcp --dport 16379 -j ACCEPT");

  it("a goto into an empty chain ends the calling chain: the accept after it is never reached (the kernel drops 16379)", () => {
    expect(outcome(issueExample, 16379)).toBe("certain INPUT:policy");
    expect(outcome(issueExample, 6379)).toBe("no");
  });

  it("a jump into an empty chain comes back: the accept after it decides", () => {
    expect(outcome(iptables("-A INPUT -p tcp -j REDIS", "-A INPUT -p tcp --dport 16379 -j ACCEPT"), 16379)).toBe("no");
  });

  it("a return in a jumped-to chain goes back to the caller, past the chain's own accept", () => {
    const chains = iptables(
      "-A INPUT -j REDIS",
      "-A INPUT -p tcp --dport 6379 -j ACCEPT",
      "-A REDIS -p tcp --dport 16379 -j RETURN",
      "-A REDIS -p tcp --dport 16379 -j ACCEPT",
    );
    expect(outcome(chains, 16379)).toBe("certain INPUT:policy");
  });

  it("a goto from a jumped-to chain returns to the first caller when its chain ends", () => {
    const chains = iptables("-A INPUT -j A", "-A INPUT -p tcp --dport 16379 -j ACCEPT", "-A A -g B", "-A A -j DROP", "-A B -p tcp --dport 6379 -j ACCEPT");
    // B ends without a verdict: back in INPUT (not in A, whose DROP is skipped), where 16379 is accepted.
    expect(outcome(chains, 16379)).toBe("no");
    expect(outcome(chains, 6379)).toBe("no");
  });

  it("a goto in nft behaves the same", () => {
    const { chains } = parseNftText(
      "table inet f {\n  chain redis {\n  }\n  chain input {\n    type filter hook input priority 0; policy drop;\n    tcp dport 6379 accept\n    goto redis\n    tcp dport 16379 accept\n  }\n}\n",
      "f.nft",
    );
    expect(outcome(chains, 16379)).toBe("certain input:policy");
  });
});

describe("three answers", () => {
  it("a drop behind a rule that may match is only a possible block", () => {
    const chains = iptables("-A INPUT -i eth1 -j ACCEPT", "-A INPUT -p tcp --dport 16379 -j DROP", "-A INPUT -j ACCEPT");
    expect(outcome(chains, 16379)).toBe("possible INPUT:rule 2?");
  });

  it("a jump to a chain that is not there, or jumps nested past the limit, may do anything", () => {
    const missing = evaluateFlow(iptables("-A INPUT -g NOWHERE", "-A INPUT -j ACCEPT"), { ...IN, dport: 16379 });
    expect(missing.gaps).toEqual(["INPUT jumps to NOWHERE, which is not defined"]);
    const lines = Array.from({ length: MAX_JUMP_DEPTH + 2 }, (_, index) => `-A C${index} -j C${index + 1}`);
    const deep = evaluateFlow(iptables("-A INPUT -j C0", ...lines, `-A C${MAX_JUMP_DEPTH + 2} -j ACCEPT`), { ...IN, dport: 16379 });
    expect(deep.blocked).toBe("possible");
    expect(deep.gaps[0]).toMatch(/^jumps nested deeper than 16/);
  });

  it("a cluster node is inside `self` and the whole address space; an internet host is outside private ranges", () => {
    const chains = iptables("-A INPUT -s 10.0.0.0/8 -p tcp --dport 16379 -j ACCEPT", "-A INPUT -s 0.0.0.0/0 -p tcp --dport 6379 -j ACCEPT");
    expect(outcome(chains, 16379, { saddr: CLUSTER_NODE })).toBe("possible INPUT:policy?");
    expect(outcome(chains, 16379, { saddr: INTERNET_HOST })).toBe("certain INPUT:policy");
    expect(outcome(chains, 6379, { saddr: CLUSTER_NODE })).toBe("no");
    const acceptors = evaluateFlow(chains, { ...IN, saddr: CLUSTER_NODE, dport: 16379 }).acceptors;
    expect(acceptors.map((acceptor) => [acceptor.rule?.ref, acceptor.certain])).toEqual([["rule 1", false]]);
  });

  it("an IPv4-mapped address is matched as the IPv4 address it travels as", () => {
    const chains = iptables("-A INPUT -s 10.0.0.0/8 -p tcp --dport 16379 -j ACCEPT");
    expect(outcome(chains, 16379, { saddr: "::ffff:10.0.0.7" })).toBe("no");
  });
});
