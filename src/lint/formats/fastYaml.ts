// A fast reader for the YAML that manifests are made of: block maps and sequences, plain and quoted
// one-line scalars, literal and folded block scalars, one-line flow collections. It builds the same
// nodes as the `yaml` package (YAMLMap, YAMLSeq, Scalar with ranges and types), several times faster,
// so a 50 MB `helm template` output is read in seconds. Anything else (anchors, aliases, tags,
// multi-line plain or quoted scalars, complex keys, tabs) makes it give up on that document, which
// the `yaml` package then reads: the answer is the same, only the speed differs.
// Sample: `    - name: tcp-redis-bus` / `      containerPort: 16379` / `  redis.conf: |` / `    port 7000`.
import { Pair, Scalar, YAMLMap, YAMLSeq, type Node } from "yaml";

/** Not a construct this reader handles: the document goes to the `yaml` package. */
class Unsupported extends Error {}

const MAX_DEPTH = 256;

type Awaiting = { set(value: Node | null, end: number): void; indent: number } | null;

interface Frame {
  kind: "map" | "seq";
  indent: number;
  node: YAMLMap | YAMLSeq;
  end: number;
  /** An entry (`key:` or `-`) whose value is on the lines below. */
  awaiting: Awaiting;
  /** Where the last nested collection ended, when it is the last thing in this one. */
  childEnd?: number;
}

/** YAML 1.2 core schema, as the `yaml` package resolves plain scalars. */
function resolvePlain(text: string): unknown {
  if (text === "" || text === "~" || text === "null" || text === "Null" || text === "NULL") return null;
  if (text === "true" || text === "True" || text === "TRUE") return true;
  if (text === "false" || text === "False" || text === "FALSE") return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  '"': '"',
  "\\": "\\",
  "/": "/",
  " ": " ",
  e: "\x1b",
  b: "\b",
  f: "\f",
  v: "\v",
  a: "\x07",
};

function scalar(value: unknown, type: Scalar.Type, start: number, end: number): Scalar {
  const node = new Scalar(value);
  node.type = type;
  node.range = [start, end, end];
  return node;
}

export class FastYaml {
  /** CRLF line ends are left to the `yaml` package (checked once: documents come in order). */
  private readonly carriageReturns: boolean;

  constructor(private readonly text: string) {
    this.carriageReturns = text.includes("\r");
  }

  private lineEnd(start: number, limit: number): number {
    const newline = this.text.indexOf("\n", start);
    return newline < 0 || newline > limit ? limit : newline;
  }

  /** A one-line quoted scalar starting at `start`; returns it and where it ends (after the quote). */
  private quoted(start: number, limit: number): { value: string; end: number } {
    const quote = this.text[start];
    let value = "";
    let i = start + 1;
    while (i < limit) {
      const ch = this.text[i] as string;
      if (quote === "'" && ch === "'") {
        if (this.text[i + 1] === "'") {
          value += "'";
          i += 2;
          continue;
        }
        return { value, end: i + 1 };
      }
      if (quote === '"' && ch === '"') return { value, end: i + 1 };
      if (quote === '"' && ch === "\\") {
        const next = this.text[i + 1] ?? "";
        if (next === "x" || next === "u" || next === "U") {
          const length = next === "x" ? 2 : next === "u" ? 4 : 8;
          const hex = this.text.slice(i + 2, i + 2 + length);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) throw new Unsupported();
          value += String.fromCodePoint(parseInt(hex, 16));
          i += 2 + length;
          continue;
        }
        const escaped = ESCAPES[next];
        if (escaped === undefined) throw new Unsupported();
        value += escaped;
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    throw new Unsupported();
  }

  /** After a value: only blanks or a comment may follow on the line. */
  private restIsEmpty(from: number, limit: number): boolean {
    for (let i = from; i < limit; i++) {
      const ch = this.text[i];
      if (ch === "#" && (i === from || this.text[i - 1] === " " || this.text[i - 1] === "\t")) return true;
      if (ch !== " " && ch !== "\t") return false;
    }
    return true;
  }

  /** A plain scalar: up to the end of the line or a ` #` comment. */
  private plain(start: number, limit: number, inFlow: boolean): { node: Scalar; end: number } {
    let end = start;
    while (end < limit) {
      const ch = this.text[end] as string;
      if (ch === "#" && (this.text[end - 1] === " " || this.text[end - 1] === "\t")) break;
      if (inFlow && (ch === "," || ch === "]" || ch === "}")) break;
      if (inFlow && ch === ":" && (this.text[end + 1] === " " || this.text[end + 1] === "," || this.text[end + 1] === "}" || this.text[end + 1] === "]")) break;
      end++;
    }
    let valueEnd = end;
    while (valueEnd > start && (this.text[valueEnd - 1] === " " || this.text[valueEnd - 1] === "\t")) valueEnd--;
    const raw = this.text.slice(start, valueEnd);
    if (raw.includes(": ") || /^[&*!|>%@`]/.test(raw)) throw new Unsupported();
    return { node: scalar(resolvePlain(raw), "PLAIN", start, valueEnd), end: valueEnd };
  }

  /** `[a, "b", {c: d}]` or `{a: 1, b: [2]}` on one line, nesting kept on an explicit stack. */
  private flow(start: number, limit: number): { node: Node; end: number } {
    type Open = { node: YAMLSeq | YAMLMap; key: Scalar | null; start: number };
    const stack: Open[] = [];
    let i = start;
    let result: Node | undefined;
    const add = (value: Node): void => {
      const top = stack[stack.length - 1];
      if (top === undefined) throw new Unsupported();
      if (top.node instanceof YAMLSeq) top.node.items.push(value);
      else if (top.key === null) {
        if (!(value instanceof Scalar)) throw new Unsupported();
        top.key = value;
      } else {
        top.node.items.push(new Pair(top.key, value));
        top.key = null;
      }
    };
    while (i < limit) {
      const ch = this.text[i] as string;
      if (ch === " " || ch === "\t" || ch === ",") {
        i++;
      } else if (ch === "[" || ch === "{") {
        if (stack.length >= MAX_DEPTH) throw new Unsupported();
        const node = ch === "[" ? new YAMLSeq() : new YAMLMap();
        node.flow = true;
        stack.push({ node, key: null, start: i });
        i++;
      } else if (ch === "]" || ch === "}") {
        const open = stack.pop();
        if (open === undefined || (ch === "]") !== open.node instanceof YAMLSeq) throw new Unsupported();
        if (open.key !== null) {
          (open.node as YAMLMap).items.push(new Pair(open.key, null));
        }
        open.node.range = [open.start, i + 1, i + 1];
        i++;
        if (stack.length === 0) {
          result = open.node;
          break;
        }
        add(open.node);
      } else if (ch === ":") {
        const top = stack[stack.length - 1];
        if (!(top?.node instanceof YAMLMap) || top.key === null) throw new Unsupported();
        i++;
      } else if (ch === '"' || ch === "'") {
        const { value, end } = this.quoted(i, limit);
        add(scalar(value, ch === '"' ? "QUOTE_DOUBLE" : "QUOTE_SINGLE", i, end));
        i = end;
      } else {
        const { node, end } = this.plain(i, limit, true);
        if (end === i) throw new Unsupported();
        add(node);
        i = end;
      }
    }
    if (result === undefined || !this.restIsEmpty(i, limit)) throw new Unsupported();
    return { node: result, end: i };
  }

  /**
   * A block scalar whose header (`|`, `|-`, `>+`...) is at `header`, its lines below, more indented
   * than `parentIndent`. Returns the scalar and the offset where its last line ends.
   */
  private block(header: number, headerEnd: number, parentIndent: number, limit: number): { node: Scalar; next: number } {
    const indicator = this.text.slice(header, headerEnd).trim();
    const match = /^([|>])([-+]?)(\s+#.*)?$/.exec(indicator);
    if (!match) throw new Unsupported();
    const literal = match[1] === "|";
    const chomp = match[2];
    const lines: string[] = [];
    let indent = -1;
    let lineStart = this.text.indexOf("\n", headerEnd);
    lineStart = lineStart < 0 || lineStart >= limit ? limit : lineStart + 1;
    let lastEnd = headerEnd;
    let next = lineStart;
    while (lineStart < limit) {
      const end = this.lineEnd(lineStart, limit);
      let column = 0;
      while (this.text[lineStart + column] === " ") column++;
      const blank = lineStart + column >= end;
      if (!blank && this.text[lineStart + column] === "\t" && indent < 0) throw new Unsupported();
      if (!blank && (column <= parentIndent || (indent >= 0 && column < indent))) break;
      if (!blank && indent < 0) indent = column;
      lines.push(blank ? "" : this.text.slice(lineStart + indent, end));
      if (!blank) lastEnd = end;
      next = end + 1;
      lineStart = this.text.indexOf("\n", lineStart);
      lineStart = lineStart < 0 || lineStart >= limit ? limit : lineStart + 1;
    }
    // Trailing blank lines belong to the chomping, not to the lines read.
    let trailing = 0;
    while (lines.length > 0 && lines[lines.length - 1] === "") {
      lines.pop();
      trailing++;
    }
    let value: string;
    if (literal) value = lines.join("\n");
    else {
      if (lines.some((line) => line.startsWith(" ") || line.startsWith("\t"))) throw new Unsupported();
      value = "";
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (i === 0) value = line;
        else if (line === "") value += "\n";
        else value += lines[i - 1] === "" ? line : ` ${line}`;
      }
    }
    if (lines.length > 0 && chomp !== "-") value += "\n";
    if (chomp === "+") value += "\n".repeat(trailing);
    // As the `yaml` package has it: a block scalar ends after the newline of its last line.
    // With `+` the trailing blank lines are part of it too.
    const end = chomp === "+" ? Math.min(next, limit) : Math.max(lastEnd, headerEnd);
    return {
      node: scalar(value, literal ? "BLOCK_LITERAL" : "BLOCK_FOLDED", header, this.text[end] === "\n" && end < limit ? end + 1 : end),
      next: Math.min(next, limit),
    };
  }

  /**
   * The value after `key:` or `- ` (at `start`, on a line ending at `lineEnd`): a scalar, a flow
   * collection, a block scalar, or nothing yet (the block below). Returns where reading goes on.
   */
  private inlineValue(start: number, lineEnd: number, indent: number, limit: number): { node: Node | null; end: number; next: number } {
    let i = start;
    while (i < lineEnd && (this.text[i] === " " || this.text[i] === "\t")) i++;
    const nextLine = lineEnd + 1;
    if (i >= lineEnd || (this.text[i] === "#" && (i === start || this.text[i - 1] === " "))) return { node: null, end: start, next: nextLine };
    const ch = this.text[i] as string;
    if (ch === "|" || ch === ">") {
      const block = this.block(i, lineEnd, indent, limit);
      return { node: block.node, end: block.node.range?.[1] ?? lineEnd, next: block.next };
    }
    if (ch === "[" || ch === "{") {
      const flow = this.flow(i, lineEnd);
      return { node: flow.node, end: flow.end, next: nextLine };
    }
    if (ch === '"' || ch === "'") {
      const { value, end } = this.quoted(i, lineEnd);
      if (!this.restIsEmpty(end, lineEnd)) throw new Unsupported();
      return { node: scalar(value, ch === '"' ? "QUOTE_DOUBLE" : "QUOTE_SINGLE", i, end), end, next: nextLine };
    }
    const { node, end } = this.plain(i, lineEnd, false);
    return { node, end, next: nextLine };
  }

  /** `key:` at `start`: the key scalar and the offset after the colon, or undefined when the line is no `key:` entry. */
  private key(start: number, lineEnd: number): { key: Scalar; after: number } | undefined {
    const ch = this.text[start] as string;
    if (ch === '"' || ch === "'") {
      const { value, end } = this.quoted(start, lineEnd);
      if (this.text[end] !== ":" || (end + 1 < lineEnd && this.text[end + 1] !== " ")) return undefined;
      return { key: scalar(value, ch === '"' ? "QUOTE_DOUBLE" : "QUOTE_SINGLE", start, end), after: end + 1 };
    }
    if ("-?:,[]{}#&*!|>%@`".includes(ch)) return undefined;
    let i = start;
    while (i < lineEnd) {
      if (this.text[i] === ":" && (i + 1 === lineEnd || this.text[i + 1] === " " || this.text[i + 1] === "\t")) break;
      if (this.text[i] === "#" && this.text[i - 1] === " ") return undefined;
      i++;
    }
    if (i >= lineEnd) return undefined;
    let keyEnd = i;
    while (keyEnd > start && this.text[keyEnd - 1] === " ") keyEnd--;
    const raw = this.text.slice(start, keyEnd);
    return { key: scalar(resolvePlain(raw), "PLAIN", start, keyEnd), after: i + 1 };
  }

  /** One document between two offsets: its root node, null when it is empty, undefined when unsupported. */
  document(start: number, limit: number): Node | null | undefined {
    if (this.carriageReturns) return undefined;
    try {
      return this.read(start, limit);
    } catch (error) {
      if (error instanceof Unsupported) return undefined;
      throw error;
    }
  }

  private read(start: number, limit: number): Node | null {
    const stack: Frame[] = [];
    let root: Node | null = null;
    const close = (): void => {
      const frame = stack.pop() as Frame;
      // As the `yaml` package has it: a block collection ends after the newline of its last line, or
      // where its last value does when that is empty or a block scalar (which ends after its newline).
      const empty = frame.awaiting !== null;
      frame.awaiting?.set(null, frame.end);
      const newline = this.text.indexOf("\n", frame.end);
      const exact = empty || this.text[frame.end - 1] === "\n" || frame.childEnd === frame.end;
      const end = exact ? frame.end : newline < 0 || newline >= limit ? limit : newline + 1;
      frame.node.range = [frame.node.range?.[0] ?? frame.end, end, end];
      const parent = stack[stack.length - 1];
      if (parent && end >= parent.end) {
        parent.end = end;
        parent.childEnd = end;
      }
    };
    const open = (kind: "map" | "seq", indent: number, at: number): Frame => {
      if (stack.length >= MAX_DEPTH) throw new Unsupported();
      const node = kind === "map" ? new YAMLMap() : new YAMLSeq();
      node.range = [at, at, at];
      const parent = stack[stack.length - 1];
      if (parent) {
        const awaiting = parent.awaiting;
        if (awaiting === null) throw new Unsupported();
        parent.awaiting = null;
        awaiting.set(node, at);
      } else if (root === null) root = node;
      else throw new Unsupported();
      const frame: Frame = { kind, indent, node, end: at, awaiting: null };
      stack.push(frame);
      return frame;
    };
    /** An entry's value: set now, or awaited from the lines below (an empty scalar if none comes, as the `yaml` package reads it). */
    const place = (frame: Frame, set: (value: Node | null) => void, indent: number, value: { node: Node | null; end: number }): void => {
      if (value.node === null) frame.awaiting = { set: (node) => set(node ?? scalar(null, "PLAIN", value.end, value.end)), indent };
      else set(value.node);
      frame.end = Math.max(frame.end, value.end);
    };
    /** `key: value` at `at` (indent `indent`) into the map frame. */
    const entry = (frame: Frame, at: number, lineEnd: number, indent: number): number => {
      const key = this.key(at, lineEnd);
      if (key === undefined) throw new Unsupported();
      const map = frame.node as YAMLMap;
      if (map.items.length === 0 && frame.node.range) frame.node.range = [at, at, at];
      const value = this.inlineValue(key.after, lineEnd, indent, limit);
      const pair = new Pair<Scalar, Node | null>(key.key, null);
      map.items.push(pair);
      place(frame, (node) => (pair.value = node), indent, value);
      return value.next;
    };
    let lineStart = start;
    while (lineStart < limit) {
      const lineEnd = this.lineEnd(lineStart, limit);
      let indent = 0;
      while (this.text[lineStart + indent] === " ") indent++;
      const content = lineStart + indent;
      const first = this.text[content];
      if (content >= lineEnd || first === "#") {
        lineStart = lineEnd + 1;
        continue;
      }
      if (first === "\t" || first === "%" || first === "&" || first === "*" || first === "!" || first === "?") throw new Unsupported();
      // Leave the frames this line is not inside of.
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as Frame;
        const inside = indent > top.indent || (indent === top.indent && (top.kind === "map" || first === "-"));
        if (inside) break;
        close();
      }
      const top = stack[stack.length - 1];
      let next: number;
      if (first === "-" && (this.text[content + 1] === " " || content + 1 >= lineEnd)) {
        // A sequence item: of the sequence at this indent, or a new one (also right under a `key:` at the same indent).
        let seq: Frame;
        if (top?.kind === "seq" && top.indent === indent && top.awaiting !== null) {
          // The previous item (`-` alone) got no value below it: null.
          top.awaiting.set(null, top.end);
          top.awaiting = null;
        }
        if (top?.kind === "seq" && top.indent === indent && top.awaiting === null) seq = top;
        else if (top?.kind === "map" && top.indent === indent && top.awaiting !== null) seq = open("seq", indent, content);
        else if (top === undefined || (top.awaiting !== null && indent > top.indent)) seq = open("seq", indent, content);
        else throw new Unsupported();
        const items = (seq.node as YAMLSeq).items;
        let itemStart = content + 1;
        while (itemStart < lineEnd && this.text[itemStart] === " ") itemStart++;
        const itemIndent = itemStart - lineStart;
        const index = items.length;
        items.push(null);
        const set = (node: Node | null): void => {
          items[index] = node;
        };
        if (itemStart < lineEnd && this.text[itemStart] === "-") throw new Unsupported();
        if (itemStart < lineEnd && this.text[itemStart] !== "#" && this.key(itemStart, lineEnd) !== undefined) {
          // `- key: value`: a map whose first entry is on the dash's line, indented where the key is.
          seq.awaiting = { set: (node) => set(node), indent };
          const map = open("map", itemIndent, itemStart);
          next = entry(map, itemStart, lineEnd, itemIndent);
        } else {
          const value = this.inlineValue(itemStart, lineEnd, indent, limit);
          place(seq, set, indent, value);
          next = value.next;
        }
      } else {
        let map: Frame;
        if (top?.kind === "map" && top.indent === indent) {
          if (top.awaiting !== null) {
            top.awaiting.set(null, top.end);
            top.awaiting = null;
          }
          map = top;
        } else if (top === undefined || (top.awaiting !== null && indent > top.indent)) map = open("map", indent, content);
        else throw new Unsupported();
        next = entry(map, content, lineEnd, indent);
      }
      lineStart = next;
    }
    while (stack.length > 0) close();
    return root;
  }
}
