// `check --json`: a stable, documented shape (docs/json-schema.md, schema/check-report.schema.json).
// Users automate on it, so it is built field by field here rather than dumping internal objects:
// an internal rename must not change the output.

import type { NodeResponse, NodeSummary } from "../model/analysis.js";
import type { Coverage } from "../model/coverage.js";
import type { Failover, Phase } from "../model/phase.js";
import type { SlotRange } from "../model/cluster.js";
import type { Evidence, FindingCode, Fix, Health, Severity } from "../model/finding.js";
import type { BusConnections, LinkCell, LinkState } from "../model/links.js";
import type { CommandErrorKind, ProbeResult, ProbeState } from "../model/snapshot.js";
import { groupProblems, type ProblemGroup } from "./problems.js";
import { placeFindings, type CheckReport, type FindingRole, type PlacedFinding } from "./report.js";

export const JSON_SCHEMA_VERSION = 1;

export interface JsonProbe {
  host: string;
  port: number;
  state: ProbeState;
  ms: number;
  error?: string;
}

export type JsonNodeResponse =
  | { kind: "answering" }
  | { kind: "unreachable" }
  | { kind: "unresponsive"; error: string }
  | { kind: "error"; errorKind: CommandErrorKind; error: string };

export interface JsonNode {
  address: string;
  hostname: string | null;
  id: string | null;
  role: "master" | "replica" | null;
  masterAddress: string | null;
  clientPort: number;
  busPort: number | null;
  response: JsonNodeResponse;
  clientProbe: JsonProbe;
  busProbe: JsonProbe | null;
  clusterState: "ok" | "fail" | null;
  flaggedAs: "fail" | "fail?" | null;
  flaggedBy: number;
  listedBy: number;
  slots: SlotRange[];
}

export interface JsonLinkCell {
  observer: string;
  peer: string;
  state: LinkState["kind"];
  pendingMs?: number;
  pongAgeMs?: number;
  reason?: string;
  connections?: BusConnections;
  line?: string;
}

export interface JsonFinding {
  code: FindingCode;
  severity: Severity;
  role: FindingRole;
  nodes: string[];
  summary: string;
  evidence: Evidence[];
  explanation: string;
  fix: Fix[];
}

export interface JsonCheckReport {
  schemaVersion: typeof JSON_SCHEMA_VERSION;
  generatedAt: string;
  seeds: string[];
  durationMs: number;
  /** With two looks: the first look's collection time and the wait before the second (null: one look). */
  firstLookMs: number | null;
  waitedMs: number | null;
  health: Health;
  exitCode: number;
  nodeTimeoutMs: number | null;
  pendingThresholdMs: number;
  pongStaleThresholdMs: number;
  servers: Array<{ server: string; nodes: number }>;
  linksFromNodesOnly: string[];
  nodes: JsonNode[];
  linkMatrix: JsonLinkCell[];
  rootCause: JsonFinding | null;
  /** Independent causes beside the root cause, each enough on its own: the findings whose role is co-root-cause. */
  coRootCauses: JsonFinding[];
  findings: JsonFinding[];
  /** Replies busdoctor could not use (denied, unparsable), grouped by message. */
  problems: ProblemGroup[];
  phase: Phase;
  coverage: Coverage;
  failovers: Failover[];
  /** Why one snapshot could not decide (a second look was then taken unless --no-resample); empty when it could. */
  secondLook: string[];
}

/** `exitCode` is the CLI's (only src/cli maps health to exit codes); the documented shape carries it. */
export function toJsonReport(report: CheckReport, exitCode: number): JsonCheckReport {
  const { analysis, diagnosis } = report;
  const findings = placeFindings(diagnosis).map(jsonFinding);
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    generatedAt: report.generatedAt,
    seeds: [...report.seeds],
    durationMs: report.durationMs,
    firstLookMs: report.firstLookMs,
    waitedMs: report.waitedMs,
    health: diagnosis.health,
    exitCode,
    nodeTimeoutMs: analysis.nodeTimeoutMs,
    pendingThresholdMs: analysis.pendingThresholdMs,
    pongStaleThresholdMs: analysis.pongStaleThresholdMs,
    servers: analysis.servers.map(({ server, nodes }) => ({ server, nodes })),
    linksFromNodesOnly: [...analysis.linksFromNodesOnly],
    nodes: analysis.nodes.map(jsonNode),
    linkMatrix: analysis.links.map(jsonLinkCell),
    rootCause: findings.find((finding) => finding.role === "root-cause") ?? null,
    coRootCauses: findings.filter((finding) => finding.role === "co-root-cause"),
    findings,
    problems: groupProblems(analysis),
    phase: jsonPhase(diagnosis.phase),
    coverage: jsonCoverage(diagnosis.coverage),
    failovers: diagnosis.failovers.map((failover) => ({
      ...failover,
      slots: failover.slots.map((range) => ({ start: range.start, end: range.end })),
      replicas: [...failover.replicas],
    })),
    secondLook: [...diagnosis.secondLook],
  };
}

/** Pretty-printed with a trailing newline, ready for stdout or a file. */
export function renderJson(report: CheckReport, exitCode: number): string {
  return `${JSON.stringify(toJsonReport(report, exitCode), null, 2)}\n`;
}

function jsonNode(node: NodeSummary): JsonNode {
  return {
    address: node.address,
    hostname: node.hostname,
    id: node.id,
    role: node.role === null ? null : node.role === "slave" ? "replica" : "master",
    masterAddress: node.masterAddress,
    clientPort: node.clientPort,
    busPort: node.busPort,
    response: jsonResponse(node.response),
    clientProbe: jsonProbe(node.clientProbe),
    busProbe: node.busProbe === null ? null : jsonProbe(node.busProbe),
    clusterState: node.clusterState,
    flaggedAs: node.flaggedAs,
    flaggedBy: node.flaggedBy,
    listedBy: node.listedBy,
    slots: node.slots.map((range) => ({ start: range.start, end: range.end })),
  };
}

/** The unreachable probe is already `clientProbe`: not repeated here. */
function jsonResponse(response: NodeResponse): JsonNodeResponse {
  switch (response.kind) {
    case "answering":
      return { kind: "answering" };
    case "unreachable":
      return { kind: "unreachable" };
    case "unresponsive":
      return { kind: "unresponsive", error: response.error };
    case "error":
      return { kind: "error", errorKind: response.errorKind, error: response.error };
  }
}

function jsonProbe(probe: ProbeResult): JsonProbe {
  const base = { host: probe.host, port: probe.port, state: probe.state, ms: probe.ms };
  return probe.error === undefined ? base : { ...base, error: probe.error };
}

function jsonLinkCell(cell: LinkCell): JsonLinkCell {
  const base: JsonLinkCell = { observer: cell.observer, peer: cell.peer, state: cell.state.kind, ...stateDetail(cell.state) };
  if (cell.connections !== null) base.connections = { outbound: cell.connections.outbound, inbound: cell.connections.inbound };
  if (cell.line !== null) base.line = cell.line;
  return base;
}

function stateDetail(state: LinkState): Pick<JsonLinkCell, "pendingMs" | "pongAgeMs" | "reason"> {
  switch (state.kind) {
    case "ok":
      return state.pongAgeMs === null ? {} : { pongAgeMs: state.pongAgeMs };
    case "ping-pending":
      return { pendingMs: state.pendingMs };
    case "pong-stale":
      return { pongAgeMs: state.pongAgeMs };
    case "unknown":
      return { reason: state.reason };
    case "pfail":
    case "fail":
      return {
        ...(state.pendingMs === null ? {} : { pendingMs: state.pendingMs }),
        ...(state.pongAgeMs === null ? {} : { pongAgeMs: state.pongAgeMs }),
      };
    case "missing":
      return {};
  }
}

function jsonPhase(phase: Phase): Phase {
  return {
    name: phase.name,
    summary: phase.summary,
    evidence: phase.evidence.map((evidence) => ({ source: evidence.source, what: evidence.what, detail: evidence.detail })),
    nodeTimeoutMs: phase.nodeTimeoutMs,
    nodeTimeoutAssumed: phase.nodeTimeoutAssumed,
    faultSinceMs: phase.faultSinceMs,
    next: phase.next === null ? null : { what: phase.next.what, atMs: phase.next.atMs },
    lookAgainAtMs: phase.lookAgainAtMs,
  };
}

function jsonCoverage(coverage: Coverage): Coverage {
  return {
    level: coverage.level,
    minimum: coverage.minimum,
    missing: [...coverage.missing],
    assumptions: [...coverage.assumptions],
    nodes: coverage.nodes.map((node) => ({
      address: node.address,
      read: [...node.read],
      notRead: node.notRead.map((entry) => ({ command: entry.command, reason: entry.reason })),
    })),
    looks: { count: coverage.looks.count, intervalMs: coverage.looks.intervalMs, reasons: [...coverage.looks.reasons] },
  };
}

function jsonFinding({ finding, role }: PlacedFinding): JsonFinding {
  return {
    code: finding.code,
    severity: finding.severity,
    role,
    nodes: [...finding.nodes],
    summary: finding.summary,
    evidence: finding.evidence.map((evidence) => ({ source: evidence.source, what: evidence.what, detail: evidence.detail })),
    explanation: finding.explanation,
    fix: finding.fix.map((fix) => ({ where: fix.where, lines: [...fix.lines] })),
  };
}
