// Table-driven over the whole fixture corpus: every expected finding, nothing more, positions exact.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { posix } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadHclParser, type HclParser } from "../../../src/lint/formats/terraform/hcl.js";
import { lint, type LintResult } from "../../../src/lint/lint.js";
import { loadSources } from "../../../src/lint/load.js";

const ROOT = "test/fixtures/lint";
const KINDS = ["k8s", "compose", "terraform", "iptables", "nft", "firewalld", "redis-conf"];

interface Expected {
  ruleId: string;
  severity: string;
  line: number;
  column: number;
}

interface CorpusCase {
  dir: string;
  files: string[];
}

function listCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const kind of KINDS) {
    for (const name of readdirSync(posix.join(ROOT, kind)).sort()) {
      const dir = posix.join(ROOT, kind, name);
      if (!statSync(dir).isDirectory()) continue;
      const files = readdirSync(dir)
        .filter((file) => !file.endsWith(".expected.json"))
        .map((file) => posix.join(dir, file))
        .sort();
      cases.push({ dir, files });
    }
  }
  return cases;
}

/** `redis-cluster.yaml` -> `redis-cluster.expected.json`, `rules.v4` -> `rules.expected.json`. */
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
  for (const entry of cases) results.set(entry.dir, lint(await loadSources([entry.dir]), hcl));
});

describe("lint fixture corpus", () => {
  it("holds at least 40 realistic files, each with its expected findings", () => {
    expect(allFiles.length).toBeGreaterThanOrEqual(40);
    for (const file of allFiles) expect(() => readFileSync(expectedPath(file), "utf8"), file).not.toThrow();
  });

  for (const entry of cases) {
    for (const file of entry.files) {
      it(file.slice(ROOT.length + 1), () => {
        const result = results.get(entry.dir);
        expect(result?.read, "the file must be read, not skipped").toContain(file);
        const expected = (JSON.parse(readFileSync(expectedPath(file), "utf8")) as { findings: Expected[] }).findings;
        const actual = (result?.findings ?? [])
          .filter((finding) => finding.file === file)
          .map(({ ruleId, severity, line, column }) => ({ ruleId, severity, line, column }));
        expect([...actual].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
          [...expected].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
        );
      });
    }
  }
});
