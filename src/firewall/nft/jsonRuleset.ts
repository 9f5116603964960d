// Pure: `nft -j list ruleset` into the firewall model. Real output (nftables 1.0.6, a lab fault), abridged:
//   {"nftables": [{"metainfo": {"version": "1.0.6", ...}},
//     {"table": {"family": "inet", "name": "busdoctor_lab", "handle": 1}},
//     {"chain": {"family": "inet", "table": "busdoctor_lab", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
//     {"rule": {"family": "inet", "table": "busdoctor_lab", "chain": "input", "handle": 2, "expr": [
//       {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "127.0.0.3"}},
//       {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 16379}},
//       {"drop": null}]}}]}
// Named sets ("@redis_peers") are resolved from the same table's `set` objects. Each object keeps the
// line and column it starts at (nft prints the whole document on one line: line 1, the object's column).
import { namedHosts, parseAddressRange } from "../addresses.js";
import {
  FirewallParseError,
  type AddressRange,
  type Condition,
  type FirewallChain,
  type FirewallRule,
  type Hook,
  type HostGroup,
  type Location,
  type PortRange,
  type Ruleset,
  type Verdict,
} from "../model.js";
import { portRange } from "../ports.js";
import { LineIndex } from "../lines.js";
import { arrayElementOffsets, field, soleEntry, text, type Json } from "./json.js";
import { renderRule, renderStatement } from "./render.js";

/** Whether text is nft JSON: an object whose first key is "nftables". */
export function isNftJson(head: string): boolean {
  const start = head.trimStart();
  return start.startsWith("{") && start.slice(1).trimStart().startsWith('"nftables"');
}

const HOOKS: readonly Hook[] = ["prerouting", "input", "forward", "output", "postrouting", "ingress", "egress"];

type Sets = Map<string, Json[] | null>;

const setKey = (family: string, table: string, name: string): string => `${family} ${table} ${name}`;

/** The elements a right-hand side stands for: literals, prefixes, ranges, anonymous and named sets; null: a set not in the dump. */
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

function portRanges(values: readonly Json[]): PortRange[] | null {
  const ranges: PortRange[] = [];
  for (const value of values) {
    const range = portRange(elementText(value) ?? "", "-");
    if (range === undefined) return null;
    ranges.push(range);
  }
  return ranges;
}

function words(values: readonly Json[]): string[] | null {
  const list: string[] = [];
  for (const value of values) {
    const word = text(value);
    if (word === null) return null;
    list.push(word.toLowerCase());
  }
  return list;
}

/** One `match` statement as conditions the evaluator understands, or `unknown` (it may match). */
function conditions(body: Json, sets: Sets, family: string, table: string): Condition[] {
  const written = renderStatement({ match: body });
  const unknown: Condition = { kind: "unknown", text: written, about: "other" };
  const op = text(field(body, "op")) ?? "==";
  if (op !== "==" && op !== "!=" && op !== "in") return [unknown];
  const negated = op === "!=";
  const left = soleEntry(field(body, "left") ?? null);
  if (left === null) return [unknown];
  const [kind, leftBody] = left;
  const protocol = text(field(leftBody, "protocol"));
  const name = text(field(leftBody, kind === "payload" ? "field" : "key")) ?? "";
  const right = field(body, "right");
  const values = elements(right, sets, family, table);
  if (kind === "payload" && (name === "saddr" || name === "daddr") && (protocol === "ip" || protocol === "ip6")) {
    const version = protocol === "ip" ? 4 : 6;
    if (values === null) {
      const group: HostGroup = { name: text(right) ?? "set", self: false, internet: false };
      return [{ kind: "address", field: name, version, negated, ranges: [], groups: [group], written: [written] }];
    }
    const ranges: AddressRange[] = [];
    const groups: HostGroup[] = [];
    for (const value of values) {
      const shown = elementText(value);
      const range = shown === null ? null : parseAddressRange(shown);
      if (range === null) groups.push(namedHosts(shown ?? JSON.stringify(value)));
      else ranges.push(range);
    }
    return [{ kind: "address", field: name, version, negated, ranges, groups, written: [written] }];
  }
  if (kind === "payload" && (name === "dport" || name === "sport") && protocol !== null) {
    const ranges = values === null ? null : portRanges(values);
    const implied: Condition[] = protocol === "th" ? [] : [{ kind: "protocol", negated: false, protocols: [protocol] }];
    if (ranges === null) return [...implied, { ...unknown, about: name === "dport" ? "port" : "other" }];
    return [...implied, { kind: "port", field: name, protocol, negated, ranges }];
  }
  const list = values === null ? null : words(values);
  if (list === null) return [unknown];
  const isL4 =
    (kind === "meta" && name === "l4proto") ||
    (kind === "payload" && ((protocol === "ip" && name === "protocol") || (protocol === "ip6" && name === "nexthdr")));
  if (isL4) return [{ kind: "protocol", negated, protocols: list }];
  if (kind === "meta" && name === "nfproto" && !negated) return [{ kind: "family", versions: list.map((word) => (word === "ipv6" ? 6 : 4)) }];
  if (kind === "ct" && name === "state") return [{ kind: "ctstate", negated, states: list }];
  if (kind === "meta" && ["iif", "iifname", "oif", "oifname"].includes(name)) {
    return [{ kind: "interface", direction: name.startsWith("i") ? "in" : "out", negated, names: list, written }];
  }
  return [unknown];
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
  if (key !== null && key[0] === "ct" && text(field(key[1], "key")) === "state" && Array.isArray(data)) {
    // Only the `new` entry concerns a connection being opened.
    const entry = data.find((pair) => Array.isArray(pair) && text(pair[0] ?? null) === "new");
    return Array.isArray(entry) ? (statementVerdict(entry[1] ?? null) ?? unknown) : { kind: "none" };
  }
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
function parseRule(rule: Json, sets: Sets, family: string, table: string, at: Location): FirewallRule {
  const expr = field(rule, "expr");
  const statements = Array.isArray(expr) ? expr : [];
  const handle = Number(text(field(rule, "handle")));
  const found: Condition[] = [];
  let verdict: Verdict = { kind: "none" };
  for (const statement of statements) {
    const entry = soleEntry(statement);
    if (entry?.[0] === "match") for (const condition of conditions(entry[1], sets, family, table)) found.push(condition);
    else if ((entry?.[0] === "xt" && text(field(entry[1], "type")) === "match") || entry?.[0] === "limit") {
      found.push({ kind: "unknown", text: renderStatement(statement), about: "other" });
    } else verdict = statementVerdict(statement) ?? verdict;
  }
  return {
    at,
    ref: Number.isInteger(handle) ? `handle ${handle}` : `line ${at.line} column ${at.column}`,
    handle: Number.isInteger(handle) ? handle : null,
    text: renderRule(statements),
    conditions: found,
    verdict,
  };
}

function parseJson(input: string): Json {
  try {
    return JSON.parse(input) as Json;
  } catch (error) {
    throw new FirewallParseError(`JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The whole `nft -j list ruleset` document: {"nftables": [{"metainfo": ...}, {"table": ...}, {"set": ...}, {"chain": ...}, {"rule": ...}]}. */
export function parseNftJson(input: string, file: string): Ruleset {
  const items = field(parseJson(input), "nftables");
  if (!Array.isArray(items)) throw new FirewallParseError('nft JSON: expected an object with an "nftables" array');
  const offsets = arrayElementOffsets(input);
  const lines = new LineIndex(input);
  const locate = (index: number): Location => ({ file, ...lines.position(offsets[index] ?? 0) });
  const sets: Sets = new Map();
  const chains = new Map<string, FirewallChain>();
  const lastIndex = new Map<string, number>();
  // Sets first: a rule may name a set listed after it.
  for (const item of items) {
    const entry = soleEntry(item);
    if (entry === null || (entry[0] !== "set" && entry[0] !== "map")) continue;
    const elem = field(entry[1], "elem");
    const where = (key: string): string => text(field(entry[1], key)) ?? "";
    sets.set(setKey(where("family"), where("table"), where("name")), Array.isArray(elem) ? elem : null);
  }
  items.forEach((item, index) => {
    const entry = soleEntry(item);
    if (entry === null) return;
    const [kind, body] = entry;
    const family = text(field(body, "family")) ?? "";
    const table = text(field(body, "table")) ?? "";
    const name = text(field(body, "name")) ?? "";
    if (kind === "chain") {
      const hook = text(field(body, "hook"));
      const policy = text(field(body, "policy"));
      const handle = Number(text(field(body, "handle")));
      lastIndex.set(setKey(family, table, name), index);
      chains.set(setKey(family, table, name), {
        source: "nftables",
        family,
        table,
        name,
        at: locate(index),
        handle: Number.isInteger(handle) ? handle : null,
        hook: HOOKS.find((candidate) => candidate === hook) ?? null,
        priority: Number(text(field(body, "prio")) ?? 0),
        policy: policy === "drop" ? "drop" : policy === "accept" ? "accept" : null,
        rules: [],
      });
    } else if (kind === "rule") {
      const chainName = text(field(body, "chain")) ?? "";
      const chain = chains.get(setKey(family, table, chainName));
      if (chain === undefined) {
        const at = locate(index);
        throw new FirewallParseError(`rule ${text(field(body, "handle")) ?? "?"} is in chain ${family} ${table} ${chainName}, which is not listed before it`, {
          line: at.line,
          column: at.column,
        });
      }
      chain.rules.push(parseRule(body, sets, family, table, locate(index)));
      lastIndex.set(setKey(family, table, chainName), index);
    }
  });
  // A rule added to a chain goes before the element after the chain's last rule (before its last rule when nothing follows).
  for (const [key, chain] of chains) {
    const index = lastIndex.get(key) ?? -1;
    const following = offsets[index + 1];
    const lastRule = chain.rules[chain.rules.length - 1];
    if (following !== undefined) chain.end = { file, ...lines.position(following) };
    else if (lastRule !== undefined) chain.end = lastRule.at;
  }
  return { source: "nftables", chains: [...chains.values()] };
}
