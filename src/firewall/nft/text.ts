// Pure: nftables ruleset text into the firewall model: `nft list ruleset` (with or without -a handles),
// `nft -f` files such as /etc/nftables.conf (`define`, `include`, `flush ruleset`), and the same
// language one command at a time (`add rule inet filter input tcp dport 6379 accept`, from scripts).
import { FirewallParseError, type FirewallChain, type FirewallRule, type Hook, type Location, type Ruleset } from "../model.js";
import { ruleMeaning, type NftStatement, type NftValue } from "./statements.js";

interface Token {
  text: string;
  /** "word", a quoted "string", punctuation, or an end of line. */
  kind: "word" | "string" | "punct" | "eol";
  at: Location;
}

/** One line of nft text and where it starts (a script's `nft ...` arguments start mid-line). */
export interface NftLine {
  text: string;
  at: Location;
}

/** Whether text looks like nftables ruleset text. */
export function isNftText(head: string): boolean {
  for (const line of head.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    return /^(table|flush ruleset|define|add table|add rule|add chain)\b/.test(trimmed);
  }
  return false;
}

const HANDLE_COMMENT = /#\s*handle (\d+)\s*$/;

/** Sample line: `ip saddr 10.0.0.0/16 tcp dport { 6379, 16379 } counter packets 0 bytes 0 accept # handle 7`. */
function tokenize(lines: readonly NftLine[], handles: Map<Location, number>): Token[] {
  const tokens: Token[] = [];
  for (const { text: line, at: lineAt } of lines) {
    let i = 0;
    let first: Location | undefined;
    while (i < line.length) {
      const ch = line[i] as string;
      const at: Location = { file: lineAt.file, line: lineAt.line, column: lineAt.column + i };
      if (ch === " " || ch === "\t" || ch === "\r") {
        i++;
      } else if (ch === "#") {
        const handle = HANDLE_COMMENT.exec(line.slice(i));
        if (handle && first) handles.set(first, Number(handle[1]));
        break;
      } else if ("{};,".includes(ch)) {
        tokens.push({ text: ch, kind: "punct", at });
        first ??= at;
        i++;
      } else if (ch === '"') {
        const end = line.indexOf('"', i + 1);
        if (end < 0) throw new FirewallParseError("unterminated string", at);
        tokens.push({ text: line.slice(i + 1, end), kind: "string", at });
        first ??= at;
        i = end + 1;
      } else {
        let end = i;
        while (end < line.length && !' \t\r{};,"#'.includes(line[end] as string)) end++;
        tokens.push({ text: line.slice(i, end), kind: "word", at });
        first ??= at;
        i = end;
      }
    }
    tokens.push({ text: "\n", kind: "eol", at: { file: lineAt.file, line: lineAt.line, column: lineAt.column + line.length } });
  }
  return tokens;
}

/** Substitutes `define NAME = value` variables, as nft -f does. */
function substitute(tokens: readonly Token[]): Token[] {
  const defines = new Map<string, Token[]>();
  const result: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.text === "define" && token.kind === "word" && (i === 0 || tokens[i - 1]?.kind === "eol")) {
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
    const defined = token.kind === "word" && token.text.startsWith("$") ? defines.get(token.text.slice(1)) : undefined;
    if (defined) for (const part of defined) result.push({ ...part, at: token.at });
    else result.push(token);
  }
  return result;
}

class Cursor {
  index = 0;
  constructor(readonly tokens: readonly Token[]) {}
  peek(): Token | undefined {
    return this.tokens[this.index];
  }
  next(): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new FirewallParseError('unexpected end of ruleset (missing "}")');
    return token;
  }
  skipEols(): void {
    while (this.peek()?.kind === "eol") this.index++;
  }
  isPunct(text: string): boolean {
    const token = this.peek();
    return token?.kind === "punct" && token.text === text;
  }
  expect(text: string): Token {
    const token = this.next();
    if (token.text !== text) throw new FirewallParseError(`expected "${text}", found "${token.text}"`, token.at);
    return token;
  }
  /** Skips a `{ ... }` block whose `{` is next. */
  skipBlock(): void {
    this.expect("{");
    let depth = 1;
    while (depth > 0) {
      const token = this.next();
      if (token.kind === "punct" && token.text === "{") depth++;
      if (token.kind === "punct" && token.text === "}") depth--;
    }
  }
  atEnd(): boolean {
    const token = this.peek();
    return !token || token.kind === "eol" || (token.kind === "punct" && (token.text === ";" || token.text === "}"));
  }
  skipToEnd(): void {
    while (!this.atEnd()) {
      if (this.isPunct("{")) this.skipBlock();
      else this.next();
    }
  }
}

function literal(text: string): NftValue {
  if (text.startsWith("@")) return { kind: "setref", name: text.slice(1) };
  const range = /^([^-]+)-([^-]+)$/.exec(text);
  if (range && !text.includes(":") && !text.includes("/")) return { kind: "range", from: range[1] as string, to: range[2] as string };
  return { kind: "literal", text };
}

/** A value: `6379`, `"lo"`, `established,related`, `@peers`, `{ 6379, 7000-7005 }` (may span lines). */
function readValues(cursor: Cursor): NftValue[] {
  cursor.skipEols();
  if (cursor.isPunct("{")) {
    cursor.next();
    const values: NftValue[] = [];
    for (;;) {
      cursor.skipEols();
      const item = cursor.next();
      if (item.kind === "punct" && item.text === "}") return values;
      if (item.kind === "punct" && item.text === ",") continue;
      // `10.0.0.1 - 10.0.0.9`, as nft prints ranges in sets of addresses.
      if (cursor.peek()?.text === "-" && cursor.tokens[cursor.index + 1]?.kind === "word") {
        cursor.next();
        values.push({ kind: "range", from: item.text, to: cursor.next().text });
      } else values.push(literal(item.text));
    }
  }
  const values = [literal(cursor.next().text)];
  while (cursor.isPunct(",")) {
    cursor.next();
    values.push(literal(cursor.next().text));
  }
  return values;
}

const MATCH_LAYERS = new Set(["ip", "ip6", "tcp", "udp", "th", "ct", "meta", "sctp", "dccp", "udplite", "icmp", "icmpv6", "igmp", "ah", "esp", "comp"]);
const META_SHORTHANDS = new Set(["iif", "iifname", "oif", "oifname", "l4proto", "nfproto", "mark", "skuid", "skgid", "iiftype", "oiftype"]);
const VERDICTS = new Set(["accept", "drop", "reject", "return", "continue", "queue", "jump", "goto"]);
/** Annotations and the words that may follow each (`counter packets 0 bytes 0`, `log prefix "x" level warn`). */
const ANNOTATION_ARGS: Record<string, ReadonlySet<string>> = {
  counter: new Set(["packets", "bytes"]),
  log: new Set(["prefix", "level", "group", "flags", "snaplen", "queue-threshold"]),
  comment: new Set(),
};

/** A verdict map: `vmap { 6379 : accept, 16379 : jump bus }`. */
function readMap(cursor: Cursor, left: string): NftStatement {
  cursor.expect("{");
  const entries: Array<{ keys: NftValue[]; verdict: NftStatement }> = [];
  for (;;) {
    cursor.skipEols();
    const token = cursor.next();
    if (token.kind === "punct" && token.text === "}") return { kind: "vmap", left, entries };
    if (token.kind === "punct" && token.text === ",") continue;
    const keys = [literal(token.text)];
    while (cursor.peek()?.text !== ":" && !cursor.isPunct("}")) keys.push(literal(cursor.next().text));
    if (cursor.peek()?.text !== ":") throw new FirewallParseError(`expected ":" in the map after ${left}`, token.at);
    cursor.next();
    const verdict = cursor.next().text;
    const target = verdict === "jump" || verdict === "goto" ? cursor.next().text : undefined;
    entries.push({ keys, verdict: { kind: "verdict", verdict, text: target ? `${verdict} ${target}` : verdict, ...(target ? { target } : {}) } });
  }
}

/** One rule: matches, annotations and a verdict. Sample: `ip saddr @nodes tcp dport { 6379, 16379 } counter accept`. */
function readRule(cursor: Cursor): NftStatement[] {
  const statements: NftStatement[] = [];
  while (!cursor.atEnd()) {
    const token = cursor.next();
    const word = token.text;
    if (token.kind === "word" && (MATCH_LAYERS.has(word) || META_SHORTHANDS.has(word))) {
      const left = META_SHORTHANDS.has(word) ? `meta ${word}` : `${word} ${cursor.next().text}`;
      const op = cursor.peek()?.text;
      if (op === "vmap") {
        cursor.next();
        statements.push(readMap(cursor, left));
        continue;
      }
      const negated = op === "!=" || op === "ne";
      if (negated || op === "==" || op === "eq") cursor.next();
      if (cursor.atEnd()) statements.push({ kind: "unknown", text: left });
      else statements.push({ kind: "match", left, negated, values: readValues(cursor) });
    } else if (token.kind === "word" && VERDICTS.has(word)) {
      const target = word === "jump" || word === "goto" ? cursor.next().text : undefined;
      const parts = [word, ...(target ? [target] : [])];
      // `reject with tcp reset` and the like: the rest of the line belongs to the verdict.
      while (!cursor.atEnd()) parts.push(cursor.next().text);
      statements.push({ kind: "verdict", verdict: word, text: parts.join(" "), ...(target ? { target } : {}) });
    } else if (token.kind === "word" && word in ANNOTATION_ARGS) {
      const args = ANNOTATION_ARGS[word] as ReadonlySet<string>;
      if (word === "comment") cursor.next();
      while (!cursor.atEnd() && args.has(cursor.peek()?.text ?? "")) {
        cursor.next();
        if (!cursor.atEnd()) cursor.next();
      }
      statements.push({ kind: "annotation" });
    } else if (token.kind === "punct" && word === "{") {
      // An anonymous set or map this reader does not model.
      cursor.index--;
      cursor.skipBlock();
      statements.push({ kind: "unknown", text: "{ ... }" });
    } else {
      statements.push({ kind: "unknown", text: word });
    }
  }
  return statements;
}

/** Priority names nft accepts for the filter family hooks (`priority filter`, `priority mangle - 5`). */
const PRIORITY_NAMES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const HOOKS: ReadonlySet<string> = new Set(["prerouting", "input", "forward", "output", "postrouting", "ingress", "egress"]);

interface RawRule {
  at: Location;
  statements: NftStatement[];
}

interface ChainModel {
  name: string;
  at: Location;
  end?: Location;
  hook: Hook | null;
  priority: number;
  policy: "accept" | "drop" | null;
  rules: RawRule[];
}

interface TableModel {
  family: string;
  name: string;
  at: Location;
  chains: Map<string, ChainModel>;
  sets: Map<string, NftValue[] | null>;
}

function readPriority(cursor: Cursor): number {
  const first = cursor.next().text;
  let value = PRIORITY_NAMES[first] ?? Number(first);
  const op = cursor.peek()?.text;
  if ((op === "+" || op === "-") && !cursor.atEnd()) {
    cursor.next();
    const amount = Number(cursor.next().text);
    value = op === "+" ? value + amount : value - amount;
  }
  return Number.isFinite(value) ? value : 0;
}

/** The body of a chain: `type filter hook input priority filter; policy drop;` and rules. */
function readChainBody(cursor: Cursor, chain: ChainModel, rulesToo: boolean): void {
  cursor.expect("{");
  for (;;) {
    cursor.skipEols();
    const token = cursor.peek();
    if (!token) throw new FirewallParseError(`chain ${chain.name} is not closed`, chain.at);
    if (token.kind === "punct" && token.text === "}") {
      cursor.next();
      chain.end = { ...token.at, column: 1 };
      return;
    }
    if (token.kind === "punct" && token.text === ";") {
      cursor.next();
    } else if (token.text === "type" && token.kind === "word") {
      cursor.next();
      cursor.next();
      while (!cursor.atEnd()) {
        const word = cursor.next().text;
        if (word === "hook") {
          const hook = cursor.next().text;
          chain.hook = HOOKS.has(hook) ? (hook as Hook) : null;
        } else if (word === "priority") chain.priority = readPriority(cursor);
      }
    } else if (token.text === "policy" && token.kind === "word") {
      cursor.next();
      chain.policy = cursor.next().text === "drop" ? "drop" : "accept";
    } else if ((token.text === "comment" || token.text === "devices" || token.text === "device") && token.kind === "word") {
      cursor.skipToEnd();
    } else if (rulesToo) {
      chain.rules.push({ at: token.at, statements: readRule(cursor) });
    } else {
      cursor.skipToEnd();
    }
  }
}

/** `set peers { type ipv4_addr; flags interval; elements = { 10.0.1.0/24, 10.0.2.0/24 } }`: no elements, filled at run time. */
function readSetBody(cursor: Cursor): NftValue[] | null {
  cursor.expect("{");
  let values: NftValue[] | null = null;
  for (;;) {
    cursor.skipEols();
    const token = cursor.next();
    if (token.kind === "punct" && token.text === "}") return values;
    if (token.text === "elements") {
      cursor.expect("=");
      values = readValues(cursor);
    } else if (token.kind === "punct" && token.text === "{") {
      cursor.index--;
      cursor.skipBlock();
    }
  }
}

const FAMILIES = new Set(["ip", "ip6", "inet", "arp", "bridge", "netdev"]);

class RulesetBuilder {
  readonly tables = new Map<string, TableModel>();
  readonly handles = new Map<Location, number>();
  /** After the last command (scripts): where a command adding to a chain goes. */
  last: Location | undefined;

  table(family: string, name: string, at: Location): TableModel {
    const key = `${family} ${name}`;
    let table = this.tables.get(key);
    if (!table) {
      table = { family, name, at, chains: new Map(), sets: new Map() };
      this.tables.set(key, table);
    }
    return table;
  }

  chain(table: TableModel, name: string, at: Location): ChainModel {
    let chain = table.chains.get(name);
    if (!chain) {
      chain = { name, at, hook: null, priority: 0, policy: null, rules: [] };
      table.chains.set(name, chain);
    }
    return chain;
  }

  /** `[family] name`: the family defaults to ip, as nft does. */
  tableRef(cursor: Cursor): TableModel {
    const first = cursor.next();
    const hasFamily = FAMILIES.has(first.text) && !cursor.atEnd() && !cursor.isPunct("{");
    return this.table(hasFamily ? first.text : "ip", hasFamily ? cursor.next().text : first.text, first.at);
  }

  /** `table inet filter { set ... chain ... }` */
  readTable(cursor: Cursor): void {
    const table = this.tableRef(cursor);
    if (cursor.isPunct("{")) this.readTableBody(cursor, table);
  }

  readTableBody(cursor: Cursor, table: TableModel): void {
    cursor.expect("{");
    for (;;) {
      cursor.skipEols();
      const token = cursor.next();
      if (token.kind === "punct" && token.text === "}") return;
      if (token.text === "chain") {
        const name = cursor.next().text;
        readChainBody(cursor, this.chain(table, name, token.at), true);
      } else if (token.text === "set") {
        const name = cursor.next().text;
        table.sets.set(name, readSetBody(cursor));
      } else if (token.kind === "word") {
        // map, flowtable, counter, quota, comment, flags...: nothing busdoctor needs.
        cursor.skipToEnd();
      } else if (token.kind !== "eol" && !(token.kind === "punct" && token.text === ";")) {
        throw new FirewallParseError(`unexpected "${token.text}" in table ${table.name}`, token.at);
      }
    }
  }

  /** `add|insert|create rule|chain|table|set|element ...`, `flush ruleset|chain|table`, `delete table`. */
  command(cursor: Cursor, verb: Token): void {
    const what = cursor.next();
    if (verb.text === "flush" && what.text === "ruleset") {
      this.tables.clear();
      return;
    }
    if (what.text === "table") {
      const table = this.tableRef(cursor);
      if (verb.text === "delete" || verb.text === "destroy") this.tables.delete(`${table.family} ${table.name}`);
      else if (verb.text === "flush") for (const chain of table.chains.values()) chain.rules = [];
      else if (cursor.isPunct("{")) this.readTableBody(cursor, table);
      cursor.skipToEnd();
      return;
    }
    if (what.text === "chain" || what.text === "rule" || what.text === "set" || what.text === "element") {
      const table = this.tableRef(cursor);
      const name = cursor.next().text;
      if (what.text === "set") {
        if (cursor.isPunct("{")) table.sets.set(name, readSetBody(cursor));
      } else if (what.text === "element") {
        const values = readValues(cursor);
        const known = table.sets.get(name) ?? [];
        for (const value of values) known.push(value);
        table.sets.set(name, known);
      } else if (what.text === "chain") {
        const chain = this.chain(table, name, what.at);
        if (verb.text === "flush") chain.rules = [];
        else if (verb.text === "delete" || verb.text === "destroy") table.chains.delete(name);
        else if (cursor.isPunct("{")) readChainBody(cursor, chain, false);
      } else {
        const chain = this.chain(table, name, what.at);
        if (verb.text === "delete" || verb.text === "replace") {
          cursor.skipToEnd();
          return;
        }
        // `insert rule ... position 5` / `index 0`: nft puts it first without one; with one, near enough.
        if (cursor.peek()?.text === "position" || cursor.peek()?.text === "index" || cursor.peek()?.text === "handle") {
          cursor.next();
          cursor.next();
        }
        const at = cursor.peek()?.at ?? what.at;
        const rule = { at, statements: readRule(cursor) };
        if (verb.text === "insert") chain.rules.unshift(rule);
        else chain.rules.push(rule);
      }
      cursor.skipToEnd();
      return;
    }
    cursor.skipToEnd();
  }

  read(cursor: Cursor): void {
    for (;;) {
      cursor.skipEols();
      const token = cursor.peek();
      if (!token) return;
      cursor.next();
      if (token.kind === "word" && token.text === "table") this.readTable(cursor);
      else if (token.kind === "word" && ["add", "insert", "create", "flush", "delete", "destroy", "replace"].includes(token.text)) this.command(cursor, token);
      else if (token.kind === "word" && ["include", "list", "monitor", "describe", "export", "import"].includes(token.text)) cursor.skipToEnd();
      else if (!(token.kind === "punct" && token.text === ";")) throw new FirewallParseError(`unexpected "${token.text}" at top level`, token.at);
    }
  }

  ruleset(lineTexts: ReadonlyMap<number, NftLine>): Ruleset {
    const chains: FirewallChain[] = [];
    for (const table of this.tables.values()) {
      for (const chain of table.chains.values()) {
        const rules: FirewallRule[] = chain.rules.map((rule) => {
          const handle = this.handles.get(rule.at) ?? null;
          const line = lineTexts.get(rule.at.line);
          const text =
            line === undefined
              ? ""
              : line.text
                  .slice(rule.at.column - line.at.column)
                  .replace(/\s*#.*$/, "")
                  .trim();
          return { at: rule.at, ref: handle === null ? `line ${rule.at.line}` : `handle ${handle}`, handle, text, ...ruleMeaning(rule.statements, table.sets) };
        });
        const end = this.last ?? chain.end;
        chains.push({
          source: "nftables",
          family: table.family,
          table: table.name,
          name: chain.name,
          at: chain.at,
          handle: null,
          hook: chain.hook,
          priority: chain.priority,
          policy: chain.policy,
          rules,
          ...(end ? { end } : {}),
        });
      }
    }
    return { source: "nftables", chains };
  }
}

/** nft text given as lines with their positions (a file, or the `nft` commands of a script). */
export function parseNftLines(lines: readonly NftLine[], form: "file" | "commands"): Ruleset {
  const builder = new RulesetBuilder();
  const lastLine = lines[lines.length - 1];
  // Commands run in order: one added to a chain goes after the last of them, not inside a chain block.
  if (lastLine && form === "commands") builder.last = { file: lastLine.at.file, line: lastLine.at.line + 1, column: 1 };
  builder.read(new Cursor(substitute(tokenize(lines, builder.handles))));
  const lineTexts = new Map<number, NftLine>();
  for (const line of lines) lineTexts.set(line.at.line, line);
  return builder.ruleset(lineTexts);
}

export function parseNftText(text: string, file: string): Ruleset {
  const lines: NftLine[] = [];
  let start = 0;
  let number = 1;
  while (start <= text.length) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    lines.push({ text: text.slice(start, end), at: { file, line: number++, column: 1 } });
    if (newline < 0) break;
    start = end + 1;
  }
  return parseNftLines(lines, "file");
}
