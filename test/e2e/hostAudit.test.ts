// busdoctor host-audit end to end: the built CLI run inside a real 3-master lab's namespace, which
// plays the role of the node's host (its /proc/net/tcp, its nftables ruleset, its addresses).
import { describe, expect, it } from "vitest";
import type { HostAuditReport } from "../../src/hostaudit/model.js";
import { readPidfile } from "../../src/lab/processes.js";
import { useLab } from "./support/lab.js";

const lab = useLab({ name: "pf-helper-hostaudit", replicasPerMaster: 0, nodeTimeoutMs: 2000 });

async function hostAudit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await lab().runBusdoctor(["host-audit", ...args], { timeoutMs: 30_000 });
  if (result.timedOut) throw new Error(`busdoctor host-audit ${args.join(" ")} timed out`);
  return result;
}

async function hostAuditJson(args: string[]): Promise<{ code: number; report: HostAuditReport }> {
  const result = await hostAudit([...args, "--json"]);
  return { code: result.code, report: JSON.parse(result.stdout) as HostAuditReport };
}

/** The handle nft itself prints for a rule (`nft -a list ruleset`), read independently of busdoctor. */
async function nftHandle(ruleText: string): Promise<number> {
  const listing = await lab().exec(["nft", "-a", "list", "ruleset"], { timeoutMs: 10_000 });
  const line = listing.stdout.split("\n").find((candidate) => candidate.trim().startsWith(`${ruleText} # handle `));
  const handle = /# handle (\d+)$/.exec(line ?? "")?.[1];
  if (handle === undefined) throw new Error(`no rule "${ruleText}" in:\n${listing.stdout}`);
  return Number(handle);
}

function pidOf(index: number): number | null {
  return readPidfile(lab().node(index).pidfile);
}

describe("busdoctor host-audit", () => {
  it("finds nothing wrong on a healthy node's host", async () => {
    const { code, report } = await hostAuditJson(["-h", "127.0.0.3"]);
    expect(report.problems).toEqual([]);
    expect(report.firewall.blocks).toEqual([]);
    expect(report.firewall.sources[0]).toMatchObject({ source: "nftables", status: "read" });
    const iptables = report.firewall.sources[1];
    // iptables is optional on these machines: read when installed, said to be skipped otherwise.
    if (iptables?.status === "absent") expect(iptables.detail).toBe("iptables-save is not installed: skipped");
    else expect(iptables).toMatchObject({ source: "iptables", status: "read" });
    expect(report.peers.probes.map((probe) => [probe.peer, probe.verdict])).toEqual([
      ["127.0.0.1:6379", "open"],
      ["127.0.0.2:6379", "open"],
    ]);
    expect(code).toBe(0);
  });

  it("names the nftables rule that drops node 3's bus port and shows redis-server listening on every node address", async () => {
    await lab().fault({ kind: "bus", node: 3, direction: "in", action: "drop" });
    const handle = await nftHandle("ip daddr 127.0.0.3 tcp dport 16379 drop");
    const { code, report } = await hostAuditJson(["-h", "127.0.0.3"]);
    expect(report.firewall.blocks).toEqual([
      expect.objectContaining({
        source: "nftables",
        family: "inet",
        table: "busdoctor_lab",
        chain: "input",
        handle,
        direction: "in",
        role: "bus",
        port: 16379,
        certain: true,
      }),
    ]);
    for (const { role, port } of [
      { role: "client", port: 6379 },
      { role: "bus", port: 16379 },
    ]) {
      const listening = report.listening.find((entry) => entry.role === role);
      expect(listening?.sockets.map((socket) => [socket.address, socket.port, socket.process, socket.pid, socket.thisNode])).toEqual([
        ["127.0.0.1", port, "redis-server", pidOf(1), false],
        ["127.0.0.2", port, "redis-server", pidOf(2), false],
        ["127.0.0.3", port, "redis-server", pidOf(3), true],
      ]);
    }
    expect(code).toBe(2);

    const text = await hostAudit(["-h", "127.0.0.3"]);
    expect(text.stdout).toContain(`BLOCKS  nftables inet busdoctor_lab chain input handle ${handle} (ip daddr 127.0.0.3 tcp dport 16379 drop)`);
    expect(text.code).toBe(2);
  });

  it("probes the peers' bus ports from the chosen source address: node 1 cannot reach node 3's", async () => {
    const { report } = await hostAuditJson(["-h", "127.0.0.1", "--source", "127.0.0.1"]);
    expect(report.peers).toMatchObject({ source: "127.0.0.1" });
    expect(report.peers.probes.map((probe) => [probe.peer, probe.probe.host, probe.probe.port, probe.verdict])).toEqual([
      ["127.0.0.2:6379", "127.0.0.2", 16379, "open"],
      ["127.0.0.3:6379", "127.0.0.3", 16379, "filtered"],
    ]);
    // Seen from node 1's host the same rule stops node 1's own outbound connections to node 3's bus.
    expect(report.firewall.blocks.map((block) => [block.table, block.chain, block.direction, block.peers])).toEqual([
      ["busdoctor_lab", "input", "out", ["127.0.0.3:6379"]],
    ]);
  });

  it("with node 3's outbound bus also dropped: filtered from --source 127.0.0.3, open from --source 127.0.0.1", async () => {
    await lab().fault({ kind: "bus", node: 3, direction: "out", action: "drop" });
    const handle = await nftHandle("ip saddr 127.0.0.3 tcp dport 16379 drop");
    const fromNode3 = await hostAuditJson(["-h", "127.0.0.3", "--source", "127.0.0.3"]);
    expect(fromNode3.report.peers.probes.map((probe) => [probe.peer, probe.verdict])).toEqual([
      ["127.0.0.1:6379", "filtered"],
      ["127.0.0.2:6379", "filtered"],
    ]);
    expect(fromNode3.report.firewall.blocks.filter((block) => block.direction === "out")).toEqual([
      expect.objectContaining({
        table: "busdoctor_lab",
        chain: "input",
        handle,
        rule: "ip saddr 127.0.0.3 tcp dport 16379 drop",
        peers: ["127.0.0.1:6379", "127.0.0.2:6379"],
      }),
    ]);
    expect(fromNode3.code).toBe(2);

    const fromNode1 = await hostAuditJson(["-h", "127.0.0.3", "--source", "127.0.0.1"]);
    expect(fromNode1.report.peers.probes.map((probe) => [probe.peer, probe.verdict])).toEqual([
      ["127.0.0.1:6379", "open"],
      ["127.0.0.2:6379", "open"],
    ]);
  });

  it.each([
    { args: ["--source", "10.1.2.3"], error: /^busdoctor: --source 10\.1\.2\.3: not an address of this host \(it has 127\.0\.0\.1\/8, ::1\/128\)\n$/ },
    { args: ["--source", "node-3"], error: /^busdoctor: --source node-3: expected an IP address\n$/ },
    { args: ["127.0.0.3:6379", "-h", "127.0.0.2"], error: /^busdoctor: host-audit audits one node: give it as host:port or with -h\/-p, not both\n$/ },
  ])("$args: exit 3 with one line", async ({ args, error }) => {
    const result = await hostAudit(args);
    expect(result.stderr).toMatch(error);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(3);
  });
});
