// Typed, position-keeping access to YAML nodes (the `yaml` package's CST-backed documents).
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
  type Pair,
  type Scalar,
} from "yaml";
import { LintInputError } from "../errors.js";
import type { Location } from "../model.js";

export interface YamlSource {
  file: string;
  text: string;
  lineCounter: LineCounter;
  documents: Document.Parsed[];
}

/**
 * Replaces `*alias` nodes by the node they name and spreads `<<: *anchor` merge keys into their map
 * (compose files share settings this way), so lookups see what Docker Compose sees. Merged nodes keep
 * the position of the anchor they come from.
 * Sample: `x-redis: &redis {image: redis:7}` then `redis-1: {<<: *redis, command: ...}`.
 */
function expandAliases(document: Document.Parsed, node: unknown): unknown {
  if (isAlias(node)) return node.resolve(document);
  if (isSeq(node)) node.items = node.items.map((item) => expandAliases(document, item));
  if (isMap(node)) {
    const merges: Pair[] = [];
    for (const pair of node.items) {
      pair.value = expandAliases(document, pair.value);
      if (isScalar(pair.key) && pair.key.value === "<<") merges.push(pair);
    }
    if (merges.length > 0) {
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
  }
  return node;
}

/** Parses every document of a multi-document stream; the first syntax error makes the file unreadable. */
export function parseYaml(text: string, file: string, format: "YAML" | "JSON" = "YAML"): YamlSource {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const position = lineCounter.linePos(error.pos[0]);
      throw new LintInputError(file, `${format}: ${error.message.split("\n")[0]}`, { line: position.line, column: position.col });
    }
    document.contents = expandAliases(document, document.contents) as typeof document.contents;
  }
  return { file, text, lineCounter, documents };
}

export function locate(source: YamlSource, node: Node | null | undefined): Location {
  const offset = node?.range?.[0] ?? 0;
  const position = source.lineCounter.linePos(offset);
  return { file: source.file, line: position.line, column: position.col };
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
    if (!isScalar(pair.key)) continue;
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
 * Where each line of a block scalar's value starts in the file, so text embedded in YAML
 * (a redis.conf in a ConfigMap, a shell script in `args`) keeps exact positions.
 * Sample: `  redis.conf: |` followed by `    port 7000` (value line 0 is at file line +1, column 5).
 */
export function blockScalarLineStarts(source: YamlSource, node: Scalar): Location[] | undefined {
  // Folded scalars join lines, so only literal ones map line for line.
  if (node.type !== "BLOCK_LITERAL") return undefined;
  const range = node.range;
  if (!range) return undefined;
  const raw = source.text.slice(range[0], range[1]);
  const rawLines = raw.split("\n").slice(1);
  const indent = Math.min(
    ...rawLines.filter((line) => line.trim() !== "").map((line) => line.length - line.trimStart().length),
  );
  const header = source.lineCounter.linePos(range[0]);
  const value = String(node.value);
  return value.split("\n").map((_, index) => ({
    file: source.file,
    line: header.line + 1 + index,
    column: (Number.isFinite(indent) ? indent : 0) + 1,
  }));
}
