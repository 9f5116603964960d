// The nft JSON and iptables-save parsers on dumps recorded from a real namespace with rules applied.
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/firewall/iptables/save.js";
import { FirewallParseError, type FirewallChain } from "../../../src/firewall/model.js";
import { parseNftJson } from "../../../src/firewall/nft/jsonRuleset.js";
import { fixtureText } from "../hostaudit/fixtures.js";

const parseNftRuleset = (text: string) => parseNftJson(text, "nft.json");

function chain(chains: readonly FirewallChain[], table: string, name: string): FirewallChain {
  const found = chains.find((candidate) => candidate.table === table && candidate.name === name);
  if (!found) throw new Error(`no chain ${table} ${name}`);
  return found;
}

/** "handle N" -> the rule text as `nft -a list ruleset` printed it, for every rule line of the listing. */
function listedRules(listing: string): Map<string, string> {
  const rules = new Map<string, string>();
  let table = "";
  for (const line of listing.split("\n")) {
    const tableMatch = /^table (\S+ \S+) \{/.exec(line);
    if (tableMatch) table = tableMatch[1] ?? "";
    const rule = /^\t\t(.+) # handle (\d+)$/.exec(line);
    if (rule && !/^(type|elements|flags) /.test(rule[1] ?? "")) rules.set(`${table} handle ${rule[2]}`, rule[1] ?? "");
  }
  return rules;
}

describe("parseNftRuleset", () => {
  const { chains } = parseNftRuleset(fixtureText("host-firewall", "nft-ruleset.json"));

  it("reads every table's chains with their hooks, priorities, policies and handles", () => {
    expect(chains.map((c) => [`${c.family} ${c.table}`, c.name, c.hook, c.priority, c.policy])).toEqual([
      ["inet busdoctor_lab", "input", "input", 0, "accept"],
      ["inet pf_helper_host", "input", "input", 0, "drop"],
      ["inet pf_helper_host", "redis_chk", null, 0, null],
      ["inet pf_helper_host", "sink", null, 0, null],
      ["inet pf_helper_host", "output", "output", 0, "accept"],
      ["ip filter", "INPUT", "input", 0, "drop"],
      ["ip filter", "REDIS", null, 0, null],
      ["ip filter", "OUTPUT", "output", 0, "accept"],
      ["ip filter", "FORWARD", "forward", 0, "accept"],
      ["ip mangle", "INPUT", "input", -150, "accept"],
    ]);
  });

  it("writes every rule back exactly as `nft -a list ruleset` printed it (iptables' xt rules aside)", () => {
    // The listing was taken a moment after the JSON: counters may have moved in between.
    const uncounted = (text: string | undefined): string | undefined => text?.replace(/counter packets \d+ bytes \d+/, "counter");
    const listed = listedRules(fixtureText("host-firewall", "nft-list-ruleset.txt"));
    const compared = chains.flatMap((c) =>
      c.rules.filter((rule) => !rule.text.includes("xt ")).map((rule) => [`${c.family} ${c.table} ${rule.ref}`, rule.text] as const),
    );
    expect(compared.length).toBe(24);
    for (const [key, text] of compared) expect([key, uncounted(text)]).toEqual([key, uncounted(listed.get(key))]);
  });

  it("resolves named sets and reads negations, ranges and verdicts", () => {
    const input = chain(chains, "pf_helper_host", "input");
    const byHandle = (handle: number) => input.rules.find((rule) => rule.handle === handle);
    expect(byHandle(11)?.conditions[0]).toMatchObject({ kind: "address", field: "saddr", version: 4, negated: false });
    const peers = byHandle(11)?.conditions[0];
    expect(peers?.kind === "address" ? peers.ranges.length : 0).toBe(3);
    expect(byHandle(15)).toMatchObject({
      conditions: [
        { kind: "protocol", protocols: ["tcp"] },
        { kind: "port", field: "dport", protocol: "tcp", ranges: [{ from: 16379, to: 16379 }] },
        { kind: "address", negated: true },
      ],
      verdict: { kind: "reject", text: "reject with icmpx admin-prohibited" },
    });
    expect(byHandle(16)?.verdict).toEqual({ kind: "jump", target: "redis_chk" });
    expect(chain(chains, "pf_helper_host", "redis_chk").rules[2]?.verdict).toEqual({ kind: "goto", target: "sink" });
    expect(chain(chains, "pf_helper_host", "output").rules[1]?.verdict).toMatchObject({
      kind: "port-map",
      entries: [{ verdict: { kind: "accept" } }, { verdict: { kind: "drop" } }],
    });
  });

  it("reads iptables-nft's xt target as a verdict and its xt match as unknown", () => {
    const reject = chain(chains, "filter", "REDIS").rules[2];
    expect(reject?.verdict).toEqual({ kind: "reject", text: "REJECT" });
    expect(reject?.conditions.some((condition) => condition.kind === "unknown")).toBe(true);
  });

  it.each([
    { text: "not json", error: /^JSON: / },
    { text: '{"tables": []}', error: /expected an object with an "nftables" array/ },
    {
      text: '{"nftables": [{"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 4, "expr": []}}]}',
      error: /^line 1: rule 4 is in chain inet t c, which is not listed before it/,
    },
  ])("rejects $text with a clear message", ({ text, error }) => {
    expect(() => parseNftRuleset(text)).toThrow(FirewallParseError);
    expect(() => parseNftRuleset(text)).toThrow(error);
  });
});

describe("parseIptablesSave", () => {
  const saved = parseIptablesSave(fixtureText("host-firewall", "iptables-save.txt"), "iptables-save");

  it("knows the backend and the tables", () => {
    expect(saved.backend).toBe("nf_tables");
    expect(saved.tables).toEqual(["mangle", "filter"]);
  });

  it("names rules by position and reads their matches and targets", () => {
    const redis = chain(saved.ruleset.chains, "filter", "REDIS");
    expect(redis.rules.map((rule) => [rule.ref, rule.verdict.kind])).toEqual([
      ["rule 1", "accept"],
      ["rule 2", "accept"],
      ["rule 3", "reject"],
      ["rule 4", "return"],
    ]);
    expect(redis.rules[2]).toMatchObject({
      text: '-A REDIS -p tcp -m tcp --dport 16379 -m comment --comment "bus from elsewhere" -j REJECT --reject-with tcp-reset',
      conditions: [
        { kind: "protocol", protocols: ["tcp"] },
        { kind: "port", field: "dport", ranges: [{ from: 16379, to: 16379 }] },
      ],
      verdict: { kind: "reject", text: "REJECT --reject-with tcp-reset" },
    });
    const input = chain(saved.ruleset.chains, "filter", "INPUT");
    expect(input).toMatchObject({ hook: "input", policy: "drop", priority: 0 });
    expect(input.rules[2]).toMatchObject({
      conditions: [
        { kind: "protocol" },
        {
          kind: "port",
          ranges: [
            { from: 6379, to: 6379 },
            { from: 16379, to: 16379 },
          ],
        },
      ],
      verdict: { kind: "jump", target: "REDIS" },
    });
    expect(chain(saved.ruleset.chains, "filter", "OUTPUT").rules[1]).toMatchObject({
      conditions: [{ kind: "protocol" }, { kind: "port", negated: true }, { kind: "ctstate", states: ["new"] }],
      verdict: { kind: "none" },
    });
    expect(chain(saved.ruleset.chains, "mangle", "INPUT")).toMatchObject({
      priority: -150,
      rules: [{ conditions: [{ kind: "address", field: "saddr" }, {}, {}] }],
    });
  });

  it.each([
    { text: "-A INPUT -j DROP", error: /^line 1: expected \*table before/ },
    { text: "*filter\n-A NOPE -j DROP", error: /^line 2: rule for undeclared chain "NOPE"/ },
    { text: "*filter\n:INPUT DROP [0:0]\nINPUT -j DROP", error: /^line 3: expected :CHAIN POLICY or -A CHAIN/ },
  ])("rejects $text naming the line", ({ text, error }) => {
    expect(() => parseIptablesSave(text, "f")).toThrow(FirewallParseError);
    expect(() => parseIptablesSave(text, "f")).toThrow(error);
  });
});
