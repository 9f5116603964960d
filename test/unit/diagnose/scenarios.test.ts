// diagnose() on every recorded real incident: the root cause, the nodes it names, the health, and
// what follows from it, from a healthy seed and from the faulty node itself (`.seed-faulty`).
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/diagnose/index.js";
import { DATA_RISK_COMMANDS, type FindingCode, type Health } from "../../../src/model/finding.js";
import type { PhaseName } from "../../../src/model/phase.js";
import { loadSnapshot, snapshotNames } from "./fixtures.js";

const node = (index: number): string => `127.0.0.${index}:6379`;

interface Expected {
  root: FindingCode | null;
  nodes: string[];
  health: Health;
  /** Codes that must be listed as consequences of the root cause. */
  consequences?: FindingCode[];
}

const EXPECTED: Record<string, Expected> = {
  healthy: { root: null, nodes: [], health: "healthy" },
  "bus-blocked-both": { root: "BUS_PORT_BLOCKED", nodes: [node(3)], health: "critical" },
  "bus-blocked-both-failed-over": {
    root: "BUS_PORT_BLOCKED",
    nodes: [node(3)],
    health: "critical",
    consequences: ["SLOT_OWNERSHIP_CONFLICT", "CLUSTER_STATE_FAIL", "TOPOLOGY_DRIFT"],
  },
  "bus-inbound-blocked": { root: "BUS_LINK_ONE_WAY", nodes: [node(3)], health: "warning" },
  "bus-outbound-blocked": { root: "BUS_LINK_ONE_WAY", nodes: [node(3)], health: "warning" },
  "bus-pair-blocked": { root: "BUS_LINK_ONE_WAY", nodes: [node(2), node(3)], health: "warning" },
  "bus-announced-port-closed": { root: "BUS_PORT_NOT_LISTENING", nodes: [node(3)], health: "warning" },
  "bus-rejected": { root: "BUS_PORT_NOT_LISTENING", nodes: [node(3)], health: "critical" },
  "bus-all-blocked": { root: "BUS_PORT_BLOCKED", nodes: [1, 2, 3, 4, 5, 6].map(node), health: "critical" },
  "node-killed": { root: "NODE_UNREACHABLE", nodes: [node(3)], health: "critical" },
  "node-paused": { root: "NODE_UNRESPONSIVE", nodes: [node(3)], health: "critical" },
  "partition-2-4": { root: "NETWORK_PARTITION", nodes: [2, 5, 1, 3, 4, 6].map(node), health: "critical" },
};

/**
 * The phase each recording was taken in: the scenarios' settle step waits until the fault shows
 * (pings pending past 1.5 s with node timeout 2000 ms), so the faults Redis acts on are still
 * developing there, except where it waited for the failover (and the --sample runs, 3 s later).
 */
const PHASE: Record<string, PhaseName> = {
  "bus-all-blocked": "settled",
  "bus-all-blocked.seed-faulty": "settled",
  "bus-announced-port-closed": "settled",
  "bus-announced-port-closed.seed-faulty": "settled",
  "bus-blocked-both-failed-over": "settled",
  "bus-blocked-both-failed-over.seed-faulty": "settled",
  "bus-blocked-both": "developing",
  "bus-blocked-both.sampled": "settled",
  "bus-blocked-both.seed-faulty": "developing",
  "bus-inbound-blocked": "settled",
  "bus-inbound-blocked.sampled": "settled",
  "bus-inbound-blocked.seed-faulty": "settled",
  "bus-outbound-blocked": "settled",
  "bus-outbound-blocked.seed-faulty": "settled",
  "bus-pair-blocked": "developing",
  "bus-pair-blocked.seed-faulty": "settled",
  "bus-rejected": "developing",
  "bus-rejected.seed-faulty": "developing",
  healthy: "settled",
  "healthy.sampled": "settled",
  "node-killed": "developing",
  "node-killed.seed-faulty": "developing",
  "node-paused": "developing",
  "node-paused.seed-faulty": "developing",
  "partition-2-4": "developing",
  "partition-2-4.seed-faulty": "developing",
};

/** "bus-rejected.seed-faulty" and "bus-rejected.sampled" expect what "bus-rejected" expects. */
function expectedFor(name: string): Expected | undefined {
  return EXPECTED[name.split(".")[0] ?? name];
}

describe("diagnose on recorded real snapshots", () => {
  const names = snapshotNames();

  it("has a recording for every scenario, from both sides", () => {
    for (const scenario of Object.keys(EXPECTED)) {
      expect(names).toContain(scenario);
      if (scenario !== "healthy") expect(names).toContain(`${scenario}.seed-faulty`);
    }
  });

  it.each(names)("%s", (name) => {
    const expected = expectedFor(name);
    expect(expected, `no expectation for fixture ${name}`).toBeDefined();
    if (!expected) return;
    const { diagnosis } = diagnose(loadSnapshot(name));
    expect(diagnosis.rootCause?.code ?? null).toBe(expected.root);
    expect([...(diagnosis.rootCause?.nodes ?? [])].sort()).toEqual([...expected.nodes].sort());
    expect(diagnosis.health).toBe(expected.health);
    const consequenceCodes = diagnosis.consequences.map((finding) => finding.code);
    for (const code of expected.consequences ?? []) expect(consequenceCodes).toContain(code);
    // One root cause: no independent cause beside it, and nothing left unexplained.
    expect(diagnosis.coRootCauses.map((finding) => `${finding.code} ${finding.nodes.join(",")}`)).toEqual([]);
    const competing = diagnosis.otherFindings.filter((finding) => finding.severity !== "info");
    expect(competing.map((finding) => `${finding.code} ${finding.nodes.join(",")}`)).toEqual([]);
    // Every node answered every command: the verdict is based on all of them, in one look.
    expect(diagnosis.coverage).toMatchObject({ level: "full", missing: [], looks: { count: 1 } });
    expect(diagnosis.phase.name).toBe(PHASE[name]);
    expect(diagnosis.phase.nodeTimeoutMs).toBe(2000);
    // Nothing that can lose data while Redis is still acting on the fault.
    const lines = [diagnosis.rootCause, ...diagnosis.consequences].flatMap((finding) => finding?.fix.flatMap((fix) => fix.lines) ?? []);
    if (diagnosis.phase.name !== "settled") expect(lines.filter((line) => DATA_RISK_COMMANDS.test(line))).toEqual([]);
  });

  it("a healthy cluster yields no warning or critical finding at all", () => {
    for (const name of ["healthy", "healthy.sampled"]) {
      const { diagnosis } = diagnose(loadSnapshot(name));
      const all = [diagnosis.rootCause, ...diagnosis.consequences, ...diagnosis.otherFindings].filter((f) => f !== null);
      expect(all.filter((finding) => finding.severity !== "info")).toEqual([]);
    }
  });

  it("every finding carries evidence and every cause a fix", () => {
    for (const name of names) {
      const { diagnosis } = diagnose(loadSnapshot(name));
      for (const finding of [diagnosis.rootCause, ...diagnosis.consequences].filter((f) => f !== null)) {
        expect(finding.evidence.length, `${name} ${finding.code}`).toBeGreaterThan(0);
        expect(finding.summary, `${name} ${finding.code}`).not.toBe("");
      }
      if (diagnosis.rootCause) expect(diagnosis.rootCause.fix.length, name).toBeGreaterThan(0);
    }
  });

  it("names the port a node listens on when it announces another one", () => {
    const { diagnosis } = diagnose(loadSnapshot("bus-announced-port-closed"));
    expect(diagnosis.rootCause?.summary).toBe("127.0.0.3:6379 announces bus port 17000, which refuses connections: it listens on 16379");
    expect(diagnosis.rootCause?.evidence[0]).toEqual({
      source: node(3),
      what: "CONFIG GET cluster-port",
      detail: "listens on bus port 16379 but announces @17000 in CLUSTER NODES: peers dial 17000",
    });
  });

  it("quotes the failure reports the masters hold against the isolated node", () => {
    const { diagnosis } = diagnose(loadSnapshot("bus-blocked-both-failed-over"));
    const reports = diagnosis.rootCause?.evidence.filter((evidence) => evidence.what.startsWith("CLUSTER COUNT-FAILURE-REPORTS"));
    expect(reports?.map((evidence) => evidence.detail)).toEqual([expect.stringMatching(/^[1-3] master\(s\) currently report 127\.0\.0\.3:6379 as failing$/)]);
  });

  it("sampled gossip counters: a silent node is named, a healthy cluster is not", () => {
    const codes = (name: string): string[] => {
      const { diagnosis } = diagnose(loadSnapshot(name));
      return [diagnosis.rootCause, ...diagnosis.consequences, ...diagnosis.otherFindings]
        .filter((finding) => finding !== null && finding.code === "GOSSIP_ASYMMETRY")
        .map((finding) => finding?.nodes.join(",") ?? "");
    };
    expect(codes("healthy.sampled")).toEqual([]);
    expect(codes("bus-inbound-blocked.sampled")).toEqual([node(3)]);
    expect(codes("bus-blocked-both.sampled")).toEqual([node(3)]);
  });
});
