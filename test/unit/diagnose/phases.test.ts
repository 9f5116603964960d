// diagnose() on the phase recordings (scripts/record-phase-snapshots.ts): real `check --record` runs on
// an 8-node lab at 127.0.0.11-18, taken 0.3 s after a fault (with check's second look when one snapshot
// could not decide), once Redis settled, and right after a heal; replayed from the file alone.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/diagnose/index.js";
import { DATA_RISK_COMMANDS, type Diagnosis, type Finding } from "../../../src/model/finding.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { parseSnapshot } from "../../../src/parse/snapshot.js";

const DIR = join(import.meta.dirname, "..", "..", "fixtures", "v7.0.15", "phases");
const load = (name: string): Snapshot => parseSnapshot(readFileSync(join(DIR, `${name}.json`), "utf8"));
const node = (index: number): string => `127.0.0.${10 + index}:6379`;
const ALL = [1, 2, 3, 4, 5, 6, 7, 8].map(node);

function findings(diagnosis: Diagnosis): Finding[] {
  return [diagnosis.rootCause, ...diagnosis.coRootCauses, ...diagnosis.consequences, ...diagnosis.otherFindings].filter((finding) => finding !== null);
}

function dataRisk(diagnosis: Diagnosis): string[] {
  return findings(diagnosis)
    .flatMap((finding) => finding.fix.flatMap((fix) => fix.lines))
    .filter((line) => DATA_RISK_COMMANDS.test(line));
}

describe("phase recordings", () => {
  it("has every recording the tests read", () => {
    const names = readdirSync(DIR).filter((file) => file.endsWith(".json"));
    expect(names.length).toBeGreaterThanOrEqual(12);
  });

  it("two masters blocked at once: one root cause naming both; the same once settled, from a healthy seed and from a blocked one", () => {
    for (const name of ["two-masters.at-once", "two-masters.settled", "two-masters.settled.seed-blocked"]) {
      const { diagnosis } = diagnose(load(name));
      expect({ name, code: diagnosis.rootCause?.code, nodes: diagnosis.rootCause?.nodes }).toEqual({
        name,
        code: "BUS_PORT_BLOCKED",
        nodes: [node(2), node(3)],
      });
      expect(diagnosis.coRootCauses).toEqual([]);
      expect(diagnosis.health).toBe("critical");
    }
    expect(diagnose(load("two-masters.settled")).diagnosis.phase.name).toBe("settled");
    expect(diagnose(load("two-masters.settled.seed-blocked")).diagnosis.phase.name).toBe("settled");
  });

  it.each(["in", "out"])(
    "node 3's bus blocked %s, checked 0.3 s in: the one-way block of node 3 alone, in every recording and in its first look",
    (direction) => {
      for (let round = 1; round <= 4; round += 1) {
        const name = `one-way-${direction}.at-once.${round}`;
        const snapshot = load(name);
        const { diagnosis } = diagnose(snapshot);
        expect({ name, code: diagnosis.rootCause?.code, nodes: diagnosis.rootCause?.nodes, co: diagnosis.coRootCauses }).toEqual({
          name,
          code: "BUS_LINK_ONE_WAY",
          nodes: [node(3)],
          co: [],
        });
        // The first look alone names node 3 too, or says it cannot decide yet: never another node.
        const first = snapshot.firstLook;
        if (!first) throw new Error(`${name} has no first look`);
        const alone = diagnose({ ...snapshot, takenAtMs: first.takenAtMs, finishedAtMs: first.finishedAtMs, nodes: first.nodes, firstLook: null }).diagnosis;
        const named = [alone.rootCause, ...alone.coRootCauses].flatMap((finding) => finding?.nodes ?? []);
        expect({ name, named: named.filter((address) => address !== node(3)) }).toEqual({ name, named: [] });
        if (named.length === 0) expect(alone.secondLook.length).toBeGreaterThan(0);
      }
    },
  );

  it("0.3 s after a block: two looks, the blocked node named, developing, what Redis does next", () => {
    const snapshot = load("fresh-block.at-once");
    expect(snapshot.firstLook?.reasons.length).toBeGreaterThan(0);
    const { diagnosis } = diagnose(snapshot);
    expect({ code: diagnosis.rootCause?.code, nodes: diagnosis.rootCause?.nodes }).toEqual({ code: "BUS_PORT_BLOCKED", nodes: [node(3)] });
    expect(diagnosis.coverage.looks.count).toBe(2);
    expect(diagnosis.phase.name).toBe("developing");
    expect(diagnosis.phase.next?.atMs).toBeGreaterThan(snapshot.takenAtMs);
    expect(dataRisk(diagnosis)).toEqual([]);
  });

  it("the same file without its first look cannot decide, and says why", () => {
    const snapshot = load("outside-bus");
    const first = snapshot.firstLook;
    expect(first).toBeTruthy();
    if (!first) return;
    const { diagnosis } = diagnose({ ...snapshot, takenAtMs: first.takenAtMs, finishedAtMs: first.finishedAtMs, nodes: first.nodes, firstLook: null });
    expect(diagnosis.health).toBe("warning");
    expect(diagnosis.secondLook).toEqual([
      expect.stringMatching(/^busdoctor gets no answer from the bus port of 127\.0\.0\.13:6379 while peers heard it moments ago/),
    ]);
  });

  it("a bus port blocked for busdoctor's host only: confirmed by the second look, a note, healthy", () => {
    const { diagnosis } = diagnose(load("outside-bus"));
    expect(diagnosis.health).toBe("healthy");
    expect(findings(diagnosis).map((finding) => [finding.code, finding.severity, finding.nodes])).toEqual([["BUS_PORT_BLOCKED", "info", [node(3)]]]);
  });

  it("a client port blocked for busdoctor's host only: a warning about this host's path, no journalctl", () => {
    const { diagnosis } = diagnose(load("outside-client"));
    expect({ code: diagnosis.rootCause?.code, nodes: diagnosis.rootCause?.nodes, severity: diagnosis.rootCause?.severity }).toEqual({
      code: "NODE_UNREACHABLE",
      nodes: [node(3)],
      severity: "warning",
    });
    expect(diagnosis.rootCause?.fix.flatMap((fix) => fix.lines).join("\n")).not.toMatch(/journalctl|systemctl/);
    expect(diagnosis.phase.name).toBe("settled");
  });

  it("a partition checked at once: every node named", () => {
    const { diagnosis } = diagnose(load("partition.at-once"));
    expect(diagnosis.rootCause?.code).toBe("NETWORK_PARTITION");
    expect([...(diagnosis.rootCause?.nodes ?? [])].sort()).toEqual([...ALL].sort());
    expect(dataRisk(diagnosis)).toEqual([]);
  });

  it("a master killed 0.3 s ago is down, not alive; once its replica took over, the report says so", () => {
    const { diagnosis } = diagnose(load("killed.at-once"));
    expect(diagnosis.rootCause?.summary).toMatch(/^127\.0\.0\.13:6379 is down: nothing answers on its client port 6379 \(refused\)/);
    expect(diagnosis.phase.name).toBe("developing");
    const after = diagnose(load("killed.failed-over")).diagnosis;
    expect(after.failovers.map((failover) => failover.oldMaster)).toEqual([node(3)]);
    expect(after.rootCause?.summary).toMatch(
      /A replica took over: 127\.0\.0\.1\d:6379 took over its slots \d+-\d+ \(config epoch \d+\); no replica is left for them/,
    );
    expect(after.phase.name).toBe("settled");
    expect(after.health).toBe("critical");
  });

  it("right after a heal that followed a failover: never critical, nothing that can lose data", () => {
    const before = diagnose(load("heal-after-failover.before")).diagnosis;
    expect(before.rootCause?.code).toBe("BUS_PORT_BLOCKED");
    expect(before.failovers.map((failover) => failover.oldMaster)).toEqual([node(2)]);
    const { diagnosis } = diagnose(load("heal-after-failover.plus-0.3s"));
    expect(["recovering", "settled"]).toContain(diagnosis.phase.name);
    expect(diagnosis.health).not.toBe("critical");
    expect(dataRisk(diagnosis)).toEqual([]);
  });

  it("right after a heal while a master still held FAIL with its slots: recovering, a warning, only 'wait, then check again'; healthy later", () => {
    const before = diagnose(load("heal-after-fail.before")).diagnosis;
    expect(before.rootCause?.code).toBe("BUS_PORT_BLOCKED");
    expect(before.rootCause?.nodes).toContain(node(2));
    const snapshot = load("heal-after-fail.plus-0.3s");
    const { diagnosis } = diagnose(snapshot);
    expect(diagnosis.phase.name).toBe("recovering");
    expect(diagnosis.health).toBe("warning");
    expect(diagnosis.phase.lookAgainAtMs).toBeGreaterThan(snapshot.takenAtMs);
    expect(dataRisk(diagnosis)).toEqual([]);
    for (const finding of findings(diagnosis).filter((entry) => entry.severity !== "info")) {
      expect(finding.fix.map((fix) => fix.where)).toEqual(["nothing to change: Redis is converging by itself"]);
    }
    const later = diagnose(load("heal-after-fail.plus-20s")).diagnosis;
    expect({ health: later.health, phase: later.phase.name }).toEqual({ health: "healthy", phase: "settled" });
  });

  it("a replica that forgot the cluster (CLUSTER RESET HARD) is stuck, not recovering: added again as a new node, never --cluster fix", () => {
    for (const name of ["reset-replica.settled", "reset-replica.settled.seed-reset"]) {
      const { diagnosis } = diagnose(load(name));
      expect({ name, phase: diagnosis.phase.name, lookAgain: diagnosis.phase.lookAgainAtMs }).toEqual({ name, phase: "settled", lookAgain: null });
      expect({ code: diagnosis.rootCause?.code, nodes: diagnosis.rootCause?.nodes }).toEqual({ code: "NODE_FORGOT_CLUSTER", nodes: [node(8)] });
      expect(diagnosis.rootCause?.summary).toMatch(/^127\.0\.0\.18:6379 answers but knows no other node and serves no slot: it forgot the cluster/);
      // Its lone view says nothing of the cluster's slots or state.
      expect(findings(diagnosis).map((finding) => finding.code)).not.toContain("SLOTS_UNCOVERED");
      expect(findings(diagnosis).map((finding) => finding.code)).not.toContain("CLUSTER_STATE_FAIL");
      expect(dataRisk(diagnosis)).toEqual([]);
      expect(diagnosis.health).toBe("warning");
    }
    // From a healthy seed the peers' leftover line of its old id names the master to follow again.
    const { diagnosis } = diagnose(load("reset-replica.settled"));
    expect(diagnosis.rootCause?.fix.flatMap((fix) => fix.lines)[0]).toMatch(
      /^redis-cli --cluster add-node 127\.0\.0\.18:6379 127\.0\.0\.11:6379 --cluster-slave --cluster-master-id [0-9a-f]{40} {3}# the master its old line \(noaddr\) followed$/,
    );
    expect(diagnose(load("reset-replica.settled.seed-reset")).diagnosis.rootCause?.summary).toMatch(
      /busdoctor reached no node of a cluster: give a seed that is one$/,
    );
  });

  it("a master whose only replica has nofailover: no failover is promised, at once, once flagged FAIL or settled", () => {
    for (const name of ["no-failover.at-once", "no-failover.flagged", "no-failover.settled"]) {
      const { diagnosis } = diagnose(load(name));
      expect({ name, code: diagnosis.rootCause?.code, nodes: diagnosis.rootCause?.nodes }).toEqual({ name, code: "NODE_UNREACHABLE", nodes: [node(3)] });
      expect(diagnosis.failovers).toEqual([]);
      expect(`${diagnosis.phase.summary} ${diagnosis.phase.next?.what ?? ""}`).not.toMatch(/a replica takes over/);
      expect(diagnosis.phase.evidence.map((entry) => entry.detail)).toContain(
        "no replica will take over the slots of 127.0.0.13:6379: 127.0.0.18:6379 has nofailover (cluster-replica-no-failover yes)",
      );
    }
    expect(diagnose(load("no-failover.at-once")).diagnosis.phase.name).toBe("developing");
    // Flagged FAIL with nobody to take over: Redis has done what it will do.
    for (const name of ["no-failover.flagged", "no-failover.settled"]) {
      const { phase } = diagnose(load(name)).diagnosis;
      expect({ name, phase: phase.name, summary: phase.summary }).toEqual({
        name,
        phase: "settled",
        summary: expect.stringMatching(/Redis flagged it fail; no replica will take over/),
      });
    }
  });

  it("a first look that is not one is named when the file is read", () => {
    const snapshot = load("fresh-block.at-once");
    const broken = JSON.stringify({ ...snapshot, firstLook: { ...snapshot.firstLook, reasons: "one" } });
    expect(() => parseSnapshot(broken)).toThrow(/firstLook\.reasons: expected an array/);
  });
});
