// Unreadable input: the file, the position and the parser's own message, never a stack trace.
import { describe, expect, it } from "vitest";
import { LintInputError } from "../../../src/lint/errors.js";
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
  { file: "values.yaml", reason: "neither Kubernetes manifests (apiVersion/kind) nor a compose file (services:)" },
  { file: "notes.txt", reason: "not a format busdoctor lint reads" },
];

async function failure(path: string): Promise<LintInputError> {
  try {
    lint(await loadSources([path]), await loadHclParser());
  } catch (error) {
    if (error instanceof LintInputError) return error;
    throw error;
  }
  throw new Error(`${path} was linted without an error`);
}

describe("unreadable input", () => {
  for (const entry of CASES) {
    it(entry.file, async () => {
      const error = await failure(`${DIR}/${entry.file}`);
      expect(error.file).toBe(`${DIR}/${entry.file}`);
      expect(error.reason.startsWith(entry.reason)).toBe(true);
      if (entry.position) expect(error.position).toEqual(entry.position);
      expect(error.message.startsWith(`${DIR}/${entry.file}:`)).toBe(true);
    });
  }

  it("a path that does not exist", async () => {
    await expect(loadSources([`${DIR}/no-such-file.yaml`])).rejects.toThrow(`${DIR}/no-such-file.yaml: cannot read: no such file or directory`);
  });

  it("a file found while walking a folder is skipped when its format is unknown, not an error", async () => {
    const sources = await loadSources(["test/fixtures/lint/nft"]);
    expect(sources.map((source) => source.path)).not.toContain("test/fixtures/lint/nft/record.sh");
    expect(lint(sources).read.length).toBe(7);
  });
});
