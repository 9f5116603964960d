// What a report says that differs per server, rendered from the per-version fixtures through the path
// `check` takes: JSON the schema accepts on every version, the link matrix's source on Redis 6.2,
// hostnames next to addresses, and Valkey's bus probed apart from its client address.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../../src/check/report.js";
import { exitCodeFor } from "../../../src/cli/exitCodes.js";
import { renderJson } from "../../../src/render/json.js";
import { renderMarkdown } from "../../../src/render/markdown/index.js";
import { renderTerminal } from "../../../src/render/terminal/index.js";
import { isRedis62, loadVersionSnapshot, versionFixtures } from "./fixtures.js";

const schema: unknown = JSON.parse(readFileSync(new URL("../../../schema/check-report.schema.json", import.meta.url), "utf8"));
const validate = new Ajv2020({ strictTypes: true, allowUnionTypes: true, allErrors: true }).compile(schema as object);
const versions = versionFixtures();

describe.each(versions)("$folder", ({ folder, server, scenarios }) => {
  it.each(scenarios)("%s: JSON the schema accepts", (scenario) => {
    const report = buildReport(loadVersionSnapshot(folder, scenario));
    const json: unknown = JSON.parse(renderJson(report, exitCodeFor(report.diagnosis.health)));
    expect(validate(json) ? [] : validate.errors).toEqual([]);
  });

  it(isRedis62(server) ? "says the links come from CLUSTER NODES alone" : "says nothing about the links' source", () => {
    const report = buildReport(loadVersionSnapshot(folder, "healthy"));
    const note = `links of every observer read from CLUSTER NODES alone: Redis ${server.version} has no CLUSTER LINKS`;
    expect(renderTerminal(report, { color: false, width: 200 }).includes(`assumed: ${note}`)).toBe(isRedis62(server));
    expect(renderMarkdown(report, exitCodeFor(report.diagnosis.health)).includes(`assumed: ${note}`)).toBe(isRedis62(server));
  });
});

describe.each(versions.filter(({ scenarios }) => scenarios.includes("announced-bus-blocked")))("$folder, announced addresses", ({ folder, server }) => {
  it("shows each hostname next to its address, and where the bus was probed when that is not the client address", () => {
    const text = renderTerminal(buildReport(loadVersionSnapshot(folder, "announced-bus-blocked")), { color: false });
    const row = text.split("\n").find((line) => line.includes("(redis-3.rec-compat.busdoctor.test)"));
    if (server.flavor === "valkey") {
      expect(row).toMatch(/^ {2}3 {2}127\.0\.1\.3:6379 \(redis-3\.rec-compat\.busdoctor\.test\) .* 127\.0\.0\.3:16379 timeout /);
    } else {
      expect(row).toMatch(/^ {2}3 {2}127\.0\.0\.3:6379 \(redis-3\.rec-compat\.busdoctor\.test\) .* 16379 timeout /);
    }
  });
});
