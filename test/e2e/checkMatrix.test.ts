// The accuracy matrix: every fault scenario on one real 6-node cluster (3 masters, 3 replicas, node
// timeout 3000 ms, client port 7000, bus port 17100, at 127.0.0.11-16 so busdoctor's own address is
// no node's), checked from a healthy seed 0.3 s after the fault (a one-way pair or an outbound block 1.5 s
// after: nothing shows them before the next PING across) and again once Redis has settled (3 x node timeout + 2 s).
// A check at once looks again when it cannot decide, so its verdict comes about 4 s after the fault:
// with a shorter node timeout Redis would already have acted by then. Prints the table (scenario x
// phase -> verdict) and asserts every cell: the root cause code and every node it names, the exit
// code, the phase, and no step that can lose data while Redis is still acting.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Lab } from "../../src/lab/lab.js";
import type { PhaseName } from "../../src/model/phase.js";
import { SCENARIOS, type Scenario } from "../support/scenarios.js";
import { dataRiskLines, restoreLab, runCheck, until } from "./support/check.js";
import { useLab } from "./support/lab.js";

const NODE_TIMEOUT_MS = 3000;
const lab = useLab({ name: "i7-matrix", nodeTimeoutMs: NODE_TIMEOUT_MS, baseAddress: "127.0.0.11", port: 7000, clusterPort: 17100 });
const AT_ONCE_MS = 300;
/** Past what Redis needs to act on any of these faults: PFAIL, FAIL, a failover (see diagnose/phase.ts). */
const SETTLED_MS = 3 * NODE_TIMEOUT_MS + 2000;

interface Expected {
  code: string | null;
  /** 1-based lab nodes the root cause names. */
  nodes: number[];
  exit: number;
  /** Phases a check at once may report (a latent fault older than the node timeout by the second look is settled). */
  atOnce: PhaseName[];
}

interface Case extends Expected {
  name: string;
  inject(target: Lab): Promise<void>;
  /** When "at once" is, if not AT_ONCE_MS: a fault that only the next PING across it can show. */
  atOnceMs?: number;
}

const ALL = [1, 2, 3, 4, 5, 6];
const scenarioCase = (name: string, expected: Expected): Case => {
  const scenario = SCENARIOS.find((candidate) => candidate.name === name) as Scenario;
  return { name, inject: (target) => scenario.inject(target), ...expected };
};
const DEVELOPING: PhaseName[] = ["developing"];
const EITHER: PhaseName[] = ["developing", "settled"];

const CASES: Case[] = [
  scenarioCase("healthy", { code: null, nodes: [], exit: 0, atOnce: ["settled"] }),
  scenarioCase("bus-blocked-both", { code: "BUS_PORT_BLOCKED", nodes: [3], exit: 2, atOnce: DEVELOPING }),
  scenarioCase("bus-inbound-blocked", { code: "BUS_LINK_ONE_WAY", nodes: [3], exit: 1, atOnce: EITHER }),
  // Only node 3's own next PINGs can show an outbound block (busdoctor's probe of its port is answered),
  // and Redis sends one to each peer once its last PONG is node-timeout / 2 old: 0.3 s in, a check has
  // read a cluster with no PING pending anywhere, no evidence of any fault.
  { ...scenarioCase("bus-outbound-blocked", { code: "BUS_LINK_ONE_WAY", nodes: [3], exit: 1, atOnce: EITHER }), atOnceMs: NODE_TIMEOUT_MS / 2 },
  scenarioCase("bus-rejected", { code: "BUS_PORT_NOT_LISTENING", nodes: [3], exit: 2, atOnce: DEVELOPING }),
  // Only node 2's next PING to node 3 can show this fault, and Redis sends it once the last PONG is
  // node-timeout / 2 old: nothing anywhere tells of it before.
  { ...scenarioCase("bus-pair-blocked", { code: "BUS_LINK_ONE_WAY", nodes: [2, 3], exit: 1, atOnce: EITHER }), atOnceMs: NODE_TIMEOUT_MS / 2 },
  scenarioCase("bus-announced-port-closed", { code: "BUS_PORT_NOT_LISTENING", nodes: [3], exit: 1, atOnce: EITHER }),
  scenarioCase("bus-all-blocked", { code: "BUS_PORT_BLOCKED", nodes: ALL, exit: 2, atOnce: EITHER }),
  scenarioCase("node-killed", { code: "NODE_UNREACHABLE", nodes: [3], exit: 2, atOnce: DEVELOPING }),
  scenarioCase("node-paused", { code: "NODE_UNRESPONSIVE", nodes: [3], exit: 2, atOnce: DEVELOPING }),
  scenarioCase("partition-2-4", { code: "NETWORK_PARTITION", nodes: ALL, exit: 2, atOnce: DEVELOPING }),
  {
    name: "two-masters-blocked",
    inject: async (target) => {
      await target.fault({ kind: "bus", node: 2, direction: "both", action: "drop" });
      await target.fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
    },
    code: "BUS_PORT_BLOCKED",
    nodes: [2, 3],
    exit: 2,
    atOnce: EITHER,
  },
  {
    name: "bus-blocked-for-busdoctor-only",
    inject: (target) => target.fault({ kind: "outside", node: 3, port: "bus", action: "drop" }),
    code: null,
    nodes: [],
    exit: 0,
    atOnce: ["settled"],
  },
  {
    name: "client-blocked-for-busdoctor-only",
    inject: (target) => target.fault({ kind: "outside", node: 3, port: "client", action: "drop" }),
    code: "NODE_UNREACHABLE",
    nodes: [3],
    exit: 1,
    atOnce: ["settled"],
  },
];

interface Cell {
  verdict: string;
  ok: boolean;
}

const table = new Map<string, { atOnce: Cell | null; settled: Cell | null }>();

afterAll(() => {
  const rows = CASES.map((entry) => {
    const row = table.get(entry.name);
    const cell = (value: Cell | null | undefined): string => (value ? `${value.ok ? "ok " : "BAD"} ${value.verdict}` : "not run");
    return [entry.name, cell(row?.atOnce), cell(row?.settled)];
  });
  const widths = [0, 1, 2].map((column) =>
    Math.max(...[["scenario", "at once (+0.3 s; a pair, outbound +1.5 s)", "settled (+11 s)"], ...rows].map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: string[]): string => row.map((text, column) => text.padEnd(widths[column] ?? 0)).join("  |  ");
  process.stdout.write(
    `\ncheck accuracy, scenario x phase -> verdict (code nodes phase exit):\n${line(["scenario", "at once (+0.3 s; a pair, outbound +1.5 s)", `settled (+${SETTLED_MS / 1000} s)`])}\n${rows.map(line).join("\n")}\n\n`,
  );
});

async function judge(expected: Case, phases: readonly PhaseName[], label: string): Promise<{ cell: Cell; problems: string[] }> {
  const { code, report } = await runCheck(lab(), [lab().node(1).endpoint]);
  const nodes = [...(report.rootCause?.nodes ?? [])].sort();
  const want = expected.nodes.map((index) => lab().node(index).endpoint).sort();
  const problems: string[] = [];
  if ((report.rootCause?.code ?? null) !== expected.code) problems.push(`root cause ${report.rootCause?.code ?? "none"}, expected ${expected.code ?? "none"}`);
  if (nodes.join(",") !== want.join(",")) problems.push(`nodes ${nodes.join(",") || "none"}, expected ${want.join(",") || "none"}`);
  if (code !== expected.exit) problems.push(`exit ${code}, expected ${expected.exit}`);
  if (!phases.includes(report.phase.name)) problems.push(`phase ${report.phase.name}, expected ${phases.join(" or ")}`);
  if (report.coRootCauses.length > 0) problems.push(`co-root causes ${report.coRootCauses.map((finding) => finding.code).join(",")}`);
  if (report.phase.name !== "settled" && dataRiskLines(report).length > 0)
    problems.push(`data-risk advice while ${report.phase.name}: ${dataRiskLines(report).join("; ")}`);
  const named = expected.nodes.length === ALL.length ? "all" : expected.nodes.join(",");
  const verdict = `${report.rootCause?.code ?? "-"} ${report.rootCause ? named : ""} ${report.phase.name} ${code}${problems.length > 0 ? ` (${problems.join("; ")}; ${report.phase.summary}; ${report.coverage.looks.count} look(s))` : ""}`;
  // A wrong cell keeps its whole report for a look afterwards.
  if (problems.length > 0) writeFileSync(join(tmpdir(), `busdoctor-matrix-${expected.name}-${label}.json`), JSON.stringify(report, null, 1));
  return { cell: { verdict: verdict.replace(/\s+/g, " "), ok: problems.length === 0 }, problems };
}

describe("check accuracy matrix", () => {
  // Put back after every scenario, also one that failed: the next must not start with its fault.
  afterEach(async () => restoreLab(lab()));

  it.each(CASES)("$name: right at once and once settled", async (entry) => {
    const row = { atOnce: null as Cell | null, settled: null as Cell | null };
    table.set(entry.name, row);
    const start = Date.now();
    await entry.inject(lab());
    await until(start, entry.atOnceMs ?? AT_ONCE_MS);
    const once = await judge(entry, entry.atOnce, "at-once");
    row.atOnce = once.cell;
    await until(start, SETTLED_MS);
    const settled = await judge(entry, ["settled"], "settled");
    row.settled = settled.cell;
    expect({ atOnce: once.problems, settled: settled.problems }).toEqual({ atOnce: [], settled: [] });
  });
});
