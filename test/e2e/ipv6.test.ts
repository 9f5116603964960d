// An IPv6 cluster: the lab on unique-local addresses (fd00:b5d0::1-6) on its namespace's loopback.
// Redis prints IPv6 bare in CLUSTER NODES (fd00:b5d0::3:6379@16379); everything busdoctor prints
// that forms an address brackets it ([fd00:b5d0::3]:6379), and fixes use IPv6 firewall syntax.
import { afterEach, describe, expect, it } from "vitest";
import { builtCliScript } from "../../src/lab/cliArgv.js";
import { runCommand } from "../../src/lab/run.js";
import { waitFor, waitUntilCut } from "../support/observe.js";
import { Background } from "./support/background.js";
import { useLab } from "./support/lab.js";

const NAME = "ipv6-e2e";
const lab = useLab({ name: NAME, ipv6: true, nodeTimeoutMs: 2000 });
const node = (index: number): string => `[fd00:b5d0::${index}]:6379`;

interface JsonReport {
  health: string;
  rootCause: { code: string; nodes: string[]; evidence: Array<{ detail: string }>; fix: Array<{ lines: string[] }> } | null;
  nodes: Array<{ address: string; busProbe: { host: string; state: string } | null }>;
}

async function check(args: string[] = ["--json"]): Promise<{ code: number; stdout: string }> {
  const result = await lab().runBusdoctor(["check", node(1), "--timeout", "1000", ...args], { timeoutMs: 30_000 });
  return { code: result.code, stdout: result.stdout };
}

describe("an IPv6 cluster", () => {
  // A fault the lab CLI applied is not in this process's Lab object: heal (cheap when there is none) after each.
  afterEach(async () => {
    await lab().heal();
    await lab().waitUntilSettled();
  });

  it("checks healthy, every node named bracketed", async () => {
    const { code, stdout } = await check();
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.health).toBe("healthy");
    expect(report.nodes.map((entry) => entry.address)).toEqual([1, 2, 3, 4, 5, 6].map(node));
    expect(report.nodes.map((entry) => entry.busProbe?.host)).toEqual([1, 2, 3, 4, 5, 6].map((index) => `fd00:b5d0::${index}`));
    expect(code).toBe(0);
  });

  it("names a blocked bus port bracketed, with IPv6 firewall fixes (fault given to the lab CLI as [ip]:port)", async () => {
    const applied = await runCommand([process.execPath, builtCliScript(), "lab", "fault", "bus", node(3), "--name", NAME], { timeoutMs: 30_000 });
    expect(applied.stdout).toBe("applied: bus port of node 3 (fd00:b5d0::3) blocked inbound and outbound (drop)\n");
    await waitUntilCut(
      lab(),
      [1, 2, 4, 5, 6].map((other): [number, number] => [other, 3]),
      1500,
    );
    const { code, stdout } = await check();
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.rootCause).toMatchObject({ code: "BUS_PORT_BLOCKED", nodes: [node(3)] });
    expect(report.rootCause?.evidence.map((evidence) => evidence.detail)).toContainEqual(expect.stringMatching(/^\[fd00:b5d0::3\]:16379 no answer/));
    const fixes = report.rootCause?.fix.flatMap((fix) => fix.lines) ?? [];
    expect(fixes).toContainEqual(
      expect.stringContaining("nft insert rule inet filter input ip6 saddr { fd00:b5d0::1, fd00:b5d0::2, fd00:b5d0::4, fd00:b5d0::5, fd00:b5d0::6 }"),
    );
    expect(fixes).toContainEqual(expect.stringMatching(/^ip6tables -I INPUT/));
    expect(code).toBe(2);
    // fix plans the bus step for the bracketed node, with the IPv6 rules: nothing applied (no --apply).
    const fix = await lab().runBusdoctor(["fix", node(1), "--json", "--timeout", "1000"], { timeoutMs: 30_000 });
    const plan = JSON.parse(fix.stdout) as { steps: Array<{ code: string; targets: string[] }> };
    const open = plan.steps.find((step) => step.code === "OPEN_BUS");
    expect(open?.targets).toEqual([node(3)]);
    expect(JSON.stringify(open)).toContain("ip6 saddr { fd00:b5d0::1, fd00:b5d0::2, fd00:b5d0::4, fd00:b5d0::5, fd00:b5d0::6 }");
    // The terminal report names it bracketed too; only the raw CLUSTER NODES lines it quotes keep Redis's bare form.
    const terminal = await check([]);
    expect(terminal.stdout.split("\n")[0]).toMatch(/^CRITICAL {2}the bus port of \[fd00:b5d0::3\]:6379 \(16379\) is blocked: its peers cannot reach it/);
  });

  it("preflight and host-audit read an IPv6 node", async () => {
    const preflight = await lab().runBusdoctor(["preflight", node(3), "--cluster", node(1)], { timeoutMs: 30_000 });
    expect(preflight.stdout).toMatch(/^PASS {2}bus-port +\[fd00:b5d0::3\]:16379 open/m);
    expect(preflight.code).toBe(0);
    const hostAudit = await lab().runBusdoctor(["host-audit", "-h", "fd00:b5d0::3", "--json"], { timeoutMs: 30_000 });
    const report = JSON.parse(hostAudit.stdout) as { problems: string[]; peers: { probes: Array<{ peer: string; verdict: string }> } };
    expect(report.problems).toEqual([]);
    expect(report.peers.probes.map((probe) => [probe.peer, probe.verdict])).toEqual([1, 2, 4, 5, 6].map((index) => [node(index), "open"]));
    expect(hostAudit.code).toBe(0);
  });

  it("watch names its seed bracketed and stays quiet on the healthy cluster", async () => {
    const watch = new Background(lab().busdoctorArgv(["watch", node(1), "--json", "--timeout", "1000"]));
    try {
      await waitFor("watch samples every node", async () => watch.stderr.some((line) => line.includes("watching")), 20_000);
      expect(watch.stderr.find((line) => line.includes("watching"))).toContain(`from ${node(1)}`);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(watch.lines.filter((line) => line.startsWith("{"))).toEqual([]);
    } finally {
      await watch.stop();
    }
  });
});
