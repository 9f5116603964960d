// The fixture corpus of lint: one case per folder under test/fixtures/lint/<format>/, linted as a tree.
import { readdirSync, statSync } from "node:fs";
import { posix } from "node:path";

export const CORPUS_ROOT = "test/fixtures/lint";
/** Folders of the corpus that are not cases of the table (tested on their own). */
const NOT_CASES = new Set(["unreadable", "tree"]);

export interface CorpusCase {
  dir: string;
  files: string[];
}

function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    for (const name of readdirSync(current)) {
      const path = posix.join(current, name);
      if (statSync(path).isDirectory()) pending.push(path);
      else if (!name.endsWith(".expected.json")) found.push(path);
    }
  }
  return found.sort();
}

export function listCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const kind of readdirSync(CORPUS_ROOT).sort()) {
    if (NOT_CASES.has(kind) || !statSync(posix.join(CORPUS_ROOT, kind)).isDirectory()) continue;
    for (const name of readdirSync(posix.join(CORPUS_ROOT, kind)).sort()) {
      const dir = posix.join(CORPUS_ROOT, kind, name);
      if (statSync(dir).isDirectory()) cases.push({ dir, files: filesUnder(dir) });
    }
  }
  return cases;
}
