// Typed, position-keeping access to YAML nodes (the `yaml` package's CST-backed documents), read one
// document at a time so a 50 MB multi-document manifest never sits in memory as a whole tree.
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Parser, type Document, type Node, type Pair, type Scalar } from "yaml";
import { LineIndex } from "../../firewall/lines.js";
import { LintInputError } from "../errors.js";
import { FastYaml } from "./fastYaml.js";
import type { Location, Placement } from "../model.js";

export interface YamlSource {
  file: string;
  text: string;
  lines: LineIndex;
}

/**
 * How far aliases may multiply a document: a few anchors shared by many services are normal; a
 * "billion laughs" (`a: &a [x,x,x]`, `b: &b [*a,*a,*a]`...) reaches this within a few hundred bytes.
 */
const ALIAS_EXPANSION_FACTOR = 10;
const ALIAS_EXPANSION_FLOOR = 10_000;

function childrenOf(node: unknown): unknown[] {
  if (isSeq(node)) return node.items;
  if (isMap(node)) {
    const result: unknown[] = [];
    for (const pair of node.items) result.push(pair.key, pair.value);
    return result;
  }
  return [];
}

/**
 * Replaces `*alias` nodes by the node they name (the latest anchor before them, in document order)
 * and spreads `<<: *anchor` merge keys into their map (compose files share settings this way), so
 * lookups see what Docker Compose sees. Merged nodes keep the position of the anchor they come from.
 * Iterative, linear in the document, and refuses documents whose aliases multiply it past the cap.
 * Sample: `x-redis: &redis {image: redis:7}` then `redis-1: {<<: *redis, command: ...}`.
 */
function expandAliases(document: Document.Parsed, file: string, lines: LineIndex): void {
  const anchors = new Map<string, Node>();
  const aliasTarget = (node: unknown): unknown => {
    if (!isAlias(node)) return node;
    const target = anchors.get(node.source);
    if (target === undefined) throw new LintInputError(file, `YAML: alias *${node.source} names no anchor before it`, lines.position(node.range?.[0] ?? 0));
    return target;
  };
  // Pass 1, pre-order in document order: anchors registered, each alias replaced (when reached, so by
  // the latest anchor before it) by its target; only what is written is walked, never a target again.
  let own = 0;
  const pending: { node: unknown; replace?: (target: unknown) => void }[] = [
    { node: document.contents, replace: (target) => (document.contents = target as typeof document.contents) },
  ];
  while (pending.length > 0) {
    const { node, replace } = pending.pop() as { node: unknown; replace?: (target: unknown) => void };
    if (node === null || node === undefined) continue;
    own++;
    if (isAlias(node)) {
      replace?.(aliasTarget(node));
      continue;
    }
    if ((isMap(node) || isSeq(node) || isScalar(node)) && node.anchor) anchors.set(node.anchor, node);
    if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) pending.push({ node: node.items[i], replace: (target) => (node.items[i] = target) });
    } else if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i] as Pair;
        pending.push({ node: pair.value, replace: (target) => (pair.value = target) });
        pending.push({ node: pair.key });
      }
    }
  }
  // Pass 2, post-order over what is now a graph: expanded size (memoised), then merge keys.
  const limit = own * ALIAS_EXPANSION_FACTOR + ALIAS_EXPANSION_FLOOR;
  const size = new Map<unknown, number>();
  // A node counts as size 1 while its own children are visited: an alias inside its anchor cannot loop.
  const inProgress = new Set<unknown>();
  const stack: { node: unknown; expanded: boolean }[] = [{ node: document.contents, expanded: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { node: unknown; expanded: boolean };
    if (size.has(top.node) || (!top.expanded && inProgress.has(top.node))) {
      stack.pop();
      continue;
    }
    if (!top.expanded) {
      top.expanded = true;
      inProgress.add(top.node);
      for (const child of childrenOf(top.node))
        if (child !== null && child !== undefined && !size.has(child) && !inProgress.has(child)) stack.push({ node: child, expanded: false });
      continue;
    }
    stack.pop();
    inProgress.delete(top.node);
    let total = 1;
    for (const child of childrenOf(top.node)) total += size.get(child) ?? (child === null || child === undefined ? 0 : 1);
    size.set(top.node, total);
    if (total > limit) {
      throw new LintInputError(file, `YAML aliases expand this document past ${limit} nodes (${own} written): not read, as an alias bomb would not be`);
    }
    if (isMap(top.node)) mergeKeys(top.node);
  }
}

function mergeKeys(node: { items: Pair[] }): void {
  const merges = node.items.filter((pair) => isScalar(pair.key) && pair.key.value === "<<");
  if (merges.length === 0) return;
  node.items = node.items.filter((pair) => !merges.includes(pair));
  const present = new Set(node.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : "")));
  for (const merge of merges) {
    const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
    for (const source of sources) {
      if (!isMap(source)) continue;
      for (const pair of source.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : "";
        if (!present.has(key)) {
          present.add(key);
          node.items.push(pair);
        }
      }
    }
  }
}

/** Adds `offset` to the ranges of every node of a tree (a document parsed from a slice of the file). */
function shiftRanges(root: unknown, offset: number): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isAlias(node) || isScalar(node) || isMap(node) || isSeq(node)) {
      const range = node.range;
      if (range) node.range = [range[0] + offset, range[1] + offset, range[2] + offset];
    }
    for (const child of childrenOf(node)) pending.push(child);
  }
}

/** Documents of one part of the file read by the `yaml` package (what the fast reader left to it). */
function* libraryDocuments(source: YamlSource, start: number, end: number): Generator<unknown> {
  const composer = new Composer({ prettyErrors: false });
  for (const document of composer.compose(new Parser().parse(source.text.slice(start, end)))) {
    const error = document.errors[0];
    if (error) {
      const deep = /call stack/i.test(error.message);
      throw new LintInputError(
        source.file,
        deep ? "YAML: nested too deeply" : `YAML: ${error.message.split("\n")[0]}`,
        source.lines.position(error.pos[0] + start),
      );
    }
    shiftRanges(document.contents, start);
    expandAliases(document, source.file, source.lines);
    if (document.contents !== null) yield document.contents;
  }
}

/** A line that starts a document (`---`) or ends one (`...`). */
function isSeparator(text: string, at: number): boolean {
  if (!(text.startsWith("---", at) || text.startsWith("...", at))) return false;
  const after = text[at + 3];
  return after === undefined || after === "\n" || after === " " || after === "\t" || after === "\r";
}

/**
 * The root nodes of a stream's documents, one at a time (a 50 MB render never sits in memory as one
 * tree). Documents are read by the fast reader, or by the `yaml` package when they use more of YAML;
 * the first syntax error makes the file unreadable.
 */
export function* yamlDocuments(source: YamlSource): Generator<unknown> {
  const { text } = source;
  const fast = new FastYaml(text);
  let documentStart = 0;
  let lineStart = 0;
  for (;;) {
    const atEnd = lineStart >= text.length;
    if (atEnd || isSeparator(text, lineStart)) {
      if (documentStart < lineStart) {
        const root = fast.document(documentStart, lineStart);
        if (root === undefined) yield* libraryDocuments(source, documentStart, lineStart);
        else if (root !== null) yield root;
      }
      if (atEnd) return;
      const newline = text.indexOf("\n", lineStart);
      // `--- |` and the like: content on the separator line is for the `yaml` package.
      const restOfLine = text.slice(lineStart + 3, newline < 0 ? text.length : newline).trim();
      if (restOfLine !== "" && !restOfLine.startsWith("#")) {
        const next = nextSeparator(text, newline < 0 ? text.length : newline + 1);
        yield* libraryDocuments(source, lineStart, next);
        documentStart = lineStart = next;
        continue;
      }
      documentStart = newline < 0 ? text.length : newline + 1;
      lineStart = documentStart;
      continue;
    }
    const newline = text.indexOf("\n", lineStart);
    lineStart = newline < 0 ? text.length : newline + 1;
  }
}

function nextSeparator(text: string, from: number): number {
  let lineStart = from;
  while (lineStart < text.length && !isSeparator(text, lineStart)) {
    const newline = text.indexOf("\n", lineStart);
    lineStart = newline < 0 ? text.length : newline + 1;
  }
  return lineStart;
}

export function yamlSource(text: string, file: string): YamlSource {
  return { file, text, lines: new LineIndex(text) };
}

export function locate(source: YamlSource, node: Node | null | undefined): Location {
  return { file: source.file, ...source.lines.position(node?.range?.[0] ?? 0) };
}

/** The line after a node (a list item, a block) and the indentation of the line it starts on. */
export function after(source: YamlSource, node: Node | null | undefined): Placement | undefined {
  const range = node?.range;
  if (!range) return undefined;
  const end = source.lines.position(Math.max(range[0], range[1] - 1));
  const startLine = source.lines.position(range[0]).line;
  return { at: { file: source.file, line: end.line + 1, column: 1 }, indent: lineIndent(source, startLine) };
}

/**
 * Where a new item of a list goes: after its last item, or, in a flow list (`[a, b]`), inside the
 * brackets (the text then starts with ", ").
 */
export function listEnd(source: YamlSource, node: Node | undefined): Placement | undefined {
  if (isSeq(node) && node.flow && node.range) {
    return { at: { file: source.file, ...source.lines.position(node.range[1] - 1) }, indent: "", inline: true };
  }
  const list = items(node);
  return after(source, list[list.length - 1]);
}

/** Where an item written after `item` of `list` goes: the next line, or inside the brackets of a flow list. */
export function itemAfter(source: YamlSource, list: Node | undefined, item: Node): Placement | undefined {
  return isSeq(list) && list.flow ? listEnd(source, list) : after(source, item);
}

/** The leading blanks (and list dashes' columns, as blanks) of a line, for a new sibling item. */
export function lineIndent(source: YamlSource, line: number): string {
  const start = source.lines.start(line);
  let end = start;
  while (source.text[end] === " ") end++;
  // Indentation is spaces: one string per width, not one per placement.
  if (source.text[end] !== "\t") return spaces(end - start);
  while (source.text[end] === " " || source.text[end] === "\t") end++;
  return source.text.slice(start, end);
}

const SPACES: string[] = [];

function spaces(width: number): string {
  let known = SPACES[width];
  if (known === undefined) {
    known = " ".repeat(width);
    if (width < 256) SPACES[width] = known;
  }
  return known;
}

export function get(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) return (pair.value as Node | null) ?? undefined;
  }
  return undefined;
}

/** The key node of `key`, for positions of entries whose value is empty. */
export function keyNode(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) if (isScalar(pair.key) && String(pair.key.value) === key) return pair.key;
  return undefined;
}

export function getPath(node: unknown, ...keys: string[]): Node | undefined {
  let current: unknown = node;
  for (const key of keys) current = get(current, key);
  return current as Node | undefined;
}

export function str(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  const value: unknown = node.value;
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
}

export function bool(node: unknown): boolean | undefined {
  return isScalar(node) && typeof node.value === "boolean" ? node.value : undefined;
}

export function items(node: unknown): Node[] {
  return isSeq(node) ? (node.items as Node[]) : [];
}

export function entries(node: unknown): { key: string; keyNode: Node; value: Node | undefined }[] {
  if (!isMap(node)) return [];
  const result: { key: string; keyNode: Node; value: Node | undefined }[] = [];
  for (const pair of node.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    result.push({ key: String(pair.key.value), keyNode: pair.key, value: (pair.value as Node | null) ?? undefined });
  }
  return result;
}

export function stringMap(node: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of entries(node)) {
    const value = str(entry.value);
    if (value !== undefined) result[entry.key] = value;
  }
  return result;
}

/**
 * Where each line of a block scalar's value starts in the file, so text embedded in YAML (a redis.conf
 * in a ConfigMap, a shell script in `args`) keeps exact positions. A function, not a list: a ConfigMap
 * value may hold a hundred thousand lines. Sample: `  redis.conf: |` then `    port 7000` (value line 0
 * is at file line +1, column 5).
 */
export function blockScalarLines(source: YamlSource, node: Scalar): ((index: number) => Location) | undefined {
  // Folded scalars join lines, so only literal ones map line for line.
  if (node.type !== "BLOCK_LITERAL") return undefined;
  const range = node.range;
  if (!range) return undefined;
  const header = source.lines.position(range[0]);
  // The indentation is that of the first line with content after the header.
  let offset = source.text.indexOf("\n", range[0]) + 1;
  let indent = 0;
  while (offset > 0 && offset < range[1]) {
    let column = 0;
    while (source.text[offset + column] === " ") column++;
    const next = source.text[offset + column];
    if (next !== "\n" && next !== "\r" && next !== undefined) {
      indent = column;
      break;
    }
    offset = source.text.indexOf("\n", offset) + 1;
  }
  return (index) => ({ file: source.file, line: header.line + 1 + index, column: indent + 1 });
}
