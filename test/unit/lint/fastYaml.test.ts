// The fast YAML reader against the `yaml` package: on every YAML file of the fixtures and on snippets
// of each construct it reads, the same nodes (values, scalar types, ranges); on what it does not read,
// it gives the document to the `yaml` package instead of guessing.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { posix } from "node:path";
import { Composer, isMap, isScalar, isSeq, Parser } from "yaml";
import { describe, expect, it } from "vitest";
import { FastYaml } from "../../../src/lint/formats/fastYaml.js";
import { yamlDocuments, yamlSource } from "../../../src/lint/formats/yamlNodes.js";

type Plain =
  | null
  | { map: [Plain, Plain][]; range: number[]; flow: boolean }
  | { seq: Plain[]; range: number[]; flow: boolean }
  | { value: unknown; type: string | undefined; range: number[] };

function plain(node: unknown): Plain {
  if (isMap(node))
    return { map: node.items.map((pair) => [plain(pair.key), plain(pair.value)]), range: [...(node.range ?? [])].slice(0, 2), flow: node.flow === true };
  if (isSeq(node)) return { seq: node.items.map(plain), range: [...(node.range ?? [])].slice(0, 2), flow: node.flow === true };
  if (isScalar(node)) return { value: node.value, type: node.type, range: [...(node.range ?? [])].slice(0, 2) };
  return null;
}

function library(text: string): Plain[] {
  const roots: Plain[] = [];
  for (const document of new Composer().compose(new Parser().parse(text))) {
    if (document.errors.length > 0) throw new Error(document.errors[0]?.message);
    if (document.contents !== null) roots.push(plain(document.contents));
  }
  return roots;
}

function fast(text: string): Plain[] {
  return [...yamlDocuments(yamlSource(text, "f.yaml"))].map(plain);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = posix.join(dir, name);
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const SNIPPETS: Record<string, string> = {
  "nested maps and compact sequences": "a:\n  b: 1\n  c:\n  - x\n  - y: 2\n    z: [3, 'four', {five: 5}]\nd: true\n",
  "empty values and empty items": "a:\nb: ~\nc:\n  -\n  - null\nd: ''\n",
  "block scalars: clip, strip, keep, folded, blank lines": "a: |\n  one\n\n  two\nb: |-\n  x\nc: |+\n  y\n\nd: >\n  folded\n  line\n\n  next\ne: end\n",
  "quotes, escapes, comments": `a: "tab\\there \\"q\\" \\u00e9" # c\nb: 'it''s'\n# whole line\nc: plain value # trailing\nd: "#not a comment"\n`,
  "numbers, booleans and strings as YAML 1.2 reads them": "a: 6379\nb: 0x1F\nc: 1e3\nd: yes\ne: True\nf: 010\ng: -7\nh: .5\ni: 1.2.3\nj: 0o17\n",
  "several documents, separators with comments": "---\na: 1\n--- # second\nb: 2\n...\n---\nc: [x, y]\n",
  "keys with dots, slashes, spaces and quotes": 'app.kubernetes.io/name: x\n"quoted key": y\nwith space: z\n',
  "deep sequences of maps": "spec:\n  containers:\n    - name: a\n      ports:\n        - containerPort: 1\n          name: x\n    - name: b\n",
};

describe("fast YAML reader", () => {
  for (const file of yamlFiles("test/fixtures").sort()) {
    const text = readFileSync(file, "utf8");
    let expected: Plain[];
    try {
      expected = library(text);
    } catch {
      continue;
    }
    // Anchored documents come back with aliases expanded; the rest must match node for node.
    if (/(^|\s)[&*][A-Za-z]/.test(text)) continue;
    it(file, () => expect(fast(text)).toEqual(expected));
  }
  for (const [name, text] of Object.entries(SNIPPETS)) {
    it(name, () => {
      if (!text.includes("---")) expect(new FastYaml(text).document(0, text.length), "read by the fast reader itself").not.toBeUndefined();
      expect(fast(text)).toEqual(library(text));
    });
  }

  it.each([
    ["an anchor", "a: &x 1\nb: *x\n"],
    ["a tag", "a: !!str 1\n"],
    ["a multi-line plain scalar", "a: one\n  two\n"],
    ["a multi-line quoted scalar", 'a: "one\n  two"\n'],
    ["a complex key", "? a\n: b\n"],
    ["a flow collection over two lines", "a: [1,\n  2]\n"],
    ["a tab in the indentation", "a:\n\tb: 1\n"],
    ["a root scalar", "just text\n"],
  ])("gives %s to the yaml package", (_, text) => {
    expect(new FastYaml(text).document(0, text.length)).toBeUndefined();
  });
});
