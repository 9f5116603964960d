// SARIF output validated against the published SARIF 2.1.0 JSON schema (vendored in schema/, see
// schema/README.md), plus what GitHub code scanning requires beyond the schema.
import { readFileSync } from "node:fs";
import AjvDraft04 from "ajv-draft-04";
import type { Log } from "sarif";
import { beforeAll, describe, expect, it } from "vitest";
import { loadHclParser } from "../../../src/lint/formats/terraform/hcl.js";
import { lint } from "../../../src/lint/lint.js";
import { loadSources } from "../../../src/lint/load.js";
import type { LintFinding, NotRead } from "../../../src/lint/model.js";
import { renderSarif } from "../../../src/lint/render/sarif.js";
import { LINT_RULES } from "../../../src/lint/rules/index.js";
import { listCases } from "./corpusCases.js";

// A CommonJS package: under NodeNext its default import is module.exports, whose `default` is the class.
const Ajv = AjvDraft04.default;
const schemaPath = new URL("../../../schema/sarif-2.1.0-rtm.5.json", import.meta.url);

const findings: LintFinding[] = [];
const notRead: NotRead[] = [];

beforeAll(async () => {
  const hcl = await loadHclParser();
  // Case by case, as the corpus is linted (each case is a tree of its own), plus a tree with files it cannot read.
  for (const { dir } of [...listCases(), { dir: "test/fixtures/lint/tree/mixed-repo" }]) {
    const loaded = await loadSources([dir]);
    const result = lint(loaded.sources, { hcl });
    for (const finding of result.findings) findings.push(finding);
    for (const entry of [...loaded.notRead, ...result.notRead]) notRead.push(entry);
  }
});

function validator() {
  // The published schema's `language` pattern has a stray "]" that is only legal without the regex
  // unicode flag; the schema is used as published, so compile its patterns the way draft-04 tools did.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  return ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);
}

describe("SARIF output", () => {
  it("the corpus yields findings of every rule, so the log below is not trivially small", () => {
    expect(new Set(findings.map((finding) => finding.ruleId))).toEqual(new Set(LINT_RULES.map((rule) => rule.id)));
  });

  it("validates against the SARIF 2.1.0 schema", () => {
    const validate = validator();
    const log: unknown = JSON.parse(renderSarif(findings, notRead, LINT_RULES, "0.1.0"));
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("an empty run validates too", () => {
    const validate = validator();
    expect(validate(JSON.parse(renderSarif([], [], LINT_RULES, "0.1.0")))).toBe(true);
  });

  it("the schema rejects a broken log (the validator is really checking)", () => {
    const validate = validator();
    const log = JSON.parse(renderSarif(findings, notRead, LINT_RULES, "0.1.0")) as Log;
    const broken = { ...log, version: "2.0.0" };
    expect(validate(broken)).toBe(false);
  });

  it("carries the fixes as SARIF fixes and the files not read as tool notifications", () => {
    const log = JSON.parse(renderSarif(findings, notRead, LINT_RULES, "0.1.0")) as Log;
    const run = log.runs[0];
    expect(run?.results?.every((result) => result.fixes?.length === 1)).toBe(true);
    expect(run?.invocations?.[0]?.toolExecutionNotifications?.map((note) => note.message.text)).toContain("not read: a binary file");
  });

  it("has what GitHub code scanning needs: rule ids in the driver, relative URIs, 1-based regions", () => {
    const log = JSON.parse(renderSarif(findings, notRead, LINT_RULES, "0.1.0")) as Log;
    const run = log.runs[0];
    expect(run?.tool.driver.name).toBe("busdoctor");
    const ruleIds = run?.tool.driver.rules?.map((rule) => rule.id) ?? [];
    expect(run?.results?.length).toBe(findings.length);
    run?.results?.forEach((result, index) => {
      const finding = findings[index] as LintFinding;
      expect(ruleIds[result.ruleIndex ?? -1]).toBe(result.ruleId);
      expect(result.level).toBe(finding.severity);
      const location = result.locations?.[0]?.physicalLocation;
      expect(location?.artifactLocation?.uri).toBe(finding.file);
      expect(location?.artifactLocation?.uri?.startsWith("/")).toBe(false);
      expect(location?.region).toEqual({ startLine: finding.line, startColumn: finding.column });
    });
  });
});
