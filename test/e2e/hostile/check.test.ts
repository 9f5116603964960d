// busdoctor check against the hostile servers of issue 9, each a fake node in a namespace with no
// route out: it ends in bounded time and memory (GNU time's peak RSS of the busdoctor process), with
// the right exit code and at most one line on stderr, never "healthy" on evidence it could not read,
// and it connects nowhere outside the seeds' scope (strace of every connect, and listening sinks on the
// addresses a node claims, which the sandbox makes local).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatAddress, splitAddress } from "../../../src/cluster/address.js";
import { Sandbox, type Measured } from "./support/sandbox.js";
import { CHECK_SCENARIOS, SPECIAL_ADDRESSES, WATCH_SCENARIOS, specialFromLoopback, specialFromPrivate, type HostileScenario } from "./support/scenarios.js";

/** Far above what any of these runs takes (under 2 s each) and far below the 90 s and 5 GB of the baseline. */
const TIME_BOUND_S = 20;
const RSS_BOUND_MB = 250;
const SECRET = "hostile-suite-s3cret";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create("e2e-hostile-check");
});
afterAll(async () => {
  await sandbox?.destroy();
});

async function runScenario(scenario: HostileScenario, trace = false): Promise<{ run: Measured; log: Array<Record<string, string>> }> {
  const fake = await sandbox.fake(scenario.name.replace(/\W+/g, "-"), scenario.config);
  try {
    const run = await sandbox.run(scenario.args, { limitMs: 60_000, trace, env: { REDISCLI_AUTH: SECRET } });
    return { run, log: fake.log() };
  } finally {
    fake.stop();
  }
}

function expectBounded(run: Measured): void {
  expect(run.killed).toBe(false);
  expect(run.seconds).toBeLessThan(TIME_BOUND_S);
  expect(run.maxRssMb).toBeLessThan(RSS_BOUND_MB);
  const lines = run.stderr.split("\n").filter((line) => line !== "");
  expect(lines.length).toBeLessThanOrEqual(1);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

/** What each server makes check say: exit 3 (could not diagnose) every time, with the reason when it ends the run. */
const OUTCOMES: Record<string, RegExp | "report"> = {
  silent: /^busdoctor: no seed reachable: 127\.0\.0\.11:6379 connected but no reply within 1000 ms/,
  slow: "report",
  garbage: /^busdoctor: no seed reachable: 127\.0\.0\.13:6379 unreadable reply: not a RESP2 reply \(first byte 0x00\)$/,
  error: /^busdoctor: no seed reachable: 127\.0\.0\.14:6379 ERR fake node refuses everything$/,
  close: /^busdoctor: no seed reachable: 127\.0\.0\.15:6379 connection closed in the middle of a reply$/,
  endless: /^busdoctor: no seed reachable: 127\.0\.0\.16:6379 unreadable reply: a reply line longer than 65536 bytes$/,
  // AUTH is answered by the first +PONG of the flood; the rest are replies nobody asked for.
  flood: /^busdoctor: no seed reachable: 127\.0\.0\.17:6379 unreadable reply: a reply to a command busdoctor did not send$/,
  huge: /^busdoctor: the CLUSTER NODES reply of 127\.0\.0\.18:6379 is larger than --max-nodes 1000 nodes would print \(5 MiB\)/,
  "10k nodes":
    /^busdoctor: the cluster lists 10001 nodes \(seen in the CLUSTER NODES of 127\.0\.0\.19:7000\), more than --max-nodes 1000; give --max-nodes 10001 or more/,
  "100k nodes": /^busdoctor: the CLUSTER NODES reply of 127\.0\.0\.19:7000 is larger than --max-nodes 1000 nodes would print/,
};

describe("check against a hostile server", () => {
  it.each(CHECK_SCENARIOS.filter((scenario) => scenario.name in OUTCOMES).map((scenario) => [scenario.name, scenario] as const))(
    "%s: bounded time and memory, exit 3, one line",
    async (name, scenario) => {
      const { run } = await runScenario(scenario);
      expectBounded(run);
      expect(run.code).toBe(3);
      const outcome = OUTCOMES[name];
      if (outcome === "report") {
        // It read something (PING), not enough: the report says it could not diagnose.
        expect(run.stderr).toBe("");
        expect(JSON.parse(run.stdout)).toMatchObject({ health: "unknown", exitCode: 3 });
      } else {
        expect(run.stdout).toBe("");
        expect(run.stderr.trim()).toMatch(outcome as RegExp);
      }
      expect(run.stderr + run.stdout).not.toContain(SECRET);
    },
  );
});

describe("check never dials what a node merely claims", () => {
  it("from a loopback seed: connects to loopback addresses only, sends the password to none other, and names what it left out", async () => {
    const { run, log } = await runScenario(specialFromLoopback, true);
    expectBounded(run);
    const dialled = new Set(run.connects);
    // The seed (client and bus port) and 127.0.0.9:8080, which a loopback seed's scope includes; nothing else, no DNS.
    expect([...dialled].sort()).toEqual(["127.0.0.20:16379", "127.0.0.20:6379", "127.0.0.9:16379", "127.0.0.9:8080"]);
    const sinks = log.filter((entry) => entry["event"] === "sink" || entry["event"] === "sink-data").map((entry) => entry["to"]);
    expect([...new Set(sinks)]).toEqual(["127.0.0.9:8080"]);
    const report = JSON.parse(run.stdout) as { health: string; findings: Array<{ code: string; evidence: Array<{ detail: string }> }> };
    expect(report.health).not.toBe("healthy");
    const finding = report.findings.find((candidate) => candidate.code === "ADDRESS_OUT_OF_SCOPE");
    const skipped = (finding?.evidence ?? []).map((evidence) => evidence.detail.split(": ")[0]);
    // As CLUSTER NODES prints them ("fe80::1:6379"), named as busdoctor names addresses ("[fe80::1]:6379").
    const named = SPECIAL_ADDRESSES.map((address) => {
      const [host, port] = splitAddress(address);
      return formatAddress(host, Number(port));
    });
    expect(skipped.sort()).toEqual(named.sort());
    expect(run.code).not.toBe(0);
  });

  it("from a private seed: dials no loopback, public or metadata address at all", async () => {
    const { run, log } = await runScenario(specialFromPrivate, true);
    expectBounded(run);
    expect([...new Set(run.connects)].sort()).toEqual(["10.77.0.1:16379", "10.77.0.1:6379"]);
    expect(log.filter((entry) => entry["event"]?.startsWith("sink"))).toEqual([]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: Array<{ code: string; summary: string }> };
    expect(report.findings.map((finding) => finding.code)).toContain("ADDRESS_OUT_OF_SCOPE");
  });

  it("--allow lets the user widen the scope to an address a private seed's node lists", async () => {
    const scenario = { ...specialFromPrivate, args: [...specialFromPrivate.args, "--allow", "127.0.0.9/32"] };
    const { run, log } = await runScenario(scenario, true);
    expect([...new Set(run.connects)].sort()).toEqual(["10.77.0.1:16379", "10.77.0.1:6379", "127.0.0.9:16379", "127.0.0.9:8080"]);
    expect([...new Set(log.filter((entry) => entry["event"] === "sink").map((entry) => entry["to"]))]).toEqual(["127.0.0.9:8080"]);
  });
});

describe("check beside a hostile node that a healthy node lists", () => {
  // Its client port is open, so only silence may be called hung or paused: garbage and a connection
  // closed mid-reply are named by their error (in the node's response and what was not read).
  const ERRORS: Record<string, string> = { garbage: "protocol", close: "connection" };
  it.each(Object.entries(ERRORS))("%s: named as a %s error, never unresponsive (hung or paused)", async (mode, errorKind) => {
    const beside = WATCH_SCENARIOS.find((scenario) => scenario.name === `watch ${mode}`) as HostileScenario;
    const hostileAddress = `${beside.config.nodes[1]?.ip}:6379`;
    const { run } = await runScenario({ ...beside, name: `check beside ${mode}`, args: ["check", "127.0.0.40:6379", "--json", "--timeout", "500"] });
    expectBounded(run);
    const report = JSON.parse(run.stdout) as {
      nodes: Array<{ address: string; response: { kind: string; errorKind?: string } }>;
      findings: Array<{ code: string }>;
      coverage: { missing: string[] };
    };
    expect(report.nodes.find((node) => node.address === hostileAddress)?.response).toMatchObject({ kind: "error", errorKind });
    expect(report.findings.map((finding) => finding.code)).not.toContain("NODE_UNRESPONSIVE");
    expect(run.stdout).not.toMatch(/hung or paused/);
    expect(report.coverage.missing.join("\n")).toContain(`nothing read from ${hostileAddress}: ${errorKind}: `);
  });
});
