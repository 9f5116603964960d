// Pure: nft rule statements as the text form writes them, and their meaning as conditions and
// verdicts. Sample: `ip saddr @peers tcp dport { 6379, 16379 } ct state new counter accept`.
import { namedHosts, parseAddressRange } from "../addresses.js";
import type { AddressRange, Condition, HostGroup, PortRange, Verdict } from "../model.js";
import { portRange } from "../ports.js";

export type NftValue =
  | { kind: "literal"; text: string }
  | { kind: "range"; from: string; to: string }
  | { kind: "prefix"; address: string; length: number }
  | { kind: "setref"; name: string };

export type NftStatement =
  /** `left` is normalised: "tcp dport", "ip saddr", "ct state", "meta iifname", "meta l4proto"... */
  | { kind: "match"; left: string; negated: boolean; values: NftValue[] }
  /** `tcp dport vmap { 6379 : accept, 16379 : drop }`, `ct state vmap { established : accept }`. */
  | { kind: "vmap"; left: string; entries: Array<{ keys: NftValue[]; verdict: NftStatement }> }
  | { kind: "verdict"; verdict: string; target?: string; text: string }
  /** counter, log, comment: no effect on the verdict. */
  | { kind: "annotation" }
  | { kind: "unknown"; text: string };

/** A table's named sets: elements, or null for a set filled at run time (no elements in the file). */
export type NftSets = ReadonlyMap<string, NftValue[] | null>;

export function formatValues(values: readonly NftValue[]): string {
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

function valueText(value: NftValue): string {
  return formatValues([value]);
}

/** Named sets replaced by their elements; a set without elements in the file stays a reference. */
function expand(values: readonly NftValue[], sets: NftSets): NftValue[] {
  const result: NftValue[] = [];
  for (const value of values) {
    const elements = value.kind === "setref" ? sets.get(value.name) : undefined;
    if (value.kind === "setref" && elements) for (const element of elements) result.push(element);
    else result.push(value);
  }
  return result;
}

function portRanges(values: readonly NftValue[]): PortRange[] | undefined {
  const ranges: PortRange[] = [];
  for (const value of values) {
    const range = value.kind === "literal" ? portRange(value.text, "-") : value.kind === "range" ? portRange(`${value.from}-${value.to}`, "-") : undefined;
    if (range === undefined) return undefined;
    ranges.push(range);
  }
  return ranges;
}

function addressCondition(field: "saddr" | "daddr", version: 4 | 6, values: readonly NftValue[], negated: boolean, written: string): Condition {
  const ranges: AddressRange[] = [];
  const groups: HostGroup[] = [];
  for (const value of values) {
    const range = value.kind === "setref" ? null : parseAddressRange(valueText(value));
    if (range === null) groups.push(namedHosts(valueText(value)));
    else ranges.push(range);
  }
  return { kind: "address", field, version, negated, ranges, groups, written: [written] };
}

function literals(values: readonly NftValue[]): string[] | undefined {
  const words: string[] = [];
  for (const value of values) {
    if (value.kind !== "literal") return undefined;
    words.push(value.text.toLowerCase());
  }
  return words;
}

const TRANSPORT = new Set(["tcp", "udp", "sctp", "dccp", "udplite", "th"]);
const PROTOCOL_ONLY = new Set(["icmp", "icmpv6", "igmp", "esp", "ah", "comp", "gre"]);
const LOOPBACK_NAMES = new Set(["lo", "1"]);

/** The conditions one match statement stands for (a transport field also says which protocol). */
export function matchConditions(statement: Extract<NftStatement, { kind: "match" }>, sets: NftSets): Condition[] {
  const { left, negated } = statement;
  const written = `${left} ${negated ? "!= " : ""}${formatValues(statement.values)}`;
  const unknown: Condition = { kind: "unknown", text: written, about: "other" };
  const values = expand(statement.values, sets);
  const [layer = "", field = ""] = left.split(" ");
  if (TRANSPORT.has(layer)) {
    const protocol: Condition[] = layer === "th" ? [] : [{ kind: "protocol", negated: false, protocols: [layer] }];
    if (field !== "dport" && field !== "sport") return [...protocol, unknown];
    const ranges = portRanges(values);
    if (ranges === undefined) return [...protocol, { ...unknown, about: field === "dport" ? "port" : "other" }];
    return [...protocol, { kind: "port", field, protocol: layer, negated, ranges }];
  }
  if (PROTOCOL_ONLY.has(layer)) return [{ kind: "protocol", negated: false, protocols: [layer] }, unknown];
  if ((layer === "ip" || layer === "ip6") && (field === "saddr" || field === "daddr")) {
    return [addressCondition(field, layer === "ip" ? 4 : 6, values, negated, written)];
  }
  const words = literals(values);
  if (left === "meta l4proto" || left === "ip protocol" || left === "ip6 nexthdr") {
    return words === undefined ? [unknown] : [{ kind: "protocol", negated, protocols: words }];
  }
  if (left === "meta nfproto" && !negated && words !== undefined) return [{ kind: "family", versions: words.map((word) => (word === "ipv6" ? 6 : 4)) }];
  if (left === "ct state" && words !== undefined) return [{ kind: "ctstate", negated, states: words }];
  if (["meta iif", "meta iifname", "meta oif", "meta oifname"].includes(left) && words !== undefined) {
    const direction = field.startsWith("i") ? "in" : "out";
    return [{ kind: "interface", direction, negated, names: words.map((word) => (LOOPBACK_NAMES.has(word) ? "lo" : word)), written }];
  }
  if (layer === "ip" || layer === "ip6") return [{ kind: "family", versions: [layer === "ip" ? 4 : 6] }, unknown];
  return [unknown];
}

export function simpleVerdict(statement: NftStatement): Verdict | null {
  if (statement.kind !== "verdict") return null;
  switch (statement.verdict) {
    case "accept":
      return { kind: "accept" };
    case "drop":
      return { kind: "drop" };
    case "reject":
      return { kind: "reject", text: statement.text };
    case "return":
      return { kind: "return" };
    case "jump":
    case "goto":
      return { kind: statement.verdict, target: statement.target ?? "" };
    case "continue":
      return { kind: "none" };
    default:
      return { kind: "unknown", text: statement.text };
  }
}

/** A verdict map: on the destination port it is a port map; on ct state only the `new` entry matters here. */
export function mapVerdict(statement: Extract<NftStatement, { kind: "vmap" }>): Verdict {
  const [layer = "", field = ""] = statement.left.split(" ");
  const text = `${statement.left} vmap { ... }`;
  if (TRANSPORT.has(layer) && field === "dport") {
    const entries: Array<{ ranges: PortRange[]; verdict: Verdict }> = [];
    for (const entry of statement.entries) {
      const ranges = portRanges(entry.keys);
      const verdict = simpleVerdict(entry.verdict);
      if (ranges === undefined || verdict === null) return { kind: "unknown", text };
      entries.push({ ranges, verdict });
    }
    return { kind: "port-map", protocol: layer, entries };
  }
  if (statement.left === "ct state") {
    const entry = statement.entries.find((candidate) => literals(candidate.keys)?.includes("new"));
    return entry ? (simpleVerdict(entry.verdict) ?? { kind: "unknown", text }) : { kind: "none" };
  }
  return { kind: "unknown", text };
}

/** A rule's statements as conditions and its verdict (the last verdict statement wins). */
export function ruleMeaning(statements: readonly NftStatement[], sets: NftSets): { conditions: Condition[]; verdict: Verdict } {
  const conditions: Condition[] = [];
  let verdict: Verdict = { kind: "none" };
  for (const statement of statements) {
    if (statement.kind === "match") for (const condition of matchConditions(statement, sets)) conditions.push(condition);
    else if (statement.kind === "unknown") conditions.push({ kind: "unknown", text: statement.text, about: "other" });
    else if (statement.kind === "vmap") verdict = mapVerdict(statement);
    else if (statement.kind === "verdict") verdict = simpleVerdict(statement) ?? verdict;
  }
  return { conditions, verdict };
}
