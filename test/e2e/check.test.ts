// busdoctor check against real 6-node clusters (3 masters, 3 replicas) in a lab, one fresh cluster
// per scenario: the root cause code and the nodes it names, from a healthy seed and from the faulty
// node itself. The CLI runs inside the lab's namespace exactly as a user would run it.
import { afterEach, describe, expect, it } from "vitest";
import { Lab } from "../../src/lab/lab.js";
import { SCENARIO_NODE_TIMEOUT_MS, faultySeeds, healthySeed, scenario } from "../support/scenarios.js";

interface JsonFinding {
  code: string;
  severity: string;
  nodes: string[];
}

interface JsonReport {
  schemaVersion: number;
  health: string;
  exitCode: number;
  rootCause: JsonFinding | null;
  findings: JsonFinding[];
  nodes: unknown[];
}

let lab: Lab | null = null;

afterEach(async () => {
  await lab?.down();
  lab = null;
});

async function runCheck(seeds: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  if (!lab) throw new Error("no lab");
  const result = await lab.runBusdoctor(["check", ...seeds, "--json", "--timeout", "1000"], { timeoutMs: 30_000 });
  let report: JsonReport;
  try {
    report = JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`check printed no JSON (exit ${result.code}): ${result.stderr}`);
  }
  return { code: result.code, report, stderr: result.stderr };
}

async function prepare(name: string): Promise<string[][]> {
  const chosen = scenario(name);
  lab = await Lab.up({ name: `e2e-${name}`.slice(0, 40), nodeTimeoutMs: SCENARIO_NODE_TIMEOUT_MS });
  await chosen.inject(lab);
  await chosen.settle(lab);
  const seed = healthySeed(lab, chosen);
  return [[seed], faultySeeds(lab, chosen, seed)];
}

const node = (index: number): string => `127.0.0.${index}:6379`;

const CASES: Array<{ name: string; code: string; nodes: string[]; exit: number }> = [
  { name: "bus-blocked-both", code: "BUS_PORT_BLOCKED", nodes: [node(3)], exit: 2 },
  { name: "bus-blocked-both-failed-over", code: "BUS_PORT_BLOCKED", nodes: [node(3)], exit: 2 },
  { name: "bus-inbound-blocked", code: "BUS_LINK_ONE_WAY", nodes: [node(3)], exit: 1 },
  { name: "bus-outbound-blocked", code: "BUS_LINK_ONE_WAY", nodes: [node(3)], exit: 1 },
  { name: "bus-rejected", code: "BUS_PORT_NOT_LISTENING", nodes: [node(3)], exit: 2 },
  { name: "bus-pair-blocked", code: "BUS_LINK_ONE_WAY", nodes: [node(2), node(3)], exit: 1 },
  { name: "bus-announced-port-closed", code: "BUS_PORT_NOT_LISTENING", nodes: [node(3)], exit: 1 },
  { name: "bus-all-blocked", code: "BUS_PORT_BLOCKED", nodes: [1, 2, 3, 4, 5, 6].map(node), exit: 2 },
  { name: "node-killed", code: "NODE_UNREACHABLE", nodes: [node(3)], exit: 2 },
  { name: "node-paused", code: "NODE_UNRESPONSIVE", nodes: [node(3)], exit: 2 },
  { name: "partition-2-4", code: "NETWORK_PARTITION", nodes: [2, 5, 1, 3, 4, 6].map(node), exit: 2 },
];

describe("check on a real cluster", () => {
  it("healthy: exit 0 and no warning or critical finding, from every seed", async () => {
    await prepare("healthy");
    for (const seed of [node(1), node(3), node(6)]) {
      const { code, report } = await runCheck([seed]);
      expect(report.schemaVersion).toBe(1);
      expect(report.nodes).toHaveLength(6);
      expect(report.rootCause).toBeNull();
      expect(report.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
      expect(report.health).toBe("healthy");
      expect(code).toBe(0);
    }
  });

  it.each(CASES)("$name: root cause $code naming the faulty node(s), from either side", async ({ name, code, nodes, exit }) => {
    const seedSets = await prepare(name);
    for (const seeds of seedSets) {
      const result = await runCheck(seeds);
      expect({ seeds, code: result.report.rootCause?.code }).toEqual({ seeds, code });
      expect([...(result.report.rootCause?.nodes ?? [])].sort()).toEqual([...nodes].sort());
      expect(result.code).toBe(exit);
      expect(result.report.exitCode).toBe(exit);
    }
  });
});
