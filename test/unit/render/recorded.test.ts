// Every renderer on every recorded real incident, through the same path `check` takes
// (diagnose -> report -> render): JSON valid against the published schema, root cause first.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { checkReport as buildReport } from "../../../src/cli/commands/check.js";
import { renderJson } from "../../../src/render/json.js";
import { renderMarkdown } from "../../../src/render/markdown/index.js";
import { renderTerminal } from "../../../src/render/terminal/index.js";
import { loadSnapshot, snapshotNames } from "../diagnose/fixtures.js";

const schema: unknown = JSON.parse(readFileSync(new URL("../../../schema/check-report.schema.json", import.meta.url), "utf8"));
const validate = new Ajv2020({ strictTypes: true, allowUnionTypes: true, allErrors: true }).compile(schema as object);

describe.each(snapshotNames())("%s", (name) => {
  const report = buildReport(loadSnapshot(name));

  it("renders JSON that the schema accepts, with the exit code of the health", () => {
    const json = JSON.parse(renderJson(report)) as { exitCode: number; rootCause: { code: string } | null };
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect(json.exitCode).toBe(report.exitCode);
    expect(json.rootCause?.code ?? null).toBe(report.diagnosis.rootCause?.code ?? null);
  });

  it("prints the root cause before the node table, without colour when asked for none", () => {
    const text = renderTerminal(report, { color: false });
    expect(text).not.toMatch(/\u001b\[/);
    const root = report.diagnosis.rootCause;
    if (root) expect(text.indexOf(`ROOT CAUSE  ${root.code}`)).toBeLessThan(text.indexOf("\nNODES\n"));
    else expect(text.startsWith("HEALTHY")).toBe(true);
  });

  it("writes markdown with the root cause as a section", () => {
    const markdown = renderMarkdown(report);
    const root = report.diagnosis.rootCause;
    if (root) expect(markdown).toContain(`## Root cause: \`${root.code}\``);
  });
});

describe("replies that could not be read", () => {
  it("are listed in every format, grouped by message", () => {
    const snapshot = loadSnapshot("bus-blocked-both");
    for (const node of snapshot.nodes.slice(4)) node.commands.clusterNodes = { ok: true, reply: "garbage\n", ms: 0.1 };
    const report = buildReport(snapshot);
    const problem = "CLUSTER NODES line 1: expected at least 8 fields";
    expect(renderTerminal(report, { color: false })).toMatch(/NOT READ[^\n]*\n {2}127\.0\.0\.5:6379, 127\.0\.0\.6:6379: CLUSTER NODES line 1/);
    expect(renderMarkdown(report)).toContain("## Replies not read");
    const json = JSON.parse(renderJson(report)) as { problems: Array<{ problem: string; nodes: string[] }> };
    expect(json.problems).toHaveLength(1);
    expect(json.problems[0]?.problem).toContain(problem);
    expect(json.problems[0]?.nodes).toEqual(["127.0.0.5:6379", "127.0.0.6:6379"]);
  });
});
