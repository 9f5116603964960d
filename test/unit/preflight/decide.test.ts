// decidePreflight on facts gathered from a real 3-master redis-server 7.0.15 lab by
// scripts/record-preflight-facts.ts: the replies, probes and cluster views of each case.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../../src/cli/exitCodes.js";
import { decidePreflight, preflightHealth } from "../../../src/preflight/decide.js";
import type { CheckName, CheckStatus, PreflightFacts, PreflightReport } from "../../../src/preflight/model.js";
import { renderPreflightJson, renderPreflightText } from "../../../src/preflight/render.js";

function facts(name: string): PreflightFacts {
  return JSON.parse(readFileSync(new URL(`../../fixtures/preflight/${name}.json`, import.meta.url), "utf8")) as PreflightFacts;
}

function statuses(report: PreflightReport): Partial<Record<CheckName, CheckStatus>> {
  return Object.fromEntries(report.checks.map((check) => [check.name, check.status]));
}

function reasonOf(report: PreflightReport, name: CheckName): string {
  const check = report.checks.find((candidate) => candidate.name === name);
  if (!check) throw new Error(`no ${name} check in ${report.checks.map((c) => c.name).join(", ")}`);
  return check.reason;
}

interface Case {
  fixture: string;
  exitCode: number;
  statuses: Partial<Record<CheckName, CheckStatus>>;
  reasons: Partial<Record<CheckName, RegExp>>;
}

const CASES: Case[] = [
  {
    fixture: "healthy",
    exitCode: 0,
    statuses: {
      "client-port": "pass",
      "cluster-enabled": "pass",
      "bus-port": "pass",
      "announced-bus-port": "skip",
      "cluster-views": "pass",
      "seen-by-peers": "pass",
      "sees-peers": "pass",
    },
    reasons: {
      "client-port": /^127\.0\.0\.3:6379 answered PING with PONG \(\d+(\.\d)? ms\)$/,
      "cluster-enabled": /^INFO cluster: cluster_enabled:1$/,
      "bus-port": /^127\.0\.0\.3:16379 open .*; bus port from CONFIG GET cluster-port is 16379$/,
      "announced-bus-port": /^peers dial 127\.0\.0\.3:16379 .*127\.0\.0\.3:6379@16379\): the same port as bus-port$/,
      "seen-by-peers": /^all 2 existing nodes hear 127\.0\.0\.3:6379/,
    },
  },
  {
    fixture: "bus-dropped",
    exitCode: 2,
    statuses: { "client-port": "pass", "bus-port": "fail", "seen-by-peers": "fail", "sees-peers": "pass" },
    reasons: {
      "bus-port": /^127\.0\.0\.3:16379 filtered \(no answer to the TCP handshake: a firewall drops the packets, 100\d ms\)/,
      "seen-by-peers": /^2 of 2 existing nodes do not hear 127\.0\.0\.3:6379$/,
    },
  },
  {
    fixture: "bus-rejected",
    exitCode: 2,
    statuses: { "client-port": "pass", "bus-port": "fail", "seen-by-peers": "fail" },
    reasons: { "bus-port": /^127\.0\.0\.3:16379 refused \(connection refused: nothing listens there, or a firewall rejects/ },
  },
  {
    fixture: "announced-closed",
    exitCode: 2,
    statuses: { "bus-port": "pass", "announced-bus-port": "fail", "seen-by-peers": "fail" },
    reasons: {
      "announced-bus-port":
        /^peers dial 127\.0\.0\.3:17000 \(the node's own CLUSTER NODES line announces 127\.0\.0\.3:6379@17000\): 127\.0\.0\.3:17000 refused .*; the node listens on 16379 \(CONFIG GET cluster-port is 16379\)/,
    },
  },
  {
    fixture: "client-dropped",
    exitCode: 2,
    statuses: { "client-port": "fail", "cluster-enabled": "skip", "bus-port": "pass", "announced-bus-port": "skip" },
    reasons: {
      "client-port": /^127\.0\.0\.3:6379 filtered .*; connecting failed: could not connect within 1000 ms/,
      "bus-port": /; bus port from client port \+ 10000 \(the node did not say: Redis's default\)$/,
    },
  },
  {
    fixture: "not-joined",
    exitCode: 2,
    statuses: { "client-port": "pass", "bus-port": "pass", "cluster-views": "pass", joined: "skip", "peer-bus-ports": "fail" },
    reasons: {
      joined:
        /^127\.0\.0\.9:6379 is in no existing node's view yet \(3 nodes read from 127\.0\.0\.2:6379\): it has not joined; meet it \(redis-cli --cluster add-node 127\.0\.0\.9:6379 127\.0\.0\.2:6379\)/,
      "peer-bus-ports":
        /^1 of 3 existing nodes' bus ports do not accept TCP from here; whether each existing node can reach 127\.0\.0\.9:16379 cannot be tested from here/,
    },
  },
  {
    fixture: "cluster-disabled",
    exitCode: 2,
    statuses: { "client-port": "pass", "cluster-enabled": "fail", "bus-port": "fail", "announced-bus-port": "skip" },
    reasons: {
      "cluster-enabled": /^INFO cluster: cluster_enabled:0: the node runs without cluster-enabled yes/,
      "announced-bus-port": /^CLUSTER NODES failed: ERR This instance has cluster support disabled$/,
    },
  },
  {
    fixture: "seed-unreachable",
    exitCode: 2,
    statuses: { "client-port": "pass", "bus-port": "pass", "cluster-views": "fail" },
    reasons: { "cluster-views": /^could not read the cluster's views from 127\.0\.0\.7:6379: no seed reachable: 127\.0\.0\.7:6379 connection refused$/ },
  },
];

describe("decidePreflight on recorded facts", () => {
  it.each(CASES)("$fixture: exit $exitCode", ({ fixture, exitCode, statuses: expected, reasons }) => {
    const report = decidePreflight(facts(fixture));
    expect(statuses(report)).toMatchObject(expected);
    for (const [name, pattern] of Object.entries(reasons)) expect(reasonOf(report, name as CheckName)).toMatch(pattern);
    expect(exitCodeFor(preflightHealth(report))).toBe(exitCode);
    expect(report.result).toBe(exitCode === 0 ? "pass" : "fail");
  });

  it("names, per existing node, the pending ping that shows it cannot reach the new node's bus", () => {
    const check = decidePreflight(facts("bus-dropped")).checks.find((candidate) => candidate.name === "seen-by-peers");
    expect(check?.items?.map((item) => [item.node, item.status])).toEqual([
      ["127.0.0.1:6379", "fail"],
      ["127.0.0.2:6379", "fail"],
    ]);
    for (const item of check?.items ?? []) expect(item.reason).toMatch(/^ping to 127\.0\.0\.3:6379 pending \d+ ms \(past 1000 ms\): its PINGs get no PONG$/);
  });

  it("before the node has joined: probes each existing node's bus from here and gives the command for the other direction", () => {
    const check = decidePreflight(facts("not-joined")).checks.find((candidate) => candidate.name === "peer-bus-ports");
    expect(check?.items?.map((item) => [item.node, item.status])).toEqual([
      ["127.0.0.2:6379", "pass"],
      ["127.0.0.1:6379", "pass"],
      ["127.0.0.3:6379", "fail"],
    ]);
    expect(check?.items?.[2]?.reason).toMatch(/^its bus port from here: 127\.0\.0\.3:16379 filtered/);
    for (const item of check?.items ?? []) {
      expect(item.command).toBe("timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.9/16379' && echo open || echo 'not open'");
    }
  });
});

describe("preflight rendering", () => {
  it("prints one PASS/FAIL/SKIP line per check, the per-node lines, and the verdict", () => {
    const lines = renderPreflightText(decidePreflight(facts("bus-dropped")), 2)
      .trimEnd()
      .split("\n");
    expect(lines[0]).toBe("preflight 127.0.0.3:6379 (cluster seed 127.0.0.1:6379)");
    expect(lines.filter((line) => /^(PASS|FAIL|SKIP) {2}/.test(line)).map((line) => line.slice(0, 26).trimEnd())).toEqual([
      "PASS  client-port",
      "PASS  cluster-enabled",
      "FAIL  bus-port",
      "SKIP  announced-bus-port",
      "PASS  cluster-views",
      "FAIL  seen-by-peers",
      "PASS  sees-peers",
    ]);
    expect(lines).toContain("RESULT FAIL: bus-port, seen-by-peers failed (exit 2)");
    expect(lines.filter((line) => line.startsWith("      FAIL 127.0.0."))).toHaveLength(2);
  });

  it("JSON carries every check with its status, reason and the probe's verdict word", () => {
    const parsed = JSON.parse(renderPreflightJson(decidePreflight(facts("bus-dropped")), 2)) as PreflightReport;
    expect(parsed).toMatchObject({ target: "127.0.0.3:6379", cluster: "127.0.0.1:6379", result: "fail", exitCode: 2 });
    expect(parsed.checks.find((check) => check.name === "bus-port")?.probe).toMatchObject({ port: 16379, state: "timeout", verdict: "filtered" });
  });
});
