// busdoctor watch against the hostile servers of issue 9, beside a healthy node that lists them: memory
// stays bounded while a node streams, garbles or trickles (GNU time's peak RSS), an alert names every
// node it cannot read, SIGTERM ends it at once, and a node reachable at two addresses (NAT,
// multi-homed) is sampled once, on one connection, without the seed being dropped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox, type Watched } from "./support/sandbox.js";
import { natDoubleAddress, WATCH_SCENARIOS, type HostileScenario } from "./support/scenarios.js";

const WATCH_MS = 6000;
/** From SIGTERM to exit: a sample in flight ends within its 500 ms timeout. */
const STOP_BOUND_S = 3;
const RSS_BOUND_MB = 250;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create("e2e-hostile-watch");
});
afterAll(async () => {
  await sandbox?.destroy();
});

function watchFor(scenario: HostileScenario): Promise<Watched> {
  return sandbox.watchScenario(scenario, WATCH_MS);
}

function expectBoundedAndStopped({ run, stopSeconds }: Watched): void {
  expect(run.killed).toBe(false);
  expect(run.code).toBe(0);
  expect(stopSeconds).toBeLessThan(STOP_BOUND_S);
  expect(run.maxRssMb).toBeLessThan(RSS_BOUND_MB);
}

const hostile = WATCH_SCENARIOS.filter((scenario) => scenario !== natDoubleAddress);

describe("watch beside a hostile node", () => {
  it.each(hostile.map((scenario) => [scenario.name, scenario] as const))(
    "%s: bounded memory, an alert naming it, stops on SIGTERM",
    async (_name, scenario) => {
      const watched = await watchFor(scenario);
      expectBoundedAndStopped(watched);
      const hostileAddress = `${scenario.config.nodes[1]?.ip}:6379`;
      const firing = watched.run.stdout.split("\n").filter((line) => line.includes("FIRING"));
      expect(firing.some((line) => line.includes(hostileAddress))).toBe(true);
      // Reconnects are bounded too: about one per sample and node, never a pile of open ones.
      expect(watched.connections.get(hostileAddress) ?? 0).toBeLessThanOrEqual((2 * WATCH_MS) / 500 + 4);
    },
  );
});

describe("watch of a node reachable at two addresses", () => {
  it("samples it once on one connection, keeps the seed, and stops on the first SIGTERM", async () => {
    const watched = await watchFor(natDoubleAddress);
    expectBoundedAndStopped(watched);
    // One session and one client-port probe per node, for the whole run.
    expect(Object.fromEntries(watched.connections)).toEqual({ "127.0.0.21:6379": 2, "127.0.0.23:6379": 2 });
    expect(watched.run.stderr).not.toMatch(/no longer sampled|127\.0\.0\.22:6379 joined/);
    expect(watched.run.stdout).not.toContain("FIRING");
  });
});
