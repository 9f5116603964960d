// Table-driven over the whole fixture corpus: every expected finding, nothing more, positions exact.
// A case is a folder under test/fixtures/lint/<format>/ linted as a tree (files in sub-folders refer to
// each other); each file has an `<name>.expected.json` next to it saying what lint must report there,
// or that it is not read (and why), or that it is only read for what other files need (`"input": true`).
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadHclParser, type HclParser } from "../../../src/lint/formats/terraform/hcl.js";
import { lint, type LintResult } from "../../../src/lint/lint.js";
import { loadSources } from "../../../src/lint/load.js";
import { CORPUS_ROOT, listCases } from "./corpusCases.js";

const ROOT = CORPUS_ROOT;

interface Expected {
  ruleId: string;
  severity: string;
  line: number;
  column: number;
}

interface ExpectedFile {
  findings: Expected[];
  /** The start of the reason it is listed as not read. */
  notRead?: string;
  /** Read for other files (Ansible variables), not linted itself. */
  input?: boolean;
}

/** `redis-cluster.yaml` -> `redis-cluster.expected.json`, `rules.v4` -> `rules.expected.json`, `redis.conf.j2` -> `redis.conf.expected.json`. */
function expectedPath(file: string): string {
  const base = posix.basename(file);
  const dot = base.lastIndexOf(".");
  return posix.join(posix.dirname(file), `${dot > 0 ? base.slice(0, dot) : base}.expected.json`);
}

function sortKey(finding: Expected): string {
  return `${String(finding.line).padStart(6, "0")}:${String(finding.column).padStart(4, "0")}:${finding.ruleId}:${finding.severity}`;
}

const cases = listCases();
const allFiles = cases.flatMap((entry) => entry.files);
let hcl: HclParser;
const results = new Map<string, LintResult>();

beforeAll(async () => {
  hcl = await loadHclParser();
  for (const entry of cases) {
    const loaded = await loadSources([entry.dir]);
    const result = lint(loaded.sources, { hcl });
    results.set(entry.dir, { ...result, notRead: [...loaded.notRead, ...result.notRead] });
  }
});

describe("lint fixture corpus", () => {
  it("holds at least 80 realistic files, each with its expected findings", () => {
    expect(allFiles.length).toBeGreaterThanOrEqual(80);
    for (const file of allFiles) expect(() => readFileSync(expectedPath(file), "utf8"), file).not.toThrow();
  });

  for (const entry of cases) {
    for (const file of entry.files) {
      it(file.slice(ROOT.length + 1), () => {
        const result = results.get(entry.dir) as LintResult;
        const expected = JSON.parse(readFileSync(expectedPath(file), "utf8")) as ExpectedFile;
        if (expected.notRead !== undefined) {
          expect(result.notRead.find((item) => item.file === file)?.reason, "listed as not read").toMatch(
            new RegExp(`^${expected.notRead.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
          );
        } else if (expected.input) {
          expect(result.notRead.map((item) => item.file)).not.toContain(file);
        } else {
          expect(result.read, "the file must be read, not skipped").toContain(file);
        }
        const actual = result.findings
          .filter((finding) => finding.file === file)
          .map(({ ruleId, severity, line, column }) => ({ ruleId, severity, line, column }));
        expect([...actual].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
          [...expected.findings].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
        );
      });
    }
  }

  it("every finding says why busdoctor believes (or cannot tell) that this Redis runs in cluster mode", () => {
    for (const result of results.values()) {
      for (const finding of result.findings) {
        if (finding.severity === "note") expect(finding.evidence).toMatch(/^no sign of cluster mode/);
        else expect(finding.evidence).toMatch(/^cluster mode: .+ at test\/fixtures\/lint\/.+:\d+/);
      }
    }
  });
});
