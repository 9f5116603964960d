// `nft list ruleset` output (and nft -f files of the same shape): a tokenizer and a block parser.
import { LintInputError } from "../errors.js";
import type { Location, Policy } from "../model.js";
import { nftPolicies, type NftChain, type NftStatement, type NftTable, type NftValue } from "./nftModel.js";

interface Token {
  text: string;
  /** "word", a quoted "string", punctuation, or an end of line. */
  kind: "word" | "string" | "punct" | "eol";
  at: Location;
}

/** Whether text looks like nftables ruleset text. */
export function isNftText(head: string): boolean {
  for (const line of head.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#!") || trimmed.startsWith("#")) continue;
    return trimmed.startsWith("table ") || trimmed === "flush ruleset" || trimmed.startsWith("define ");
  }
  return false;
}

/** Sample line: `ip saddr 10.0.0.0/16 tcp dport { 6379, 16379 } counter packets 0 bytes 0 accept # redis`. */
function tokenizeNft(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    let i = 0;
    while (i < line.length) {
      const ch = line[i] as string;
      const at: Location = { file, line: index + 1, column: i + 1 };
      if (ch === " " || ch === "\t") {
        i++;
      } else if (ch === "#") {
        break;
      } else if (ch === "{" || ch === "}" || ch === ";" || ch === ",") {
        tokens.push({ text: ch, kind: "punct", at });
        i++;
      } else if (ch === '"') {
        const end = line.indexOf('"', i + 1);
        if (end < 0) throw new LintInputError(file, "unterminated string", at);
        tokens.push({ text: line.slice(i + 1, end), kind: "string", at });
        i = end + 1;
      } else {
        let end = i;
        while (end < line.length && !' \t{};,"#'.includes(line[end] as string)) end++;
        tokens.push({ text: line.slice(i, end), kind: "word", at });
        i = end;
      }
    }
    tokens.push({ text: "\n", kind: "eol", at: { file, line: index + 1, column: line.length + 1 } });
  });
  return tokens;
}

class Cursor {
  index = 0;
  constructor(
    readonly tokens: Token[],
    readonly file: string,
  ) {}
  peek(): Token | undefined {
    return this.tokens[this.index];
  }
  next(): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new LintInputError(this.file, "unexpected end of ruleset (missing \"}\")");
    return token;
  }
  skipEols(): void {
    while (this.peek()?.kind === "eol") this.index++;
  }
  expect(text: string): Token {
    const token = this.next();
    if (token.text !== text) throw new LintInputError(this.file, `expected "${text}", found "${token.text}"`, token.at);
    return token;
  }
  /** Skips a `{ ... }` block whose `{` is next. */
  skipBlock(): void {
    this.expect("{");
    let depth = 1;
    while (depth > 0) {
      const token = this.next();
      if (token.text === "{" && token.kind === "punct") depth++;
      if (token.text === "}" && token.kind === "punct") depth--;
    }
  }
}

function literal(text: string): NftValue {
  if (text.startsWith("@")) return { kind: "setref", name: text.slice(1) };
  const dash = text.indexOf("-");
  if (dash > 0 && /^\d+-\d+$/.test(text)) return { kind: "range", from: text.slice(0, dash), to: text.slice(dash + 1) };
  return { kind: "literal", text };
}

/** A value: `6379`, `"lo"`, `established,related`, `@peers`, `{ 6379, 7000-7005 }` (may span lines). */
function readValues(cursor: Cursor): NftValue[] {
  const token = cursor.next();
  if (token.kind === "punct" && token.text === "{") {
    const values: NftValue[] = [];
    for (;;) {
      cursor.skipEols();
      const item = cursor.next();
      if (item.text === "}" && item.kind === "punct") return values;
      if (item.text !== "," || item.kind !== "punct") values.push(literal(item.text));
    }
  }
  const values = [literal(token.text)];
  while (cursor.peek()?.text === "," && cursor.peek()?.kind === "punct") {
    cursor.next();
    values.push(literal(cursor.next().text));
  }
  return values;
}

const MATCH_LAYERS = new Set(["ip", "ip6", "tcp", "udp", "th", "ct", "meta", "sctp"]);
const META_SHORTHANDS = new Set(["iif", "iifname", "oif", "oifname", "l4proto", "nfproto", "mark", "skuid", "skgid"]);
const VERDICTS = new Set(["accept", "drop", "reject", "return", "continue", "queue", "jump", "goto"]);
/** Annotations and how many words follow each keyword (`counter packets 0 bytes 0`, `log prefix "x"`). */
const ANNOTATION_ARGS: Record<string, Set<string>> = {
  counter: new Set(["packets", "bytes"]),
  log: new Set(["prefix", "level", "group", "flags", "snaplen", "queue-threshold"]),
  comment: new Set(),
  limit: new Set(["rate", "over", "burst", "packets", "bytes"]),
};

function isEnd(token: Token | undefined): boolean {
  return !token || token.kind === "eol" || (token.kind === "punct" && (token.text === ";" || token.text === "}"));
}

/** One rule line: matches, annotations and a verdict. Sample: `ip saddr @nodes tcp dport { 6379, 16379 } counter accept`. */
function readRule(cursor: Cursor): NftStatement[] {
  const statements: NftStatement[] = [];
  while (!isEnd(cursor.peek())) {
    const token = cursor.next();
    const word = token.text;
    if (MATCH_LAYERS.has(word) || META_SHORTHANDS.has(word)) {
      const left = META_SHORTHANDS.has(word) ? `meta ${word}` : `${word} ${cursor.next().text}`;
      const op = cursor.peek()?.text;
      const negated = op === "!=" || op === "ne";
      if (negated || op === "==" || op === "eq") cursor.next();
      statements.push({ kind: "match", left, negated, values: readValues(cursor) });
    } else if (VERDICTS.has(word)) {
      const target = word === "jump" || word === "goto" ? cursor.next().text : undefined;
      statements.push({ kind: "verdict", verdict: word, ...(target ? { target } : {}) });
      // `reject with tcp reset` and the like: the rest of the line belongs to the verdict.
      while (!isEnd(cursor.peek())) cursor.next();
    } else if (word in ANNOTATION_ARGS) {
      const args = ANNOTATION_ARGS[word] as Set<string>;
      if (word === "comment") cursor.next();
      while (!isEnd(cursor.peek()) && args.has(cursor.peek()?.text ?? "")) {
        cursor.next();
        if (!isEnd(cursor.peek())) cursor.next();
      }
    } else if (token.kind === "punct" && word === "{") {
      // An anonymous map (`ct state vmap { established : accept }`): its verdicts are not this rule's.
      cursor.index--;
      cursor.skipBlock();
      statements.push({ kind: "unknown", text: "{ ... }" });
    } else {
      statements.push({ kind: "unknown", text: word });
    }
  }
  return statements;
}

/** `chain input { type filter hook input priority filter; policy drop; ... }` */
function readChain(cursor: Cursor, at: Location): NftChain {
  const chain: NftChain = { name: cursor.next().text, at, rules: [] };
  cursor.expect("{");
  for (;;) {
    cursor.skipEols();
    const token = cursor.peek();
    if (!token) throw new LintInputError(cursor.file, `chain ${chain.name} is not closed`, at);
    if (token.text === "}" && token.kind === "punct") {
      cursor.next();
      return chain;
    }
    if (token.text === ";" && token.kind === "punct") {
      cursor.next();
    } else if (token.text === "type") {
      cursor.next();
      chain.type = cursor.next().text;
      while (!isEnd(cursor.peek())) {
        const word = cursor.next().text;
        if (word === "hook") chain.hook = cursor.next().text;
      }
    } else if (token.text === "policy") {
      cursor.next();
      chain.policy = cursor.next().text === "drop" ? "drop" : "accept";
    } else if (token.text === "comment" || token.text === "devices") {
      while (!isEnd(cursor.peek())) cursor.next();
    } else {
      chain.rules.push({ at: token.at, statements: readRule(cursor) });
    }
  }
}

/** `set peers { type ipv4_addr; flags interval; elements = { 10.0.1.0/24, 10.0.2.0/24 } }` */
function readSet(cursor: Cursor): { name: string; values: NftValue[] } {
  const name = cursor.next().text;
  cursor.expect("{");
  let values: NftValue[] = [];
  for (;;) {
    cursor.skipEols();
    const token = cursor.next();
    if (token.text === "}" && token.kind === "punct") return { name, values };
    if (token.text === "elements") {
      cursor.expect("=");
      values = readValues(cursor);
    }
  }
}

/** `table inet filter { set ... chain ... }` (the family defaults to ip, as nft does). */
function readTable(cursor: Cursor, at: Location): NftTable {
  const first = cursor.next().text;
  const hasFamily = cursor.peek()?.text !== "{";
  const table: NftTable = { family: hasFamily ? first : "ip", name: hasFamily ? cursor.next().text : first, at, chains: [], sets: new Map() };
  cursor.expect("{");
  for (;;) {
    cursor.skipEols();
    const token = cursor.next();
    if (token.text === "}" && token.kind === "punct") return table;
    if (token.text === "chain") table.chains.push(readChain(cursor, token.at));
    else if (token.text === "set") {
      const set = readSet(cursor);
      table.sets.set(set.name, set.values);
    } else if (token.kind === "word") {
      // map, flowtable, counter, quota, comment, flags...: nothing busdoctor needs.
      while (!isEnd(cursor.peek()) && cursor.peek()?.text !== "{") cursor.next();
      if (cursor.peek()?.text === "{") cursor.skipBlock();
    } else if (token.kind !== "eol" && !(token.kind === "punct" && token.text === ";")) {
      throw new LintInputError(cursor.file, `unexpected "${token.text}" in table ${table.name}`, token.at);
    }
  }
}

/** Substitutes `define NAME = value` variables, as nft -f does. */
function substitute(tokens: Token[]): Token[] {
  const defines = new Map<string, Token[]>();
  const result: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.text === "define" && (i === 0 || tokens[i - 1]?.kind === "eol")) {
      const name = tokens[i + 1]?.text ?? "";
      let end = i + 3;
      let depth = 0;
      const value: Token[] = [];
      for (; end < tokens.length; end++) {
        const t = tokens[end] as Token;
        if (t.kind === "eol" && depth === 0) break;
        if (t.text === "{") depth++;
        if (t.text === "}") depth--;
        if (t.kind !== "eol") value.push(t);
      }
      defines.set(name, value);
      i = end;
      continue;
    }
    const defined = token.text.startsWith("$") ? defines.get(token.text.slice(1)) : undefined;
    if (defined) result.push(...defined);
    else result.push(token);
  }
  return result;
}

export function parseNftText(text: string, file: string): Policy[] {
  const cursor = new Cursor(substitute(tokenizeNft(text, file)), file);
  const tables: NftTable[] = [];
  for (;;) {
    cursor.skipEols();
    const token = cursor.peek();
    if (!token) break;
    cursor.next();
    if (token.text === "table") tables.push(readTable(cursor, token.at));
    else if (token.text === "flush" || token.text === "include") {
      while (!isEnd(cursor.peek())) cursor.next();
    } else if (!(token.kind === "punct" && token.text === ";")) {
      throw new LintInputError(file, `unexpected "${token.text}" at top level`, token.at);
    }
  }
  return nftPolicies(tables, "nft");
}

