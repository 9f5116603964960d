// Unreadable input: listed as not read with the file, the position and the parser's own message; the
// other files are still linted, and nothing throws.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadHclParser } from "../../../src/lint/formats/terraform/hcl.js";
import { lint } from "../../../src/lint/lint.js";
import { loadSources } from "../../../src/lint/load.js";

const DIR = "test/fixtures/lint/unreadable";

const CASES: { file: string; position?: { line: number; column: number }; reason: string }[] = [
  { file: "bad-indent.yaml", position: { line: 9, column: 1 }, reason: "YAML: " },
  { file: "missing-brace.tf", position: { line: 9, column: 1 }, reason: 'HCL: syntax error, missing "}"' },
  { file: "extra-brace.nft", position: { line: 7, column: 1 }, reason: 'unexpected "}" at top level' },
  { file: "zone.xml", position: { line: 5, column: 7 }, reason: "XML: unexpected close tag" },
  { file: "rules.v4", position: { line: 5, column: 1 }, reason: 'rule for undeclared chain "REDIS"' },
  { file: "truncated.json", reason: "JSON: " },
  { file: "redis.conf", position: { line: 3, column: 1 }, reason: "unbalanced quotes" },
  { file: "values.yaml", reason: "Helm chart values, not manifests" },
  { file: "notes.txt", reason: "not a format busdoctor lint reads" },
];

describe("unreadable input", () => {
  for (const entry of CASES) {
    it(entry.file, async () => {
      const path = `${DIR}/${entry.file}`;
      const loaded = await loadSources([path]);
      const result = lint(loaded.sources, { hcl: await loadHclParser() });
      expect(result.read).toEqual([]);
      const [notRead] = result.notRead;
      expect(notRead?.file).toBe(path);
      expect(notRead?.reason.startsWith(entry.reason), notRead?.reason).toBe(true);
      if (entry.position) expect({ line: notRead?.line, column: notRead?.column }).toEqual(entry.position);
    });
  }

  it("a path that does not exist is listed as missing, not thrown", async () => {
    const loaded = await loadSources([`${DIR}/no-such-file.yaml`]);
    expect(loaded.missing).toEqual([{ file: `${DIR}/no-such-file.yaml`, reason: "cannot read: no such file or directory" }]);
  });

  it("an unreadable file never hides the findings of the others", async () => {
    const loaded = await loadSources([`${DIR}/missing-brace.tf`, "test/fixtures/lint/nft/one-way"]);
    const result = lint(loaded.sources, { hcl: await loadHclParser() });
    expect(result.findings.map((finding) => finding.ruleId)).toEqual(["bus-port-one-way"]);
    expect(result.notRead.map((entry) => entry.file)).toEqual([`${DIR}/missing-brace.tf`]);
  });

  it("files found while walking a folder that are no format lint reads are skipped, not listed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "busdoctor-unknown-"));
    try {
      writeFileSync(join(dir, "package.json"), '{"name": "app"}');
      writeFileSync(join(dir, "notes.txt"), "remember the bus port");
      writeFileSync(join(dir, "nginx.conf"), "server { listen 80; }");
      const loaded = await loadSources([dir]);
      const result = lint(loaded.sources);
      expect([...loaded.notRead, ...result.notRead, ...result.read]).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
