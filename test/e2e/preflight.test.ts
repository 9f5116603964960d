// busdoctor preflight end to end: the built CLI run inside a real 3-master lab's namespace, against a
// healthy node, a node whose bus port is dropped, rejected or announced where nothing listens, and a
// fresh node that has not joined yet.
import { afterEach, describe, expect, it } from "vitest";
import type { PreflightReport } from "../../src/preflight/model.js";
import { waitUntilCut } from "../support/observe.js";
import { useLab } from "./support/lab.js";

const NODE_TIMEOUT_MS = 2000;
const lab = useLab({ name: "pf-helper-preflight", replicasPerMaster: 0, nodeTimeoutMs: NODE_TIMEOUT_MS });
const NODE3 = "127.0.0.3:6379";
const SEED = "127.0.0.1:6379";

async function preflight(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await lab().runBusdoctor(["preflight", ...args], { timeoutMs: 30_000 });
  if (result.timedOut) throw new Error(`busdoctor preflight ${args.join(" ")} timed out`);
  return result;
}

async function preflightJson(args: string[]): Promise<{ code: number; report: PreflightReport }> {
  const result = await preflight([...args, "--json"]);
  return { code: result.code, report: JSON.parse(result.stdout) as PreflightReport };
}

function check(report: PreflightReport, name: string): PreflightReport["checks"][number] {
  const found = report.checks.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no ${name} check: ${report.checks.map((c) => c.name).join(", ")}`);
  return found;
}

/** The PASS/FAIL/SKIP word of each check line, by check name. */
function lineStatuses(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^(PASS|FAIL|SKIP) {2}(\S+)/gm)].map((match) => [match[2], match[1]]));
}

describe("busdoctor preflight", () => {
  afterEach(async () => {
    if (lab().faults.length === 0) return;
    await lab().heal();
    await lab().waitUntilSettled();
  });

  it("passes a healthy member, alone and with --cluster", async () => {
    const alone = await preflight([NODE3]);
    expect(lineStatuses(alone.stdout)).toEqual({ "client-port": "PASS", "cluster-enabled": "PASS", "bus-port": "PASS", "announced-bus-port": "SKIP" });
    expect(alone.stdout).toMatch(/^PASS {2}bus-port +127\.0\.0\.3:16379 open .*CONFIG GET cluster-port is 16379$/m);
    expect(alone.stdout).toMatch(/^RESULT PASS: 3 passed, 1 skipped \(exit 0\)$/m);
    expect(alone.code).toBe(0);

    const withCluster = await preflight([NODE3, "--cluster", SEED]);
    expect(lineStatuses(withCluster.stdout)).toMatchObject({ "cluster-views": "PASS", "seen-by-peers": "PASS", "sees-peers": "PASS" });
    expect(withCluster.stdout).toMatch(/^ {6}PASS 127\.0\.0\.1:6379 +last PONG from 127\.0\.0\.3:6379 \d+ ms ago/m);
    expect(withCluster.stdout).toMatch(/^ {6}PASS 127\.0\.0\.2:6379 +last PONG from 127\.0\.0\.3:6379 \d+ ms ago/m);
    expect(withCluster.code).toBe(0);
  });

  it("fails a node whose bus port is dropped: filtered, and its peers' pings stay pending", async () => {
    await lab().fault({ kind: "bus", node: 3, direction: "in", action: "drop" });
    const alone = await preflightJson([NODE3]);
    expect(check(alone.report, "bus-port")).toMatchObject({ status: "fail", probe: { port: 16379, verdict: "filtered" } });
    expect(check(alone.report, "bus-port").reason).toMatch(/^127\.0\.0\.3:16379 filtered \(no answer to the TCP handshake/);
    expect(check(alone.report, "client-port").status).toBe("pass");
    expect(alone.code).toBe(2);

    await waitUntilCut(
      lab(),
      [
        [1, 3],
        [2, 3],
      ],
      1500,
    );
    const withCluster = await preflightJson([NODE3, "--cluster", SEED]);
    const seen = check(withCluster.report, "seen-by-peers");
    expect(seen.status).toBe("fail");
    expect(seen.items?.map((item) => item.node).sort()).toEqual(["127.0.0.1:6379", "127.0.0.2:6379"]);
    for (const item of seen.items ?? []) expect(item.reason).toMatch(/^(ping to 127\.0\.0\.3:6379 pending \d+ ms|flags 127\.0\.0\.3:6379 fail)/);
    expect(withCluster.code).toBe(2);
  });

  it("fails a node whose bus port is rejected: refused", async () => {
    await lab().fault({ kind: "bus", node: 3, direction: "in", action: "reject" });
    const result = await preflight([NODE3]);
    expect(result.stdout).toMatch(
      /^FAIL {2}bus-port +127\.0\.0\.3:16379 refused \(connection refused: nothing listens there, or a firewall rejects with a TCP reset/m,
    );
    expect(result.stdout).toMatch(/^RESULT FAIL: bus-port failed \(exit 2\)$/m);
    expect(result.code).toBe(2);
  });

  it("fails a node that announces a bus port nothing listens on, naming both ports", async () => {
    await lab().fault({ kind: "announce-bus-port", node: 3, port: 17000 });
    const { code, report } = await preflightJson([NODE3]);
    expect(check(report, "bus-port").status).toBe("pass");
    const announced = check(report, "announced-bus-port");
    expect(announced).toMatchObject({ status: "fail", probe: { host: "127.0.0.3", port: 17000, verdict: "refused" } });
    expect(announced.reason).toMatch(
      /^peers dial 127\.0\.0\.3:17000 \(the node's own CLUSTER NODES line announces 127\.0\.0\.3:6379@17000\): 127\.0\.0\.3:17000 refused .*the node listens on 16379/,
    );
    expect(code).toBe(2);
  });

  it("before a node has joined: says so, probes the existing nodes' bus ports, and prints a command that works on each peer", async () => {
    const stop = await lab().startExtraNode("127.0.0.9");
    try {
      const result = await preflight(["127.0.0.9:6379", "--cluster", SEED]);
      expect(lineStatuses(result.stdout)).toMatchObject({ "bus-port": "PASS", joined: "SKIP", "peer-bus-ports": "PASS" });
      expect(result.stdout).toMatch(/^SKIP {2}joined +127\.0\.0\.9:6379 is in no existing node's view yet/m);
      const command = /on its host, run: (.+)$/m.exec(result.stdout)?.[1];
      expect(command).toBe("timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.9/16379' && echo open || echo 'not open'");
      expect(result.code).toBe(0);
      // Run from node 1's address, as a peer would: the printed command really tests the new node's bus.
      const onPeer = await lab().exec(["bash", "-c", command ?? "false"], { timeoutMs: 10_000 });
      expect(onPeer.stdout.trim()).toBe("open");
    } finally {
      await stop();
    }
  });

  it.each([
    { args: [NODE3, "-h", "127.0.0.2"], error: /^busdoctor: preflight checks one node: give it as host:port or with -h\/-p, not both\n$/ },
    { args: [NODE3, "--cluster", "127.0.0.1:0"], error: /^busdoctor: bad seed address "127\.0\.0\.1:0": port "0" is not a number from 1 to 65535\n$/ },
    { args: ["127.0.0.3:x"], error: /^busdoctor: bad seed address "127\.0\.0\.3:x"/ },
  ])("$args: exit 3 with one line", async ({ args, error }) => {
    const result = await preflight(args);
    expect(result.stderr).toMatch(error);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(3);
  });
});
