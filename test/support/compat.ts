// The compatibility matrix: the core scenarios run one after another on one lab per server, healed in
// between, each judged by `busdoctor check` from a healthy seed. Shared by the matrix test
// (test/e2e/compat/) and the fixture recorder (scripts/record-compat-fixtures.ts).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Lab } from "../../src/lab/lab.js";
import type { FindingCode, Health } from "../../src/model/finding.js";
import { healthySeed, scenario, type Scenario } from "./scenarios.js";

/** Which servers the matrix runs: paths separated by ":" (see compatServers). */
export const COMPAT_SERVERS_ENV = "BUSDOCTOR_COMPAT_SERVERS";

/**
 * The redis-server binaries named by `value`: each path a redis-server, a folder holding one, or a
 * folder of such folders (../shared/redis-servers), plus `onPath` (Debian's redis-server) first.
 */
export function compatServers(value: string, onPath: string | null): string[] {
  const found: string[] = onPath === null ? [] : [onPath];
  for (const path of value
    .split(":")
    .filter((part) => part.trim() !== "")
    .map((part) => resolve(part))) {
    if (!existsSync(path)) throw new Error(`${COMPAT_SERVERS_ENV}: ${path} does not exist`);
    if (!statSync(path).isDirectory()) found.push(path);
    else if (existsSync(join(path, "redis-server"))) found.push(join(path, "redis-server"));
    else {
      const inside = readdirSync(path)
        .sort()
        .map((name) => join(path, name, "redis-server"))
        .filter((binary) => existsSync(binary));
      if (inside.length === 0) throw new Error(`${COMPAT_SERVERS_ENV}: no redis-server in ${path} nor in its folders`);
      found.push(...inside);
    }
  }
  return [...new Set(found)];
}

/** What `check --json` must say about a scenario: health, root cause and the lab nodes it names. */
export interface Expectation {
  health: Health;
  code: FindingCode | null;
  nodes: number[];
}

export interface CoreScenario {
  scenario: Scenario;
  expected: Expectation;
}

const core = (name: string, expected: Expectation): CoreScenario => ({ scenario: scenario(name), expected });

/**
 * The core scenarios, in the order one lab can go through them: node-killed last, since the node stays
 * down. Healthy first proves the server's replies read cleanly before anything is broken.
 */
export const CORE_SCENARIOS: readonly CoreScenario[] = [
  core("healthy", { health: "healthy", code: null, nodes: [] }),
  core("bus-blocked-both", { health: "critical", code: "BUS_PORT_BLOCKED", nodes: [3] }),
  core("bus-inbound-blocked", { health: "warning", code: "BUS_LINK_ONE_WAY", nodes: [3] }),
  core("partition-2-4", { health: "critical", code: "NETWORK_PARTITION", nodes: [1, 2, 3, 4, 5, 6] }),
  core("node-killed", { health: "critical", code: "NODE_UNREACHABLE", nodes: [3] }),
];

/**
 * Runs every core scenario on `lab` in order: makes it real, waits until the cluster shows it, hands
 * the healthy seed to `visit`, then heals and waits until the cluster has settled again.
 */
export async function runCoreScenarios(lab: Lab, visit: (core: CoreScenario, seed: string) => Promise<void>): Promise<void> {
  for (const [index, entry] of CORE_SCENARIOS.entries()) {
    await entry.scenario.inject(lab);
    await entry.scenario.settle(lab);
    await visit(entry, healthySeed(lab, entry.scenario));
    if (index === CORE_SCENARIOS.length - 1) break;
    await lab.heal();
    await lab.waitUntilSettled();
  }
}

/** What check said about one scenario on one server, and whether that is what it must say. */
export interface MatrixCell {
  scenario: string;
  health: Health | "no report" | "passed" | "failed";
  code: FindingCode | null;
  /** Lab node indexes the root cause names. */
  nodes: number[];
  correct: boolean;
}

export interface MatrixRow {
  server: string;
  cells: MatrixCell[];
  seconds: number;
}

export function judge(expected: Expectation, health: Health, code: FindingCode | null, nodes: number[]): boolean {
  const sorted = (list: number[]): string => [...list].sort((a, b) => a - b).join(",");
  return health === expected.health && code === expected.code && sorted(nodes) === sorted(expected.nodes);
}

/**
 * The other columns: preflight, host-audit and watch on the same lab; then "announced", a second lab
 * where the server has hostnames (Redis 7.0+, Valkey) and client addresses (Valkey 8).
 */
export const TOOL_COLUMNS = ["preflight", "host-audit", "watch", "announced"] as const;

/**
 * The server x scenario table: each cell the verdict (root cause code and nodes, or health) and
 * ok/WRONG; then whether preflight, host-audit and watch said what they must.
 */
export function formatMatrix(rows: readonly MatrixRow[]): string {
  const scenarios = [...CORE_SCENARIOS.map((entry) => entry.scenario.name), ...TOOL_COLUMNS];
  const verdict = (cell: MatrixCell | undefined): string => {
    if (cell === undefined) return "-";
    const what = cell.code === null ? cell.health : `${cell.code} ${[...cell.nodes].sort((a, b) => a - b).join(",")}`;
    return `${what} ${cell.correct ? "ok" : "WRONG"}`;
  };
  const table = [
    ["server", ...scenarios, "time"],
    ...rows.map((row) => [row.server, ...scenarios.map((name) => verdict(row.cells.find((cell) => cell.scenario === name))), `${row.seconds.toFixed(0)} s`]),
  ];
  const widths = table[0]?.map((_, column) => Math.max(...table.map((line) => (line[column] ?? "").length))) ?? [];
  return table
    .map((line) =>
      line
        .map((text, column) => text.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
