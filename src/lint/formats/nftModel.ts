// What both nftables formats (`nft list ruleset` text and `nft -j list ruleset` JSON) read into, and
// its meaning: matches and verdicts become ChainRules, base chains become policies.
import type { Location, Policy, PortRange, Protocol, RuleSyntax } from "../model.js";
import { protocolNamed } from "../protocol.js";
import { parsePortRange } from "../ports.js";
import { chainPolicy, type Chain, type ChainRule } from "./chains.js";

export type NftValue =
  | { kind: "literal"; text: string }
  | { kind: "range"; from: string; to: string }
  | { kind: "prefix"; address: string; length: number }
  | { kind: "setref"; name: string };

export type NftStatement =
  /** `left` is normalised: "tcp dport", "ip saddr", "ct state", "meta iifname", "meta l4proto"... */
  | { kind: "match"; left: string; negated: boolean; values: NftValue[] }
  | { kind: "verdict"; verdict: string; target?: string }
  /** counter, log, limit, comment: no effect on the verdict. */
  | { kind: "annotation" }
  | { kind: "unknown"; text: string };

export interface NftRuleText {
  at: Location;
  statements: NftStatement[];
}

export interface NftChain {
  name: string;
  at: Location;
  type?: string;
  hook?: string;
  policy?: "accept" | "drop";
  rules: NftRuleText[];
}

export interface NftTable {
  family: string;
  name: string;
  at: Location;
  chains: NftChain[];
  sets: Map<string, NftValue[]>;
}

/** Written back into fixes the way nft prints it. */
function formatNftValues(values: NftValue[]): string {
  const texts = values.map((value) => {
    switch (value.kind) {
      case "literal":
        return value.text;
      case "range":
        return `${value.from}-${value.to}`;
      case "prefix":
        return `${value.address}/${value.length}`;
      case "setref":
        return `@${value.name}`;
    }
  });
  return texts.length === 1 ? (texts[0] as string) : `{ ${texts.join(", ")} }`;
}

function expandSets(values: NftValue[], sets: Map<string, NftValue[]>): NftValue[] | undefined {
  const result: NftValue[] = [];
  for (const value of values) {
    if (value.kind !== "setref") {
      result.push(value);
      continue;
    }
    const elements = sets.get(value.name);
    if (!elements) return undefined;
    result.push(...elements);
  }
  return result;
}

function portsOf(values: NftValue[]): PortRange[] | undefined {
  const ranges: PortRange[] = [];
  for (const value of values) {
    const range =
      value.kind === "literal" ? parsePortRange(value.text, "-") : value.kind === "range" ? parsePortRange(`${value.from}-${value.to}`, "-") : undefined;
    if (!range) return undefined;
    ranges.push(range);
  }
  return ranges;
}

function addressesOf(values: NftValue[]): string[] | undefined {
  const addresses: string[] = [];
  for (const value of values) {
    if (value.kind === "literal") addresses.push(value.text);
    else if (value.kind === "prefix") addresses.push(`${value.address}/${value.length}`);
    else return undefined;
  }
  return addresses;
}

/** `meta l4proto tcp`, `ip protocol 6`: nft has no word for every protocol (a rule without a match is one). */
function protocolOf(text: string): Protocol {
  return protocolNamed(text, []);
}

const LOOPBACK = new Set(["lo", "1"]);

/** Applies one match to the rule; sample statements: `tcp dport { 6379, 16379 }`, `ip saddr @peers`, `ct state established,related`. */
function applyMatch(rule: ChainRule, statement: Extract<NftStatement, { kind: "match" }>, sets: Map<string, NftValue[]>): void {
  const written = `${statement.left} ${statement.negated ? "!= " : ""}${formatNftValues(statement.values)}`;
  const values = expandSets(statement.values, sets);
  const [layer, field] = statement.left.split(" ");
  if (!values || statement.negated) {
    rule.unmodelled = written;
    return;
  }
  const texts = values.map((value) => (value.kind === "literal" ? value.text : ""));
  if (field === "dport") {
    const ranges = portsOf(values);
    if (!ranges) rule.unmodelled = written;
    else rule.dports = { kind: "ranges", ranges };
    if (layer === "tcp" || layer === "udp") rule.protocol = layer;
  } else if (field === "sport") {
    rule.irrelevant = true;
  } else if (field === "saddr" || field === "daddr") {
    const addresses = addressesOf(values);
    if (!addresses) rule.unmodelled = written;
    else if (field === "saddr") Object.assign(rule, { saddr: addresses, saddrSource: written });
    else Object.assign(rule, { daddr: addresses, daddrSource: written });
  } else if (statement.left === "ct state") {
    if (!texts.includes("new")) rule.irrelevant = true;
  } else if (statement.left === "meta l4proto" || statement.left === "ip protocol" || statement.left === "ip6 nexthdr") {
    const protocols = new Set(texts.map(protocolOf));
    rule.protocol = protocols.size === 1 ? (protocols.values().next().value as Protocol) : "any";
  } else if (["meta iif", "meta iifname", "meta oif", "meta oifname"].includes(statement.left)) {
    if (texts.every((text) => LOOPBACK.has(text))) rule.irrelevant = true;
    else rule.iface = written;
  } else if (statement.left !== "meta nfproto") {
    rule.unmodelled = written;
  }
}

function toChainRule(text: NftRuleText, sets: Map<string, NftValue[]>, known: Set<string>): ChainRule {
  const rule: ChainRule = { at: text.at, protocol: "any", dports: { kind: "any" }, irrelevant: false, action: { kind: "none" } };
  for (const statement of text.statements) {
    if (statement.kind === "match") applyMatch(rule, statement, sets);
    else if (statement.kind === "unknown") rule.unmodelled ??= statement.text;
    else if (statement.kind === "verdict") {
      if (statement.verdict === "accept") rule.action = { kind: "accept" };
      else if (statement.verdict === "drop" || statement.verdict === "reject") rule.action = { kind: "drop" };
      else if (statement.verdict === "return") rule.action = { kind: "return" };
      else if ((statement.verdict === "jump" || statement.verdict === "goto") && statement.target && known.has(statement.target))
        rule.action = { kind: "jump", chain: statement.target };
    }
  }
  return rule;
}

/** Each table's input and output base chains (filter type) become one policy. */
export function nftPolicies(tables: NftTable[], syntaxName: "nft" | "nft-json"): Policy[] {
  const policies: Policy[] = [];
  for (const table of tables) {
    if (!["ip", "ip6", "inet"].includes(table.family)) continue;
    const names = new Set(table.chains.map((chain) => chain.name));
    const chains = new Map<string, Chain>();
    for (const chain of table.chains) {
      chains.set(chain.name, {
        name: chain.name,
        at: chain.at,
        rules: chain.rules.map((rule) => toChainRule(rule, table.sets, names)),
        ...(chain.hook ? { hook: chain.hook } : {}),
        ...(chain.policy ? { policy: chain.policy } : {}),
      });
    }
    const base = table.chains.filter((chain) => (chain.type ?? "filter") === "filter" && chain.hook);
    const inputs = base.filter((chain) => chain.hook === "input");
    const outputs = base.filter((chain) => chain.hook === "output");
    const count = Math.max(inputs.length, outputs.length);
    for (let i = 0; i < count; i++) {
      const input = inputs[i];
      const output = outputs[i];
      const syntaxOf = (chain: NftChain): RuleSyntax => ({ syntax: syntaxName, family: table.family, table: table.name, chain: chain.name });
      const policy: Policy = { name: `nft table ${table.family} ${table.name}`, at: (input ?? output ?? table).at };
      if (input) policy.in = chainPolicy(chains.get(input.name) as Chain, chains, "in", syntaxOf(input));
      if (output) policy.out = chainPolicy(chains.get(output.name) as Chain, chains, "out", syntaxOf(output));
      policies.push(policy);
    }
  }
  return policies;
}
