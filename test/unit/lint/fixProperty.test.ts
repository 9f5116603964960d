// Fixes that are never harmful: every fix lint suggests for the fixture corpus is applied (its edits,
// in a copy of the case) and the case is linted again. The finding it fixes must be gone, and no finding
// may appear that was not there before: no bus port opened to the internet, no one-way or narrower rule,
// no file that stops parsing. Only the fix's own NODES_CIDR placeholder stays for the user to fill in.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { posix } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHclParser, type HclParser } from "../../../src/lint/formats/terraform/hcl.js";
import { lint, type LintResult } from "../../../src/lint/lint.js";
import { loadSources } from "../../../src/lint/load.js";
import type { LintFinding, TextEdit } from "../../../src/lint/model.js";
import { listCases } from "./corpusCases.js";

/** Applies edits to a text, the last first, so earlier positions stay valid. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const offset = (position: { line: number; column: number }): number => (starts[position.line - 1] ?? text.length) + position.column - 1;
  let result = text;
  for (const edit of [...edits].sort((a, b) => offset(b.start) - offset(a.start)))
    result = result.slice(0, offset(edit.start)) + edit.text + result.slice(offset(edit.end));
  return result;
}

let hcl: HclParser;
const scratch = mkdtempSync(posix.join(tmpdir(), "busdoctor-fixes-"));

async function lintTree(dir: string): Promise<LintResult> {
  const loaded = await loadSources([dir]);
  const result = lint(loaded.sources, { hcl });
  return { ...result, notRead: [...loaded.notRead, ...result.notRead] };
}

function counts(findings: readonly LintFinding[], root: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const finding of findings) {
    const key = `${finding.ruleId} ${posix.relative(root, finding.file)} ${finding.severity}`;
    result.set(key, (result.get(key) ?? 0) + 1);
  }
  return result;
}

beforeAll(async () => {
  hcl = await loadHclParser();
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("every suggested fix, applied and linted again", () => {
  let index = 0;
  for (const { dir } of listCases()) {
    it(dir, async () => {
      const before = await lintTree(dir);
      for (const finding of before.findings) {
        const what = `${finding.ruleId} at ${posix.basename(finding.file)}:${finding.line}`;
        expect(finding.edits, `${what} has a fix busdoctor can place`).toBeDefined();
        const copy = posix.join(scratch, String(index++));
        cpSync(dir, copy, { recursive: true });
        for (const file of new Set((finding.edits ?? []).map((edit) => edit.file))) {
          const target = posix.join(copy, posix.relative(dir, file));
          writeFileSync(
            target,
            applyEdits(
              readFileSync(target, "utf8"),
              (finding.edits ?? []).filter((edit) => edit.file === file),
            ),
          );
        }
        const after = await lintTree(copy);
        expect(after.notRead, `${what}: every file still reads`).toEqual([]);
        const was = counts(before.findings, dir);
        const now = counts(after.findings, copy);
        const key = `${finding.ruleId} ${posix.relative(dir, finding.file)} ${finding.severity}`;
        expect(now.get(key) ?? 0, `${what} is fixed`).toBeLessThan(was.get(key) ?? 0);
        for (const [other, count] of now) expect(count, `${what}: no new ${other}`).toBeLessThanOrEqual(was.get(other) ?? 0);
      }
    });
  }
});
