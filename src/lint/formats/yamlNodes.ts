// Typed, position-keeping access to YAML nodes (the `yaml` package's CST-backed documents), read one
// document at a time so a 50 MB multi-document manifest never sits in memory as a whole tree.
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, type Document, type Node, type Pair, type Scalar } from "yaml";
import { LintInputError } from "../errors.js";
import type { Location, Placement } from "../model.js";

export interface YamlSource {
  file: string;
  text: string;
  lineCounter: LineCounter;
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
function expandAliases(document: Document.Parsed, file: string, lineCounter: LineCounter): void {
  const anchors = new Map<string, Node>();
  const aliasTarget = (node: unknown): unknown => {
    if (!isAlias(node)) return node;
    const target = anchors.get(node.source);
    if (target === undefined) throw new LintInputError(file, `YAML: alias *${node.source} names no anchor before it`, positionOf(lineCounter, node.range?.[0] ?? 0));
    return target;
  };
  // Pass 1, pre-order in document order: anchors registered, each alias replaced (when reached, so by
  // the latest anchor before it) by its target; only what is written is walked, never a target again.
  let own = 0;
  const pending: { node: unknown; replace?: (target: unknown) => void }[] = [{ node: document.contents, replace: (target) => (document.contents = target as typeof document.contents) }];
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
      for (const child of childrenOf(top.node)) if (child !== null && child !== undefined && !size.has(child) && !inProgress.has(child)) stack.push({ node: child, expanded: false });
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

function positionOf(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const position = lineCounter.linePos(offset);
  return { line: position.line, column: position.col };
}

/** The documents of a stream, one at a time; the first syntax error makes the file unreadable. */
export function* yamlDocuments(source: YamlSource, format: "YAML" | "JSON" = "YAML"): Generator<Document.Parsed> {
  const composer = new Composer({ prettyErrors: false });
  for (const document of composer.compose(new Parser(source.lineCounter.addNewLine).parse(source.text))) {
    const error = document.errors[0];
    if (error) {
      const deep = /call stack/i.test(error.message);
      throw new LintInputError(source.file, deep ? `${format}: nested too deeply` : `${format}: ${error.message.split("\n")[0]}`, positionOf(source.lineCounter, error.pos[0]));
    }
    expandAliases(document, source.file, source.lineCounter);
    yield document;
  }
}

export function yamlSource(text: string, file: string): YamlSource {
  return { file, text, lineCounter: new LineCounter() };
}

export function locate(source: YamlSource, node: Node | null | undefined): Location {
  return { file: source.file, ...positionOf(source.lineCounter, node?.range?.[0] ?? 0) };
}

/** The line after a node (a list item, a block) and the indentation of the line it starts on. */
export function after(source: YamlSource, node: Node | null | undefined): Placement | undefined {
  const range = node?.range;
  if (!range) return undefined;
  const end = positionOf(source.lineCounter, Math.max(range[0], range[1] - 1));
  const startLine = positionOf(source.lineCounter, range[0]).line;
  return { at: { file: source.file, line: end.line + 1, column: 1 }, indent: lineIndent(source, startLine) };
}

/**
 * Where a new item of a list goes: after its last item, or, in a flow list (`[a, b]`), inside the
 * brackets (the text then starts with ", ").
 */
export function listEnd(source: YamlSource, node: Node | undefined): Placement | undefined {
  if (isSeq(node) && node.flow && node.range) {
    const close = source.lineCounter.linePos(node.range[1] - 1);
    return { at: { file: source.file, line: close.line, column: close.col }, indent: "", inline: true };
  }
  const list = items(node);
  return after(source, list[list.length - 1]);
}

/** The leading blanks (and list dashes' columns, as blanks) of a line, for a new sibling item. */
export function lineIndent(source: YamlSource, line: number): string {
  const start = source.lineCounter.lineStarts[line - 1] ?? 0;
  let end = start;
  while (source.text[end] === " " || source.text[end] === "\t") end++;
  return source.text.slice(start, end);
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
  const header = positionOf(source.lineCounter, range[0]);
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
