// `nft -j list ruleset` output. Read with the YAML parser (JSON is YAML) to keep positions, which for
// this one-line format are line 1 and the column of each rule object.
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { LintInputError } from "../errors.js";
import type { Policy } from "../model.js";
import { nftPolicies, type NftStatement, type NftTable, type NftValue } from "./nftModel.js";
import { entries, get, items, locate, parseYaml, str, type YamlSource } from "./yamlNodes.js";

/** Whether text is nft JSON: an object whose first key is "nftables". */
export function isNftJson(head: string): boolean {
  const start = head.trimStart();
  return start.startsWith("{") && start.slice(1).trimStart().startsWith('"nftables"');
}

/** Sample right-hand sides: `6379`, `"@peers"`, `{"set": [6379, {"range": [7000, 7005]}]}`, `{"prefix": {"addr": "10.0.0.0", "len": 16}}`. */
function readValue(node: unknown): NftValue[] {
  if (isSeq(node)) return node.items.flatMap(readValue);
  if (isScalar(node)) {
    const text = str(node) ?? "";
    return [text.startsWith("@") ? { kind: "setref", name: text.slice(1) } : { kind: "literal", text }];
  }
  const set = get(node, "set");
  if (set) return readValue(set);
  const range = items(get(node, "range"));
  if (range.length === 2) return [{ kind: "range", from: str(range[0]) ?? "", to: str(range[1]) ?? "" }];
  const prefix = get(node, "prefix");
  if (prefix) return [{ kind: "prefix", address: str(get(prefix, "addr")) ?? "", length: Number(str(get(prefix, "len")) ?? "0") }];
  const elem = get(node, "elem");
  if (elem) return readValue(get(elem, "val"));
  return [];
}

/** `{"payload": {"protocol": "tcp", "field": "dport"}}` -> "tcp dport"; `{"meta": {"key": "l4proto"}}` -> "meta l4proto". */
function readLeft(node: unknown): string | undefined {
  const payload = get(node, "payload");
  if (payload) return `${str(get(payload, "protocol")) ?? ""} ${str(get(payload, "field")) ?? ""}`;
  const meta = get(node, "meta");
  if (meta) return `meta ${str(get(meta, "key")) ?? ""}`;
  const ct = get(node, "ct");
  if (ct) return `ct ${str(get(ct, "key")) ?? ""}`;
  return undefined;
}

/** One element of a rule's `expr` list: `{"match": {...}}`, `{"accept": null}`, `{"jump": {"target": "redis"}}`. */
function readStatement(node: Node): NftStatement {
  const [entry] = entries(node);
  if (!entry) return { kind: "unknown", text: "{}" };
  const { key, value } = entry;
  if (key === "match") {
    const left = readLeft(get(value, "left"));
    const op = str(get(value, "op")) ?? "==";
    if (!left) return { kind: "unknown", text: "match" };
    return { kind: "match", left, negated: op === "!=", values: readValue(get(value, "right")) };
  }
  if (["accept", "drop", "reject", "return", "continue", "queue"].includes(key)) return { kind: "verdict", verdict: key };
  if (key === "jump" || key === "goto") return { kind: "verdict", verdict: key, target: str(get(value, "target")) ?? "" };
  if (["counter", "log", "limit", "comment"].includes(key)) return { kind: "annotation" };
  return { kind: "unknown", text: key };
}

function tableOf(tables: Map<string, NftTable>, source: YamlSource, node: Node): NftTable {
  const family = str(get(node, "family")) ?? "ip";
  const name = str(get(node, "table")) ?? str(get(node, "name")) ?? "";
  const key = `${family} ${name}`;
  let table = tables.get(key);
  if (!table) {
    table = { family, name, at: locate(source, node), chains: [], sets: new Map() };
    tables.set(key, table);
  }
  return table;
}

/**
 * Sample: `{"nftables": [{"table": {...}}, {"chain": {"name": "input", "hook": "input", "policy": "drop"}},
 * {"rule": {"chain": "input", "expr": [...]}}]}`; objects come in that order in nft's output.
 */
export function parseNftJson(text: string, file: string): Policy[] {
  const source = parseYaml(text, file, "JSON");
  const root = source.documents[0]?.contents;
  const list = get(root, "nftables");
  if (!isSeq(list)) throw new LintInputError(file, 'nft JSON: no "nftables" array');
  const tables = new Map<string, NftTable>();
  for (const item of items(list)) {
    const [entry] = entries(item);
    if (!entry || !isMap(entry.value)) continue;
    const node = entry.value;
    const at = locate(source, item);
    if (entry.key === "table") tableOf(tables, source, node);
    else if (entry.key === "set") {
      tableOf(tables, source, node).sets.set(str(get(node, "name")) ?? "", readValue(get(node, "elem")));
    } else if (entry.key === "chain") {
      const policy = str(get(node, "policy"));
      const type = str(get(node, "type"));
      const hook = str(get(node, "hook"));
      tableOf(tables, source, node).chains.push({
        name: str(get(node, "name")) ?? "",
        at,
        rules: [],
        ...(type ? { type } : {}),
        ...(hook ? { hook } : {}),
        ...(policy ? { policy: policy === "drop" ? "drop" : "accept" } : {}),
      });
    } else if (entry.key === "rule") {
      const table = tableOf(tables, source, node);
      const chainName = str(get(node, "chain")) ?? "";
      const chain = table.chains.find((candidate) => candidate.name === chainName);
      if (!chain) throw new LintInputError(file, `rule for unknown chain "${chainName}"`, at);
      chain.rules.push({ at, statements: items(get(node, "expr")).map(readStatement) });
    }
  }
  return nftPolicies([...tables.values()], "nft-json");
}
