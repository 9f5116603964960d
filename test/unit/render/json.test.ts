import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../../src/cli/exitCodes.js";
import type { NodeSummary } from "../../../src/model/analysis.js";
import { FINDING_CODES } from "../../../src/model/finding.js";
import type { LinkState } from "../../../src/model/links.js";
import { renderJson, type JsonCheckReport, type JsonLinkCell } from "../../../src/render/json.js";
import type { CheckReport } from "../../../src/render/report.js";
import {
  address,
  analysis,
  analysisOf,
  blockedBusReport,
  busPortBlocked,
  cell,
  clusterStateFail,
  node,
  nodesLine,
  probe,
  diagnosisOf,
  fullCoverage,
  report,
  slotsUncovered,
  topologyDrift,
} from "./reports.js";

const schema: unknown = JSON.parse(readFileSync(new URL("../../../schema/check-report.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv2020({ strictTypes: true, allowUnionTypes: true, allErrors: true });
const validate = ajv.compile(schema as object);

function parse(input: CheckReport): JsonCheckReport {
  return JSON.parse(renderJson(input, exitCodeFor(input.diagnosis.health))) as JsonCheckReport;
}

function expectValid(value: unknown): void {
  const valid = validate(value);
  expect(valid ? [] : validate.errors).toEqual([]);
}

const withNode3 = (overrides: Partial<NodeSummary>): CheckReport =>
  report({ analysis: analysis({ nodes: [1, 2, 3, 4, 5, 6].map((n) => (n === 3 ? node(3, overrides) : node(n))) }) });

describe("renderJson validates against schema/check-report.schema.json", () => {
  const cases: Array<[string, CheckReport]> = [
    ["healthy", report()],
    ["bus port blocked, with consequences and another finding", blockedBusReport()],
    ["no root cause, warnings only", report({ diagnosis: diagnosisOf({ health: "warning", rootCause: topologyDrift }) })],
    [
      "node unreachable",
      withNode3({
        response: { kind: "unreachable", probe: probe(3, 6379, "timeout") },
        clientProbe: { ...probe(3, 6379, "timeout"), error: "connect ETIMEDOUT" },
        clusterState: null,
      }),
    ],
    ["node paused", withNode3({ response: { kind: "unresponsive", error: "Command timed out" }, clusterState: null })],
    [
      "credentials refused",
      withNode3({
        response: { kind: "error", errorKind: "wrongpass", error: "WRONGPASS invalid username-password pair" },
        id: null,
        role: null,
        clusterState: null,
      }),
    ],
    ["no bus port announced", withNode3({ busPort: null, busProbe: null })],
    ["node timeout denied everywhere", report({ analysis: analysis({ nodeTimeoutMs: null }) })],
  ];
  it.each(cases)("%s", (_, input) => expectValid(parse(input)));

  const states: LinkState[] = [
    { kind: "ok", pongAgeMs: null },
    { kind: "ok", pongAgeMs: 80 },
    { kind: "ping-pending", pendingMs: 4200 },
    { kind: "pong-stale", pongAgeMs: 2600 },
    { kind: "pfail", pendingMs: 3100, pongAgeMs: 3300 },
    { kind: "fail", pendingMs: null, pongAgeMs: null },
    { kind: "missing" },
    { kind: "unknown", reason: "timeout" },
  ];
  it.each(states)("a link cell %o", (state) => {
    expectValid(parse(report({ analysis: analysisOf(2, [cell(1, 2, state), { ...cell(2, 1, state), line: null }]) })));
  });
});

describe("the schema itself", () => {
  it("accepts the sample in docs/json-schema.md", () => {
    const doc = readFileSync(new URL("../../../docs/json-schema.md", import.meta.url), "utf8");
    const sample = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(sample).toBeDefined();
    expectValid(JSON.parse(sample ?? ""));
  });

  const defs = (schema as { $defs: { finding: { properties: { code: { enum: string[] }; severity: { enum: string[] } } } } }).$defs;

  it("lists exactly the finding codes of the model", () => {
    expect(defs.finding.properties.code.enum).toEqual([...FINDING_CODES]);
    expect(defs.finding.properties.severity.enum).toEqual(["critical", "warning", "info"]);
  });

  const broken: Array<[string, (json: JsonCheckReport) => unknown]> = [
    ["a finding without severity", (json) => ({ ...json, findings: json.findings.map(({ severity: _, ...rest }) => rest) })],
    ["an unknown finding code", (json) => ({ ...json, findings: json.findings.map((f) => ({ ...f, code: "BUS_SLOW" })) })],
    ["a root cause whose role is not root-cause", (json) => ({ ...json, rootCause: { ...json.findings[1], role: "consequence" } })],
    ["a ping-pending cell without pendingMs", (json) => ({ ...json, linkMatrix: [{ observer: address(1), peer: address(2), state: "ping-pending" }] })],
    ["a missing cell with a pongAgeMs", (json) => ({ ...json, linkMatrix: [{ observer: address(1), peer: address(2), state: "missing", pongAgeMs: 4 }] })],
    ["another schemaVersion", (json) => ({ ...json, schemaVersion: 2 })],
    ["an unknown top-level field", (json) => ({ ...json, extra: true })],
  ];
  it.each(broken)("rejects %s", (_, breakIt) => {
    const json = parse(blockedBusReport());
    expectValid(json);
    expect(validate(breakIt(json))).toBe(false);
  });
});

describe("renderJson content", () => {
  const json = parse(blockedBusReport());

  it("carries the header fields", () => {
    expect({
      ...json,
      nodes: undefined,
      linkMatrix: undefined,
      rootCause: undefined,
      coRootCauses: undefined,
      findings: undefined,
      problems: undefined,
      phase: undefined,
      coverage: undefined,
      failovers: undefined,
      secondLook: undefined,
    }).toEqual({
      schemaVersion: 1,
      generatedAt: "2024-05-01T10:00:00.000Z",
      seeds: ["127.0.0.1:6379"],
      durationMs: 142,
      firstLookMs: null,
      waitedMs: null,
      health: "critical",
      exitCode: 2,
      nodeTimeoutMs: 3000,
      pendingThresholdMs: 1500,
      pongStaleThresholdMs: 1500,
      servers: [{ server: "Redis 7.0.15", nodes: 6 }],
      linksFromNodesOnly: [],
    });
  });

  it("lists every finding once with its role, code, severity and nodes, root cause first", () => {
    expect(json.findings.map((f) => [f.role, f.code, f.severity, f.nodes])).toEqual([
      ["root-cause", "BUS_PORT_BLOCKED", "critical", ["127.0.0.3:6379"]],
      ["consequence", "CLUSTER_STATE_FAIL", "critical", clusterStateFail.nodes],
      ["consequence", "SLOTS_UNCOVERED", "critical", slotsUncovered.nodes],
      ["consequence", "TOPOLOGY_DRIFT", "warning", ["127.0.0.5:6379"]],
    ]);
    expect(json.rootCause).toEqual({ ...busPortBlocked, role: "root-cause" });
    expect(json.findings[0]).toEqual(json.rootCause);
  });

  it("carries the phase, what the verdict is based on, the failovers and the second-look reasons", () => {
    expect(json.phase).toMatchObject({
      name: "developing",
      nodeTimeoutMs: 3000,
      nodeTimeoutAssumed: false,
      faultSinceMs: 1714557595700,
      lookAgainAtMs: 1714557603000,
    });
    expect(json.coverage).toMatchObject({ level: "full", missing: [], looks: { count: 1, intervalMs: null, reasons: [] } });
    expect(json.coverage.nodes).toHaveLength(6);
    expect(json.failovers).toEqual([]);
    expect(json.secondLook).toEqual([]);
    expect(json.coRootCauses).toEqual([]);
  });

  it("lists co-root causes beside the root cause, with their role", () => {
    const second = { ...busPortBlocked, nodes: [address(5)], summary: "the bus port of 127.0.0.5:6379 (16379) is blocked" };
    const both = parse(report({ diagnosis: diagnosisOf({ health: "critical", rootCause: busPortBlocked, coRootCauses: [second] }) }));
    expect(both.findings.map((f) => [f.role, f.nodes])).toEqual([
      ["root-cause", [address(3)]],
      ["co-root-cause", [address(5)]],
    ]);
    expect(both.coRootCauses).toEqual([{ ...second, role: "co-root-cause" }]);
    expectValid(both);
  });

  it("could not diagnose: health unknown, exit code 3, coverage insufficient, valid against the schema", () => {
    const unknown = parse(
      report({
        diagnosis: diagnosisOf({
          health: "unknown",
          coverage: { ...fullCoverage, level: "insufficient", missing: ["CLUSTER NODES not read from 127.0.0.1:6379 and 5 more: NOPERM (denied by ACL)"] },
        }),
      }),
    );
    expect(unknown).toMatchObject({ health: "unknown", exitCode: 3, coverage: { level: "insufficient" } });
    expectValid(unknown);
  });

  it("has a null root cause when the diagnosis has none", () => {
    expect(parse(report()).rootCause).toBeNull();
    expect(parse(report()).findings).toEqual([]);
  });

  it("names replicas replica and keeps the probes", () => {
    const replica = json.nodes.find((n) => n.address === address(4));
    expect(replica).toMatchObject({ role: "replica", masterAddress: "127.0.0.2:6379", slots: [] });
    const isolated = json.nodes.find((n) => n.address === address(3));
    expect(isolated?.busProbe).toEqual({ host: "127.0.0.3", port: 16379, state: "timeout", ms: 1000 });
    expect(isolated?.flaggedAs).toBe("fail");
  });

  const cells: Array<[LinkState, Omit<JsonLinkCell, "observer" | "peer" | "line">]> = [
    [{ kind: "ok", pongAgeMs: null }, { state: "ok" }],
    [
      { kind: "ok", pongAgeMs: 80 },
      { state: "ok", pongAgeMs: 80 },
    ],
    [
      { kind: "ping-pending", pendingMs: 4200 },
      { state: "ping-pending", pendingMs: 4200 },
    ],
    [
      { kind: "pong-stale", pongAgeMs: 2600 },
      { state: "pong-stale", pongAgeMs: 2600 },
    ],
    [
      { kind: "pfail", pendingMs: 3100, pongAgeMs: null },
      { state: "pfail", pendingMs: 3100 },
    ],
    [
      { kind: "fail", pendingMs: null, pongAgeMs: 9000 },
      { state: "fail", pongAgeMs: 9000 },
    ],
    [{ kind: "missing" }, { state: "missing" }],
    [
      { kind: "unknown", reason: "NOPERM" },
      { state: "unknown", reason: "NOPERM" },
    ],
  ];
  it.each(cells)("link cell %o", (state, expected) => {
    const [withLine, withoutLine] = parse(report({ analysis: analysisOf(2, [cell(1, 2, state), { ...cell(2, 1, state), line: null }]) })).linkMatrix;
    expect(withLine).toEqual({ observer: address(1), peer: address(2), ...expected, line: nodesLine(2, "") });
    expect(withoutLine).toEqual({ observer: address(2), peer: address(1), ...expected });
  });
});
