// decideHostAudit on facts gathered inside real labs by scripts/record-hostaudit-fixtures.ts.
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../../src/cli/exitCodes.js";
import { decideHostAudit, hostAuditHealth } from "../../../src/hostaudit/audit.js";
import type { HostAuditFacts, HostAuditReport } from "../../../src/hostaudit/model.js";
import { renderHostAuditJson, renderHostAuditText } from "../../../src/hostaudit/render.js";
import { fixtureFacts } from "./fixtures.js";

function listed(report: HostAuditReport): Array<[string, string[]]> {
  return report.listening.map(({ role, port, sockets }) => [
    `${role} ${port}`,
    sockets.map((socket) => `${socket.address} ${socket.process}${socket.thisNode ? " this node" : ""}`),
  ]);
}

describe("host-audit on node 3's host, its bus port dropped inbound", () => {
  const report = decideHostAudit(fixtureFacts("lab-bus-in-drop"));

  it("names the nftables rule with its table, chain and handle, and the peers it cuts off", () => {
    expect(report.firewall.blocks).toEqual([
      {
        source: "nftables",
        family: "inet",
        table: "busdoctor_lab",
        chain: "input",
        ref: "handle 2",
        handle: 2,
        rule: "ip daddr 127.0.0.3 tcp dport 16379 drop",
        direction: "in",
        role: "bus",
        port: 16379,
        certain: true,
        peers: ["127.0.0.1:6379", "127.0.0.2:6379"],
      },
    ]);
  });

  it("shows redis-server listening on 6379 and 16379 on every node address, marking this node's", () => {
    expect(listed(report)).toEqual([
      ["client 6379", ["127.0.0.1 redis-server", "127.0.0.2 redis-server", "127.0.0.3 redis-server this node"]],
      ["bus 16379", ["127.0.0.1 redis-server", "127.0.0.2 redis-server", "127.0.0.3 redis-server this node"]],
    ]);
  });

  it("probes the peers' bus ports (open: only inbound to node 3 is dropped) and exits 2 for the rule", () => {
    expect(report.peers.probes.map((probe) => [probe.peer, probe.verdict])).toEqual([
      ["127.0.0.1:6379", "open"],
      ["127.0.0.2:6379", "open"],
    ]);
    expect(report.problems).toEqual([
      {
        severity: "critical",
        text: "nftables inet busdoctor_lab chain input handle 2 (ip daddr 127.0.0.3 tcp dport 16379 drop) stops inbound connections to this node's bus port 16379 (from 127.0.0.1:6379, 127.0.0.2:6379)",
      },
    ]);
    expect(report).toMatchObject({ node: "127.0.0.3:6379", busPort: 16379, busPortSource: "CONFIG GET cluster-port is 16379", health: "critical" });
    expect(exitCodeFor(hostAuditHealth(report))).toBe(2);
  });

  it("prints BLOCKS with the rule, the listening sockets and the probes as text", () => {
    const text = renderHostAuditText(report, 2);
    expect(text).toContain(
      "  BLOCKS  nftables inet busdoctor_lab chain input handle 2 (ip daddr 127.0.0.3 tcp dport 16379 drop) stops inbound connections to this node's bus port 16379 (from 127.0.0.1:6379, 127.0.0.2:6379)\n",
    );
    expect(text).toMatch(/^ {2}bus port 16379: {3}127\.0\.0\.1:16379 {2}redis-server pid \d+$/m);
    expect(text).toMatch(/^ {20}127\.0\.0\.3:16379 {2}redis-server pid \d+ {2}\(this node\)$/m);
    expect(text).toMatch(/^ {2}OPEN {5}127\.0\.0\.1:6379 {2}127\.0\.0\.1:16379 open/m);
    expect(text).toMatch(/^CRITICAL: 1 problem\(s\) \(exit 2\)$/m);
    expect(JSON.parse(renderHostAuditJson(report, 2))).toEqual({ ...report, exitCode: 2 });
  });
});

describe("host-audit on node 3's host, its bus port dropped both ways, probing from its own address", () => {
  const report = decideHostAudit(fixtureFacts("lab-bus-both-drop"));

  it("names both rules: inbound by daddr, outbound by saddr", () => {
    expect(report.firewall.blocks.map((block) => [block.ref, block.direction, block.rule, block.peers])).toEqual([
      ["handle 2", "in", "ip daddr 127.0.0.3 tcp dport 16379 drop", ["127.0.0.1:6379", "127.0.0.2:6379"]],
      ["handle 3", "out", "ip saddr 127.0.0.3 tcp dport 16379 drop", ["127.0.0.1:6379", "127.0.0.2:6379"]],
    ]);
  });

  it("finds every peer's bus port filtered from 127.0.0.3", () => {
    expect(report.peers).toMatchObject({
      source: "127.0.0.3",
      probes: [
        { peer: "127.0.0.1:6379", verdict: "filtered" },
        { peer: "127.0.0.2:6379", verdict: "filtered" },
      ],
    });
    expect(report.problems.map((problem) => problem.severity)).toEqual(["critical", "critical", "critical", "critical"]);
    expect(report.problems[3]?.text).toMatch(/^the bus port of peer 127\.0\.0\.2:6379 from 127\.0\.0\.3: 127\.0\.0\.2:16379 filtered/);
  });
});

describe("host-audit on node 1's host with a host firewall in nftables and iptables-nft", () => {
  const facts = fixtureFacts("host-firewall");
  const report = decideHostAudit(facts);

  it("reads both firewalls, iptables' tables from iptables-save instead of nft's copy", () => {
    expect(report.firewall.sources).toEqual([
      { source: "nftables", status: "read", detail: "nft -j list ruleset: 4 table(s), 10 chain(s), 28 rule(s)" },
      {
        source: "iptables",
        status: "read",
        detail: "iptables-save (nf_tables backend: read here instead of nft's copy of table(s) ip mangle, ip filter): 2 table(s), 9 chain(s), 11 rule(s)",
      },
    ]);
  });

  it("finds only the lab rule cutting node 1 off node 3's bus (loopback passes every host rule)", () => {
    expect(report.firewall.blocks.map((block) => [block.table, block.ref, block.direction, block.peers])).toEqual([
      ["busdoctor_lab", "handle 2", "out", ["127.0.0.3:6379"]],
    ]);
    expect(report.peers.probes.map((probe) => [probe.peer, probe.verdict])).toEqual([
      ["127.0.0.2:6379", "open"],
      ["127.0.0.3:6379", "filtered"],
    ]);
    expect(hostAuditHealth(report)).toBe("critical");
  });

  it.each([
    {
      what: "nft not installed, iptables not installed",
      nft: { ok: false, why: "nft is not installed: skipped", absent: true },
      status: "absent",
      problems: 1,
    },
    { what: "nft denied", nft: { ok: false, why: "nft -j list ruleset failed: Operation not permitted", absent: false }, status: "skipped", problems: 2 },
  ] as const)("says what it could not read: $what", ({ nft, status, problems }) => {
    const changed: HostAuditFacts = { ...facts, nft, iptables: { ok: false, why: "iptables-save is not installed: skipped", absent: true } };
    const result = decideHostAudit(changed);
    expect(result.firewall.sources.map((source) => source.status)).toEqual([status, "absent"]);
    expect(result.firewall.blocks).toEqual([]);
    // The probe of node 3 still fails; an nft that could not be read (not one that is absent) is a warning of its own.
    expect(result.problems).toHaveLength(problems);
  });

  it("reports nothing listening when the node is gone from its port", () => {
    const empty = { ok: true as const, text: "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" };
    const result = decideHostAudit({ ...facts, procNetTcp: empty, procNetTcp6: empty });
    expect(result.problems.filter((problem) => problem.text.startsWith("nothing listens"))).toEqual([
      { severity: "critical", text: "nothing listens on the client port 6379 here" },
      { severity: "critical", text: "nothing listens on the bus port 16379 here" },
    ]);
  });
});

describe("host-audit through goto and return (the firewall engine shared with lint)", () => {
  const base = fixtureFacts("lab-bus-in-drop");
  function withIptables(...rules: string[]): HostAuditReport {
    const text = [
      "# Generated by iptables-save v1.8.9 (legacy)",
      "*filter",
      ":INPUT DROP [0:0]",
      ":OUTPUT ACCEPT [0:0]",
      ":REDIS - [0:0]",
      ...rules,
      "COMMIT",
      "",
    ].join("\n");
    const facts: HostAuditFacts = { ...base, nft: { ok: false, why: "nft is not installed: skipped", absent: true }, iptables: { ok: true, text } };
    return decideHostAudit(facts);
  }
  const inbound = (report: HostAuditReport) =>
    report.firewall.blocks.filter((block) => block.direction === "in").map((block) => [block.chain, block.ref, block.role, block.port, block.certain]);

  it("a goto into an empty chain ends INPUT: the policy drops the bus port the accept after the goto was meant for", () => {
    const report = withIptables("-A INPUT -p tcp -m tcp --dport 6379 -j ACCEPT", "-A INPUT -p tcp -g REDIS", "-A INPUT -p tcp -m tcp --dport 16379 -j ACCEPT");
    expect(inbound(report)).toEqual([["INPUT", "policy", "bus", 16379, true]]);
    expect(report.health).toBe("critical");
  });

  it("a jump into the same empty chain comes back, and the bus port is accepted", () => {
    const report = withIptables("-A INPUT -p tcp -m tcp --dport 6379 -j ACCEPT", "-A INPUT -p tcp -j REDIS", "-A INPUT -p tcp -m tcp --dport 16379 -j ACCEPT");
    expect(inbound(report)).toEqual([]);
  });

  it("a return before the chain's accept sends the bus port back to INPUT's policy", () => {
    const report = withIptables(
      "-A INPUT -p tcp -j REDIS",
      "-A INPUT -p tcp -m tcp --dport 6379 -j ACCEPT",
      "-A REDIS -p tcp -m tcp --dport 16379 -j RETURN",
      "-A REDIS -p tcp -m tcp --dport 16379 -j ACCEPT",
    );
    expect(inbound(report)).toEqual([["INPUT", "policy", "bus", 16379, true]]);
  });
});
