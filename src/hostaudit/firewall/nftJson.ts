// Pure: `nft -j list ruleset` into the firewall model. Real output (nftables 1.0.6, a lab fault), abridged:
//   {"nftables": [{"metainfo": {"version": "1.0.6", ...}},
//     {"table": {"family": "inet", "name": "busdoctor_lab", "handle": 1}},
//     {"chain": {"family": "inet", "table": "busdoctor_lab", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
//     {"rule": {"family": "inet", "table": "busdoctor_lab", "chain": "input", "handle": 2, "expr": [
//       {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "127.0.0.3"}},
//       {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 16379}},
//       {"drop": null}]}}]}
// Named sets ("@redis_peers") are resolved from the same table's `set` objects.
import { parseAddressRange } from "./addresses.js";
import { field, soleEntry, text, type Json } from "./json.js";
import type { AddressRange, Condition, FirewallChain, FirewallRule, Hook, PortRange, Ruleset, Verdict } from "./model.js";
import { renderRule, renderStatement } from "./nftText.js";

export class NftParseError extends Error {
  constructor(message: string) {
    super(`nft -j list ruleset: ${message}`);
    this.name = "NftParseError";
  }
}

const HOOKS: readonly Hook[] = ["prerouting", "input", "forward", "output", "postrouting", "ingress", "egress"];

type Sets = Map<string, Json[]>;

const setKey = (family: string, table: string, name: string): string => `${family} ${table} ${name}`;

/** The elements a right-hand side stands for: literals, prefixes, ranges, anonymous and named sets. */
function elements(value: Json | undefined, sets: Sets, family: string, table: string): Json[] | null {
  if (value === undefined) return null;
  if (typeof value === "string" && value.startsWith("@")) return sets.get(setKey(family, table, value.slice(1))) ?? null;
  if (Array.isArray(value)) return value;
  const entry = soleEntry(value);
  if (entry !== null && entry[0] === "set" && Array.isArray(entry[1])) return entry[1];
  if (entry !== null && entry[0] === "elem") return elements(field(entry[1], "val"), sets, family, table);
  return [value];
}

function elementText(value: Json): string | null {
  const entry = soleEntry(value);
  if (entry === null) return text(value);
  const [kind, body] = entry;
  if (kind === "prefix") return `${text(field(body, "addr")) ?? ""}/${text(field(body, "len")) ?? ""}`;
  if (kind === "range" && Array.isArray(body)) return `${text(body[0]) ?? ""}-${text(body[1]) ?? ""}`;
  if (kind === "elem") return elementText(field(body, "val") ?? null);
  return null;
}

function addressRanges(values: Json[]): AddressRange[] | null {
  const ranges = values.map((value) => {
    const shown = elementText(value);
    return shown === null ? null : parseAddressRange(shown);
  });
  return ranges.every((range): range is AddressRange => range !== null) ? ranges : null;
}

function portRanges(values: Json[]): PortRange[] | null {
  const ranges = values.map((value): PortRange | null => {
    const shown = elementText(value) ?? "";
    const match = /^(\d+)(?:-(\d+))?$/.exec(shown);
    return match ? { from: Number(match[1]), to: Number(match[2] ?? match[1]) } : null;
  });
  return ranges.every((range): range is PortRange => range !== null) ? ranges : null;
}

function words(values: Json[]): string[] | null {
  const list = values.map((value) => text(value));
  return list.every((word): word is string => word !== null) ? list : null;
}

/** One `match` statement as a condition the evaluator understands, or `unknown` (it may match). */
function condition(body: Json, sets: Sets, family: string, table: string): Condition {
  const unknown: Condition = { kind: "unknown", text: renderStatement({ match: body }) };
  const op = text(field(body, "op")) ?? "==";
  if (op !== "==" && op !== "!=" && op !== "in") return unknown;
  const negated = op === "!=";
  const values = elements(field(body, "right"), sets, family, table);
  if (values === null) return unknown;
  const left = soleEntry(field(body, "left") ?? null);
  if (left === null) return unknown;
  const [kind, leftBody] = left;
  const protocol = text(field(leftBody, "protocol"));
  const name = text(field(leftBody, kind === "payload" ? "field" : "key")) ?? "";
  if (kind === "payload" && (name === "saddr" || name === "daddr") && (protocol === "ip" || protocol === "ip6")) {
    const ranges = addressRanges(values);
    return ranges === null ? unknown : { kind: "address", field: name, version: protocol === "ip" ? 4 : 6, negated, ranges };
  }
  if (kind === "payload" && (name === "dport" || name === "sport") && protocol !== null) {
    const ranges = portRanges(values);
    return ranges === null ? unknown : { kind: "port", field: name, protocol, negated, ranges };
  }
  const list = words(values);
  if (list === null) return unknown;
  const isL4 = (kind === "meta" && name === "l4proto") || (kind === "payload" && ((protocol === "ip" && name === "protocol") || (protocol === "ip6" && name === "nexthdr")));
  if (isL4) return { kind: "protocol", negated, protocols: list };
  if (kind === "meta" && name === "nfproto" && !negated) return { kind: "family", versions: list.map((word) => (word === "ipv6" ? 6 : 4)) };
  if (kind === "ct" && name === "state") return { kind: "ctstate", negated, states: list };
  if (kind === "meta" && ["iif", "iifname", "oif", "oifname"].includes(name)) {
    return { kind: "interface", direction: name.startsWith("i") ? "in" : "out", negated, names: list };
  }
  return unknown;
}

const XT_VERDICTS: Record<string, Verdict> = {
  ACCEPT: { kind: "accept" },
  DROP: { kind: "drop" },
  REJECT: { kind: "reject", text: "REJECT" },
  RETURN: { kind: "return" },
};

function mapVerdict(body: Json): Verdict {
  const key = soleEntry(field(body, "key") ?? null);
  const data = field(field(body, "data"), "set");
  const protocol = text(field(key?.[1], "protocol"));
  const unknown: Verdict = { kind: "unknown", text: renderStatement({ vmap: body }) };
  if (key === null || key[0] !== "payload" || text(field(key[1], "field")) !== "dport" || protocol === null || !Array.isArray(data)) return unknown;
  const entries: Array<{ ranges: PortRange[]; verdict: Verdict }> = [];
  for (const pair of data) {
    const ranges = Array.isArray(pair) ? portRanges([pair[0] ?? null]) : null;
    const verdict = Array.isArray(pair) ? statementVerdict(pair[1] ?? null) : null;
    if (ranges === null || verdict === null) return unknown;
    entries.push({ ranges, verdict });
  }
  return { kind: "port-map", protocol, entries };
}

/** The verdict a statement gives, or null when it is no verdict (counter, log, a match). */
function statementVerdict(statement: Json): Verdict | null {
  const entry = soleEntry(statement);
  if (entry === null) return null;
  const [kind, body] = entry;
  switch (kind) {
    case "accept":
    case "drop":
    case "return":
      return { kind };
    case "reject":
      return { kind: "reject", text: renderStatement(statement) };
    case "jump":
    case "goto":
      return { kind, target: text(field(body, "target")) ?? "" };
    case "vmap":
      return mapVerdict(body);
    case "queue":
      return { kind: "unknown", text: "queue" };
    case "xt":
      return text(field(body, "type")) === "target" ? (XT_VERDICTS[text(field(body, "name")) ?? ""] ?? null) : null;
    default:
      return null;
  }
}

// {"family": "inet", "table": "pf_helper_host", "chain": "input", "handle": 15, "expr": [{"match": {"op": "==", "left": {"payload":
//   {"protocol": "tcp", "field": "dport"}}, "right": 16379}}, {"match": {"op": "!=", ...}}, {"log": {"prefix": "bus "}}, {"reject": {...}}]}
function parseRule(rule: Json, sets: Sets, family: string, table: string): FirewallRule {
  const expr = field(rule, "expr");
  const statements = Array.isArray(expr) ? expr : [];
  const handle = Number(text(field(rule, "handle")));
  const conditions: Condition[] = [];
  let verdict: Verdict = { kind: "none" };
  for (const statement of statements) {
    const entry = soleEntry(statement);
    if (entry?.[0] === "match") conditions.push(condition(entry[1], sets, family, table));
    else if (entry?.[0] === "xt" && text(field(entry[1], "type")) === "match") conditions.push({ kind: "unknown", text: renderStatement(statement) });
    else if (entry?.[0] === "limit") conditions.push({ kind: "unknown", text: renderStatement(statement) });
    else verdict = statementVerdict(statement) ?? verdict;
  }
  return { ref: `handle ${handle}`, handle: Number.isInteger(handle) ? handle : null, text: renderRule(statements), conditions, verdict };
}

function parseJson(textInput: string): Json {
  try {
    return JSON.parse(textInput) as Json;
  } catch (error) {
    throw new NftParseError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The whole `nft -j list ruleset` document: {"nftables": [{"metainfo": ...}, {"table": ...}, {"set": ...}, {"chain": ...}, {"rule": ...}]}. */
export function parseNftRuleset(input: string): Ruleset {
  const items = field(parseJson(input), "nftables");
  if (!Array.isArray(items)) throw new NftParseError('expected an object with an "nftables" array');
  const sets: Sets = new Map();
  const chains = new Map<string, FirewallChain>();
  // Sets first: a rule may name a set listed after it.
  for (const item of items) {
    const entry = soleEntry(item);
    if (entry === null || (entry[0] !== "set" && entry[0] !== "map")) continue;
    const elem = field(entry[1], "elem");
    const where = (key: string): string => text(field(entry[1], key)) ?? "";
    sets.set(setKey(where("family"), where("table"), where("name")), Array.isArray(elem) ? elem : []);
  }
  for (const item of items) {
    const entry = soleEntry(item);
    if (entry === null) continue;
    const [kind, body] = entry;
    const family = text(field(body, "family")) ?? "";
    const table = text(field(body, "table")) ?? "";
    const name = text(field(body, "name")) ?? "";
    if (kind === "chain") {
      const hook = text(field(body, "hook"));
      const policy = text(field(body, "policy"));
      const handle = Number(text(field(body, "handle")));
      chains.set(setKey(family, table, name), {
        source: "nftables",
        family,
        table,
        name,
        handle: Number.isInteger(handle) ? handle : null,
        hook: HOOKS.find((candidate) => candidate === hook) ?? null,
        priority: Number(text(field(body, "prio")) ?? 0),
        policy: policy === "drop" ? "drop" : policy === "accept" ? "accept" : null,
        rules: [],
      });
    } else if (kind === "rule") {
      const chainName = text(field(body, "chain")) ?? "";
      const chain = chains.get(setKey(family, table, chainName));
      if (chain === undefined) throw new NftParseError(`rule ${text(field(body, "handle")) ?? "?"} is in chain ${family} ${table} ${chainName}, which is not listed before it`);
      chain.rules.push(parseRule(body, sets, family, table));
    }
  }
  return { source: "nftables", chains: [...chains.values()] };
}
