import { describe, expect, it } from "vitest";
import type { NodeSummary } from "../../../src/model/analysis.js";
import type { CheckReport } from "../../../src/render/report.js";
import { renderTerminal } from "../../../src/render/terminal/index.js";
import { address, analysis, blockedBusReport, busPortBlocked, node, probe, diagnosisOf, fullCoverage, report, topologyDrift } from "./reports.js";

const ANSI = /\x1b\[[0-9;]*m/;
const lines = (text: string): string[] => text.split("\n");
const indexOfLine = (text: string, start: string): number => lines(text).findIndex((line) => line.startsWith(start));

describe("renderTerminal: the compact report", () => {
  const text = renderTerminal(blockedBusReport(), { color: false });

  it("opens with the verdict, the phase and what it is based on", () => {
    expect(lines(text).slice(0, 2)).toEqual([
      "CRITICAL  the bus port of 127.0.0.3:6379 (16379) is blocked",
      "  Phase: developing: the fault showed 4.3 s ago; next, a replica takes over the slots of",
    ]);
    expect(lines(text)[3]).toMatch(/^ {2}Based on: 0 of 6 nodes gave their view; read CLUSTER NODES, CLUSTER INFO, INFO, CLUSTER LINKS,$/);
  });

  it("puts the cause, the one fix and the evidence before the node table and the links", () => {
    const order = ["ROOT CAUSE", "FIX", "EVIDENCE", "NODES", "BUS LINKS"].map((heading) => indexOfLine(text, heading));
    expect(order.every((index) => index > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("tells what broke, since when and the fix within the first 25 lines", () => {
    const screen = lines(text).slice(0, 25).join("\n");
    for (const part of [
      "CRITICAL",
      "Phase: developing",
      "ROOT CAUSE  BUS_PORT_BLOCKED",
      "Fix (nftables on the host of 127.0.0.3):",
      ...(busPortBlocked.fix[0]?.lines ?? []),
    ]) {
      expect(screen).toContain(part);
    }
  });

  it("lists what follows from the root cause, one line each", () => {
    const all = lines(text);
    const follows = all.indexOf("  Follows from it:");
    expect(follows).toBeGreaterThan(indexOfLine(text, "ROOT CAUSE"));
    expect(all.slice(follows + 1, follows + 4)).toEqual([
      "    CLUSTER_STATE_FAIL  cluster_state:fail in 6 of 6 views",
      "    SLOTS_UNCOVERED     slots 10923-16383 have no serving master in 5 views",
      "    TOPOLOGY_DRIFT      127.0.0.5:6379 knows 7 nodes, the others know 6",
    ]);
  });

  it("prints the first fix block verbatim, once, and names the other places by name only", () => {
    const all = lines(text);
    const fix = busPortBlocked.fix[0];
    const at = all.indexOf(`  Fix (${fix?.where}):`);
    expect(all.slice(at + 1, at + 1 + (fix?.lines.length ?? 0)).map((line) => line.trim())).toEqual(fix?.lines);
    expect(text).toContain("Or where the rule lives (--verbose shows each): AWS security group");
    expect(text).not.toContain(busPortBlocked.fix[1]?.lines[0] ?? "?");
    expect(text.split("Fix (").length - 1).toBe(1);
  });

  it("shows the few evidence lines there are, each detail whole", () => {
    const all = lines(text);
    const at = indexOfLine(text, "EVIDENCE");
    // A detail too long for the line goes whole on the next one.
    expect(all.slice(at + 1, at + 5)).toEqual([
      "  busdoctor probe: 127.0.0.3:16379 timeout after 1000 ms",
      "  127.0.0.1:6379 CLUSTER NODES:",
      `    ${busPortBlocked.evidence[1]?.detail}`,
      "  127.0.0.3:6379 CLUSTER INFO: cluster_state:fail",
    ]);
  });

  it("keeps every line within 100 columns except raw fix lines, which are never split", () => {
    const raw = new Set(busPortBlocked.fix.flatMap((fix) => fix.lines));
    const long = lines(text).filter((line) => line.length > 100);
    for (const line of long) expect(raw.has(line.trim()) || line.includes(busPortBlocked.evidence[1]?.detail ?? "?")).toBe(true);
  });
});

describe("renderTerminal: --verbose", () => {
  const text = renderTerminal(blockedBusReport(), { color: false, verbose: true });

  it("shows every evidence detail and every fix line of the root cause verbatim on a line of its own", () => {
    const rootCauseBlock = lines(text).slice(indexOfLine(text, "ROOT CAUSE"), indexOfLine(text, "FOLLOWS FROM IT"));
    const trimmedEnds = rootCauseBlock.map((line) => line.trim());
    for (const evidence of busPortBlocked.evidence) {
      expect(rootCauseBlock.some((line) => line.endsWith(evidence.detail))).toBe(true);
    }
    for (const fix of busPortBlocked.fix) {
      expect(trimmedEnds).toContain(`Fix (${fix.where}):`);
      for (const line of fix.lines) expect(trimmedEnds).toContain(line);
    }
  });

  it("lists what follows with severity, code, evidence and fix, then the node table, the grid and what each node answered", () => {
    const block = lines(text).slice(indexOfLine(text, "FOLLOWS FROM IT"));
    expect(block).toContain("  WARNING  TOPOLOGY_DRIFT");
    expect(block).toContain("      127.0.0.5:6379 CLUSTER INFO: cluster_known_nodes:7");
    expect(block).toContain("        redis-cli -h 127.0.0.5 -p 6379 CLUSTER FORGET <node-id>");
    const order = ["ROOT CAUSE", "FOLLOWS FROM IT", "NODES", "BUS LINKS", "READ"].map((heading) => indexOfLine(text, heading));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain("  legend:");
  });

  it("wraps prose at the width it is given", () => {
    const narrow = renderTerminal(blockedBusReport(), { color: false, width: 60, verbose: true });
    const all = lines(narrow);
    const why = all.findIndex((line) => line.startsWith("    Why:"));
    const explanation = all.slice(
      why,
      all.findIndex((line, index) => index > why && line.startsWith("    Fix")),
    );
    expect(explanation.length).toBeGreaterThan(3);
    for (const line of explanation) expect(line.length).toBeLessThanOrEqual(60);
    expect(explanation.join(" ").replace(/\s+/g, " ").trim()).toBe(`Why: ${busPortBlocked.explanation}`.replace(/\s+/g, " "));
  });
});

describe("renderTerminal: colour only when asked", () => {
  const cases: Array<[string, CheckReport]> = [
    ["healthy", report()],
    ["bus port blocked", blockedBusReport()],
  ];
  it.each(cases)("%s: no ANSI code when color is false", (_, input) => {
    expect(renderTerminal(input, { color: false })).not.toMatch(ANSI);
  });
  it.each(cases)("%s: ANSI codes when color is true, same text once stripped", (_, input) => {
    const colored = renderTerminal(input, { color: true });
    expect(colored).toMatch(ANSI);
    expect(colored.replace(/\x1b\[[0-9;]*m/g, "")).toBe(renderTerminal(input, { color: false }));
  });
  it("paints critical red and warnings yellow", () => {
    const colored = renderTerminal(blockedBusReport(), { color: true });
    expect(colored).toContain("\x1b[31mCRITICAL\x1b[39m");
    expect(colored).toContain("\x1b[33mTOPOLOGY_DRIFT    \x1b[39m");
  });
});

describe("renderTerminal: verdicts", () => {
  it("keeps a healthy cluster short: verdict, phase, what it is based on, nodes, one line for the links", () => {
    const text = renderTerminal(report(), { color: false });
    expect(lines(text).slice(0, 2)).toEqual(["HEALTHY  no problem found", "  Phase: settled: every bus link answers and the views agree"]);
    expect(text).not.toContain("ROOT CAUSE");
    expect(text).toContain("BUS LINKS  all 30 observer -> peer links ok");
    expect(lines(text).length).toBeLessThanOrEqual(16);
  });

  it("could not diagnose: says so and what is missing, never healthy", () => {
    const missing = "CLUSTER NODES not read from 127.0.0.1:6379 and 5 more: NOPERM (denied by ACL)";
    const text = renderTerminal(
      report({ diagnosis: diagnosisOf({ health: "unknown", coverage: { ...fullCoverage, level: "insufficient", missing: [missing] } }) }),
      { color: false },
    );
    expect(lines(text)[0]).toBe(`COULD NOT DIAGNOSE  too little could be read to diagnose: ${missing}`.slice(0, lines(text)[0]?.length));
    expect(text).toContain(`missing: ${missing}`);
    expect(text).toContain("needed at least: CLUSTER NODES and CLUSTER INFO from more than half of the nodes");
  });

  it("a warning symptom with no cause stands in as the root cause", () => {
    const text = renderTerminal(
      report({
        diagnosis: diagnosisOf({ health: "warning", rootCause: topologyDrift }),
      }),
      { color: false },
    );
    expect(lines(text)[0]).toBe("WARNING  127.0.0.5:6379 knows 7 nodes, the others know 6");
    expect(indexOfLine(text, "ROOT CAUSE")).toBeLessThan(indexOfLine(text, "NODES"));
  });
});

describe("renderTerminal: node table", () => {
  const rowOf = (text: string, n: number): string => {
    const row = lines(text).find((line) => new RegExp(`^  ${n}  ${address(n)} `).test(line));
    if (row === undefined) throw new Error(`no row for ${address(n)}`);
    return row
      .trim()
      .split(/\s{2,}/)
      .join(" | ");
  };

  it("has the columns the on-call reads, with node 3's bus probe and flag", () => {
    const text = renderTerminal(blockedBusReport(), { color: false });
    expect(lines(text)[indexOfLine(text, "NODES") + 1]?.trim().split(/\s+/)).toEqual([
      "#",
      "address",
      "id",
      "role",
      "master",
      "client",
      "bus",
      "state",
      "flagged",
      "slots",
    ]);
    expect(rowOf(text, 3)).toBe("3 | 127.0.0.3:6379 | e7d1eecc | master | - | open | 16379 timeout | fail | fail 5/5 | 10923-16383");
    expect(rowOf(text, 4)).toBe("4 | 127.0.0.4:6379 | 0b9e8d7c | replica | #2 | open | 16379 open | fail | - | -");
  });

  const variants: Array<[string, Partial<NodeSummary>, string]> = [
    [
      "unreachable",
      {
        response: { kind: "unreachable", probe: probe(3, 6379, "timeout") },
        clientProbe: probe(3, 6379, "timeout"),
        busProbe: probe(3, 16379, "timeout"),
        clusterState: null,
      },
      "3 | 127.0.0.3:6379 | e7d1eecc | master | - | timeout | 16379 timeout | unreachable | - | 10923-16383",
    ],
    [
      "paused",
      { response: { kind: "unresponsive", error: "Command timed out" }, clusterState: null },
      "3 | 127.0.0.3:6379 | e7d1eecc | master | - | open | 16379 open | unresponsive | - | 10923-16383",
    ],
    [
      "denied",
      { response: { kind: "error", errorKind: "noauth", error: "NOAUTH Authentication required." }, clusterState: null, id: null, role: null },
      "3 | 127.0.0.3:6379 | ? | ? | - | open | 16379 open | noauth | - | 10923-16383",
    ],
    [
      "no bus port announced",
      { busPort: null, busProbe: null, flaggedAs: "fail?", flaggedBy: 1 },
      "3 | 127.0.0.3:6379 | e7d1eecc | master | - | open | ? | ok | fail? 1/5 | 10923-16383",
    ],
    [
      "fragmented slots",
      {
        slots: [
          { start: 1, end: 1 },
          { start: 5, end: 9 },
          { start: 20, end: 30 },
        ],
      },
      "3 | 127.0.0.3:6379 | e7d1eecc | master | - | open | 16379 open | ok | - | 1,5-9 +1 more",
    ],
  ];
  it.each(variants)("%s", (_, overrides, expected) => {
    const nodes = [1, 2, 3, 4, 5, 6].map((n) => (n === 3 ? node(3, overrides) : node(n)));
    expect(rowOf(renderTerminal(report({ analysis: analysis({ nodes }) }), { color: false }), 3)).toBe(expected);
  });
});
