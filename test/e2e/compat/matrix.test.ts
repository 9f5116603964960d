// The compatibility matrix: every server named by BUSDOCTOR_COMPAT_SERVERS (plus the redis-server on
// PATH) through the core scenarios, one lab per server, `busdoctor check` judging each from a healthy
// seed; preflight, host-audit and watch run on the same lab, and where the server has them a second lab
// announces hostnames and (Valkey 8) client addresses. Prints a server x scenario table. Part of
// the suite only when the variable is set (vitest.config.ts):
//   BUSDOCTOR_COMPAT_SERVERS=../shared/redis-servers npx vitest run test/e2e/compat
// With BUSDOCTOR_E2E_LOCK=/tmp/busdoctor-e2e.lock each lab takes the shared lock for its own run.
import { afterAll, describe, expect, it } from "vitest";
import { hostOf } from "../../../src/cluster/address.js";
import { serverLabel } from "../../../src/cluster/server.js";
import { Lab, teardownOnExit } from "../../../src/lab/index.js";
import { findOnPath } from "../../../src/lab/preconditions.js";
import type { FindingCode, Health } from "../../../src/model/finding.js";
import type { AlertEventJson } from "../../../src/watch/render.js";
import { COMPAT_SERVERS_ENV, compatServers, formatMatrix, judge, runCoreScenarios, type MatrixCell, type MatrixRow } from "../../support/compat.js";
import { viewedEndpoint, waitFor } from "../../support/observe.js";
import { SCENARIO_NODE_TIMEOUT_MS, scenario } from "../../support/scenarios.js";
import { Background } from "../support/background.js";
import { takeE2eLock } from "../support/lock.js";
import { tcpConnect } from "../support/tcp.js";

interface JsonReport {
  health: Health;
  rootCause: { code: FindingCode; nodes: string[] } | null;
}

const servers = compatServers(process.env[COMPAT_SERVERS_ENV] ?? "", findOnPath("redis-server"));
const rows: MatrixRow[] = [];
const startedAt = Date.now();

afterAll(() => {
  const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
  process.stdout.write(`\ncompatibility matrix (${servers.length} servers, ${minutes} min):\n${formatMatrix(rows)}\n`);
});

async function check(lab: Lab, seed: string): Promise<JsonReport | null> {
  const result = await lab.runBusdoctor(["check", seed, "--json", "--timeout", "1000", ...lab.tlsArgs], { timeoutMs: 30_000 });
  try {
    return JSON.parse(result.stdout) as JsonReport;
  } catch {
    return null;
  }
}

/** Lab node indexes of the addresses a finding names. */
function indexesOf(lab: Lab, addresses: readonly string[]): number[] {
  return addresses.flatMap((address) => {
    const node = lab.nodes.find((candidate) => hostOf(address) === candidate.address || hostOf(address) === candidate.clientAddress);
    return node === undefined ? [] : [node.index];
  });
}

/** A tool's column: whether it said what it must (exit code and, for watch, the alert). */
function toolCell(scenario: string, passed: boolean): MatrixCell {
  return { scenario, health: passed ? "passed" : "failed", code: null, nodes: [], correct: passed };
}

/** preflight of node 3 against the cluster and host-audit of node 3's host, on the healthy cluster: both exit 0. */
async function healthyTools(lab: Lab, seed: string): Promise<MatrixCell[]> {
  const node3 = lab.node(3);
  const preflight = await lab.runBusdoctor(["preflight", node3.endpoint, "--cluster", seed, "--json"], { timeoutMs: 30_000 });
  const hostAudit = await lab.runBusdoctor(["host-audit", "-h", node3.address, "--json"], { timeoutMs: 30_000 });
  return [toolCell("preflight", preflight.code === 0), toolCell("host-audit", hostAudit.code === 0)];
}

interface AnnouncedReport extends JsonReport {
  nodes: Array<{ address: string; hostname: string | null; busProbe: { host: string; state: string } | null }>;
}

/**
 * On a lab announcing hostnames (and Valkey client addresses): node 3's bus blocked both ways; check
 * names it, shows every hostname, and probed node 3's bus at its bus address (not its client address,
 * whose bus port answers: the node listens there too); preflight finds that bus address filtered.
 */
async function announcedAddresses(lab: Lab): Promise<boolean> {
  const blocked = scenario("bus-blocked-both");
  await blocked.inject(lab);
  await blocked.settle(lab);
  const node3 = viewedEndpoint(lab, 3);
  const result = await lab.runBusdoctor(["check", viewedEndpoint(lab, 1), "--json", "--timeout", "1000"], { timeoutMs: 30_000 });
  const report = JSON.parse(result.stdout) as AnnouncedReport;
  const probe3 = report.nodes.find((node) => node.address === node3)?.busProbe;
  const preflight = await lab.runBusdoctor(["preflight", node3], { timeoutMs: 30_000 });
  const clientAddress = lab.node(3).clientAddress;
  const clientBusAnswers = clientAddress === null || (await tcpConnect(lab, { host: clientAddress, port: 16379 })) === "open";
  return (
    clientBusAnswers &&
    report.rootCause?.code === "BUS_PORT_BLOCKED" &&
    report.rootCause.nodes.join() === node3 &&
    report.nodes.every((node) => node.hostname?.endsWith(".busdoctor.test") === true) &&
    probe3?.host === lab.node(3).address &&
    probe3.state === "timeout" &&
    // Redis fails bus-port there; Valkey passes bus-port at the client address and fails what peers dial.
    preflight.stdout.split("\n").some((line) => line.startsWith("FAIL") && line.includes(`${lab.node(3).address}:16379 filtered`))
  );
}

function alertEvents(watch: Background): AlertEventJson[] {
  return watch.lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as AlertEventJson);
}

describe.each(servers.map((server, index) => ({ server, index })))("compatibility: $server", ({ server, index }) => {
  it("diagnoses every core scenario as it must; preflight, host-audit and watch work", { timeout: 600_000 }, async () => {
    const release = await takeE2eLock();
    const started = Date.now();
    let lab: Lab | null = null;
    let watch: Background | null = null;
    /** No alert from watch on the healthy cluster. */
    let watchQuiet = false;
    const disarm = teardownOnExit(() => lab?.downSync());
    try {
      lab = await Lab.up({ name: `compat-${index + 1}`, server, nodeTimeoutMs: SCENARIO_NODE_TIMEOUT_MS });
      const row: MatrixRow = { server: serverLabel(lab.server), cells: [], seconds: 0 };
      rows.push(row);
      const up = lab;
      await runCoreScenarios(up, async ({ scenario, expected }, seed) => {
        const report = await check(up, seed);
        const health = report?.health ?? "no report";
        const code = report?.rootCause?.code ?? null;
        const nodes = indexesOf(up, report?.rootCause?.nodes ?? []);
        row.cells.push({ scenario: scenario.name, health, code, nodes, correct: report !== null && judge(expected, report.health, code, nodes) });
        if (scenario.name === "healthy") {
          row.cells.push(...(await healthyTools(up, seed)));
          // watch follows the cluster from here into the next scenario: quiet while healthy, then naming the blocked bus.
          const started = new Background(up.busdoctorArgv(["watch", seed, "--json", "--timeout", "1000"]));
          watch = started;
          await waitFor("watch samples every node", async () => started.stderr.some((line) => line.includes("watching")), 20_000);
          await new Promise((resolve) => setTimeout(resolve, 3000));
          watchQuiet = alertEvents(started).length === 0;
        } else if (scenario.name === "bus-blocked-both" && watch !== null) {
          const running: Background = watch;
          const faulty = up.node(3).endpoint;
          const named = (): boolean =>
            alertEvents(running).some((event) => event.event === "firing" && event.cause?.code === "BUS_PORT_BLOCKED" && event.cause.nodes.includes(faulty));
          await waitFor("watch names BUS_PORT_BLOCKED on node 3", async () => named(), 20_000).catch(() => undefined);
          row.cells.push(toolCell("watch", watchQuiet && named()));
          await running.stop();
          watch = null;
        }
      });
      await up.down();
      lab = null;
      if (up.server.hostnames) {
        lab = await Lab.up({
          name: `compat-${index + 1}-a`,
          server,
          nodeTimeoutMs: SCENARIO_NODE_TIMEOUT_MS,
          hostnames: true,
          clientAnnounce: up.server.clientAnnounce,
        });
        row.cells.push(toolCell("announced", await announcedAddresses(lab)));
      }
      expect(row.cells.filter((cell) => !cell.correct)).toEqual([]);
    } finally {
      const row = rows.at(-1);
      if (row !== undefined) row.seconds = (Date.now() - started) / 1000;
      await (watch as Background | null)?.stop();
      await lab?.down();
      disarm();
      release();
    }
  });
});
