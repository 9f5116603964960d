// busdoctor check in every phase of an incident, on a real 8-node cluster (4 masters, 4 replicas, node
// timeout 2000 ms) at 127.0.0.11-18, so that busdoctor's own address (127.0.0.1) is no node's: two
// nodes blocked at once, a check 0.3 s after a block, a block only busdoctor's host sees, a master
// killed a moment ago, a partition checked at once, the minutes after a heal that followed a
// failover, a master whose replica may not fail over, a replica that forgot the cluster, and users
// allowed too little to diagnose. One lab for the file, put back between cases.
import { afterEach, describe, expect, it } from "vitest";
import { redisCli } from "../../src/lab/cluster.js";
import type { Lab } from "../../src/lab/lab.js";
import { isFlaggedFail, observe, waitFor, waitUntilCut } from "../support/observe.js";
import { configSet, dataRiskLines, rejoin, replicaOf, resetHard, restoreLab, runCheck, sleep, summaryOf, until } from "./support/check.js";
import { useLab } from "./support/lab.js";
import { CHECK_ACL_WITHOUT_CONFIG } from "./support/acl.js";

const lab = useLab({ name: "i7-phases", masters: 4, replicasPerMaster: 1, nodeTimeoutMs: 2000, baseAddress: "127.0.0.11" });
const at = (index: number): string => lab().node(index).endpoint;
const AT_ONCE_MS = 300;

/** Node pairs (observer, peer) for every link to and from `node`. */
function linksOf(target: Lab, node: number): Array<[number, number]> {
  return target.nodes
    .filter((other) => other.index !== node)
    .flatMap(
      (other): Array<[number, number]> => [
        [other.index, node],
        [node, other.index],
      ],
    );
}

/** Whether the report says Redis is still acting, or has failed the node over already (a check takes ~4 s). */
function developingOrFailedOver(report: { phase: { name: string }; failovers: Array<{ oldMaster: string }> }, node: string): boolean {
  return report.phase.name === "developing" || (report.phase.name === "settled" && report.failovers.some((failover) => failover.oldMaster === node));
}

describe("check in every phase of an incident", () => {
  // Put back after every case, also one that failed: the next must not start with its fault.
  afterEach(async () => restoreLab(lab()));

  it("two masters blocked at once: one root cause naming both, the same from a healthy seed and from a blocked one", async () => {
    const start = Date.now();
    await lab().fault({ kind: "bus", node: 2, direction: "both", action: "drop" });
    await lab().fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
    await until(start, AT_ONCE_MS);
    for (const seed of [at(1), at(2)]) {
      const { code, report } = await runCheck(lab(), [seed]);
      expect({ seed, code: report.rootCause?.code, nodes: report.rootCause?.nodes }).toEqual({ seed, code: "BUS_PORT_BLOCKED", nodes: [at(2), at(3)] });
      expect(report.coRootCauses).toEqual([]);
      expect(report.findings.filter((finding) => finding.role === "other" && finding.severity !== "info")).toEqual([]);
      expect(code).toBe(2);
    }
    await waitUntilCut(lab(), [...linksOf(lab(), 2), ...linksOf(lab(), 3)], 2500);
    await sleep(2000);
    for (const seed of [at(1), at(3)]) {
      const { code, report } = await runCheck(lab(), [seed]);
      expect({ seed, code: report.rootCause?.code, nodes: report.rootCause?.nodes, phase: report.phase.name }).toEqual({
        seed,
        code: "BUS_PORT_BLOCKED",
        nodes: [at(2), at(3)],
        phase: "settled",
      });
      expect(code).toBe(2);
    }
  });

  it("0.3 s after a block: looks again and names the blocked node, developing, critical (never healthy)", async () => {
    const start = Date.now();
    await lab().fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
    await until(start, AT_ONCE_MS);
    const { code, report } = await runCheck(lab(), [at(1)]);
    expect({ code: report.rootCause?.code, nodes: report.rootCause?.nodes }, summaryOf(report)).toEqual({ code: "BUS_PORT_BLOCKED", nodes: [at(3)] });
    expect(report.coverage.looks.count, summaryOf(report)).toBe(2);
    expect(developingOrFailedOver(report, at(3)), summaryOf(report)).toBe(true);
    if (report.phase.name === "developing") expect(report.phase.next?.atMs).toBeGreaterThan(Date.parse(report.generatedAt));
    expect(dataRiskLines(report)).toEqual([]);
    expect(code).toBe(2);
  });

  it("a bus port blocked for busdoctor's host only: looks again, a note, exit 0", async () => {
    await lab().fault({ kind: "outside", node: 3, port: "bus", action: "drop" });
    await sleep(AT_ONCE_MS);
    const { code, report } = await runCheck(lab(), [at(1)]);
    expect(report.coverage.looks.count, summaryOf(report)).toBe(2);
    expect(report.findings.map((finding) => [finding.code, finding.severity, finding.nodes])).toEqual([["BUS_PORT_BLOCKED", "info", [at(3)]]]);
    expect(report.health).toBe("healthy");
    expect(code).toBe(0);
  });

  it("a client port blocked for busdoctor's host only: this host's path, a warning, no journalctl", async () => {
    await lab().fault({ kind: "outside", node: 3, port: "client", action: "drop" });
    await sleep(AT_ONCE_MS);
    const { code, report } = await runCheck(lab(), [at(1)]);
    expect({ code: report.rootCause?.code, nodes: report.rootCause?.nodes, severity: report.rootCause?.severity }, summaryOf(report)).toEqual({
      code: "NODE_UNREACHABLE",
      nodes: [at(3)],
      severity: "warning",
    });
    expect(report.rootCause?.summary).toMatch(/but its peers still hear it on the bus: the path from this host is closed$/);
    expect(report.rootCause?.fix.flatMap((fix) => fix.lines).join("\n")).not.toMatch(/journalctl|systemctl/);
    expect(report.phase.name).toBe("settled");
    expect(code).toBe(1);
  });

  it("a partition checked at once: every node named, exit 2", async () => {
    const start = Date.now();
    await lab().fault({
      kind: "partition",
      groups: [
        [1, 2, 5],
        [3, 4, 6, 7, 8],
      ],
      action: "drop",
    });
    await until(start, AT_ONCE_MS);
    const { code, report } = await runCheck(lab(), [at(4)]);
    expect(report.rootCause?.code, summaryOf(report)).toBe("NETWORK_PARTITION");
    expect([...(report.rootCause?.nodes ?? [])].sort()).toEqual(lab().endpoints.sort());
    expect(dataRiskLines(report)).toEqual([]);
    expect(code).toBe(2);
  });

  it("a master killed 0.3 s ago: down (both ports refused, peers disconnected), not 'alive for the cluster'", async () => {
    const start = Date.now();
    await lab().kill(3);
    await until(start, AT_ONCE_MS);
    const { code, report } = await runCheck(lab(), [at(1)]);
    expect({ code: report.rootCause?.code, nodes: report.rootCause?.nodes, severity: report.rootCause?.severity }, summaryOf(report)).toEqual({
      code: "NODE_UNREACHABLE",
      nodes: [at(3)],
      severity: "critical",
    });
    expect(report.rootCause?.summary).toMatch(/^127\.0\.0\.13:6379 is down: nothing answers on its client port 6379 \(refused\)/);
    expect(developingOrFailedOver(report, at(3)), summaryOf(report)).toBe(true);
    expect(dataRiskLines(report)).toEqual([]);
    expect(code).toBe(2);
    // Once its replica took over, the report says so.
    await waitFor("a replica took over the slots of node 3", async () => {
      const view = await observe(lab(), 1);
      return view !== null && isFlaggedFail(view, at(3)) && view.state === "ok";
    });
    await sleep(500);
    const settled = await runCheck(lab(), [at(1)]);
    expect(settled.report.failovers.map((failover) => failover.oldMaster)).toEqual([at(3)]);
    expect(settled.report.rootCause?.summary).toMatch(/A replica took over: 127\.0\.0\.1\d:6379 took over its slots/);
    expect(settled.report.phase.name).toBe("settled");
  });

  it("after a heal that followed a failover: recovering or settled at +0.3, +2, +5 s, healthy at +15 s; never critical, never a step that can lose data", async () => {
    await lab().fault({ kind: "bus", node: 2, direction: "both", action: "drop" });
    await waitFor("node 2 is failed over", async () => {
      const view = await observe(lab(), 1);
      return view !== null && isFlaggedFail(view, at(2)) && view.state === "ok";
    });
    const before = await runCheck(lab(), [at(1)]);
    expect(before.report.rootCause?.code).toBe("BUS_PORT_BLOCKED");
    expect(before.report.failovers.map((failover) => failover.oldMaster)).toEqual([at(2)]);
    const healed = Date.now();
    await lab().heal();
    const seen: string[] = [];
    for (const offset of [300, 2000, 5000]) {
      await until(healed, offset);
      const { code, report } = await runCheck(lab(), [at(1)]);
      seen.push(`+${offset} ms: ${report.phase.name} ${report.health} ${report.rootCause?.code ?? "-"}`);
      expect(dataRiskLines(report), seen.join("; ")).toEqual([]);
      expect(report.health, seen.join("; ")).not.toBe("critical");
      expect(["recovering", "settled"], seen.join("; ")).toContain(report.phase.name);
      if (report.phase.name === "recovering") {
        expect(code).toBe(1);
        for (const finding of report.findings.filter((entry) => entry.severity !== "info")) {
          expect(finding.fix.flatMap((fix) => fix.lines)[0]).toMatch(/^# wait until about \d\d:\d\d:\d\d UTC, then check again:$/);
        }
      } else expect(code).toBe(0);
    }
    await until(healed, 15_000);
    const last = await runCheck(lab(), [at(1)]);
    expect({ health: last.report.health, phase: last.report.phase.name, code: last.code }).toEqual({ health: "healthy", phase: "settled", code: 0 });
  });

  it("a master whose only replica has nofailover, killed: no failover is promised, once flagged FAIL it is settled", async () => {
    const replica = await replicaOf(lab(), 3);
    await configSet(lab(), replica, "cluster-replica-no-failover", "yes");
    try {
      await sleep(1000); // the flag reaches the peers with the next gossip
      await lab().kill(3);
      await waitFor("node 3 is flagged fail", async () => {
        const view = await observe(lab(), 1);
        return view !== null && isFlaggedFail(view, at(3));
      });
      const { report } = await runCheck(lab(), [at(1)]);
      expect({ code: report.rootCause?.code, nodes: report.rootCause?.nodes, phase: report.phase.name }, summaryOf(report)).toEqual({
        code: "NODE_UNREACHABLE",
        nodes: [at(3)],
        phase: "settled",
      });
      expect(`${report.phase.summary} ${report.phase.next?.what ?? ""}`).not.toMatch(/a replica takes over/);
      expect(report.phase.summary).toMatch(/Redis flagged it fail; no replica will take over/);
      expect(report.phase.evidence.map((entry) => entry.detail)).toContain(
        `no replica will take over the slots of ${at(3)}: ${replica.endpoint} has nofailover (cluster-replica-no-failover yes)`,
      );
      expect(report.failovers).toEqual([]);
    } finally {
      await configSet(lab(), replica, "cluster-replica-no-failover", "no");
    }
  });

  it("a replica after CLUSTER RESET HARD: stuck, not recovering, added again (never --cluster fix), from a healthy seed and from itself", async () => {
    const reset = await resetHard(lab(), await replicaOf(lab(), 3));
    try {
      await sleep(3 * 2000 + 1000);
      for (const seeds of [[at(1), reset.node.endpoint], [reset.node.endpoint]]) {
        const { code, report } = await runCheck(lab(), seeds);
        expect({ seeds, code: report.rootCause?.code, nodes: report.rootCause?.nodes, phase: report.phase.name, exit: code }, summaryOf(report)).toEqual({
          seeds,
          code: "NODE_FORGOT_CLUSTER",
          nodes: [reset.node.endpoint],
          phase: "settled",
          exit: 1,
        });
        expect(report.rootCause?.fix.flatMap((fix) => fix.lines)[0]).toMatch(new RegExp(`^redis-cli --cluster add-node ${reset.node.endpoint} `));
        expect(dataRiskLines(report)).toEqual([]);
      }
    } finally {
      await rejoin(lab(), reset);
    }
  });

  it("users allowed too little: PING only is never healthy (could not diagnose, exit 3); without config|get the diagnosis holds, the node timeout assumed", async () => {
    for (const node of lab().nodes) {
      for (const args of [
        ["acl", "setuser", "pingonly", "on", ">ping-only-pass", "-@all", "+ping"],
        ["acl", "setuser", "noconfig", "on", ">no-config-pass", ...CHECK_ACL_WITHOUT_CONFIG],
      ]) {
        const reply = await redisCli(lab().cli, node, args);
        expect(reply.ok).toBe(true);
      }
    }
    await lab().fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
    await waitUntilCut(lab(), linksOf(lab(), 3), 1500);

    const pingOnly = await runCheck(lab(), [at(1)], ["--user", "pingonly"], { REDISCLI_AUTH: "ping-only-pass" });
    expect({ health: pingOnly.report.health, code: pingOnly.code, level: pingOnly.report.coverage.level }).toEqual({
      health: "unknown",
      code: 3,
      level: "insufficient",
    });
    expect(pingOnly.report.coverage.missing.join("\n")).toMatch(/CLUSTER NODES not read from .*NOPERM/);
    expect(JSON.stringify(pingOnly.report)).not.toContain("ping-only-pass");

    const noConfig = await runCheck(lab(), [at(1)], ["--user", "noconfig"], { REDISCLI_AUTH: "no-config-pass" });
    expect({ code: noConfig.report.rootCause?.code, nodes: noConfig.report.rootCause?.nodes }).toEqual({ code: "BUS_PORT_BLOCKED", nodes: [at(3)] });
    expect(noConfig.report.phase.nodeTimeoutAssumed).toBe(true);
    expect(noConfig.report.coverage.assumptions[0]).toMatch(/^cluster-node-timeout assumed 15000 ms/);
    expect(noConfig.code).toBe(2);
  });
});
