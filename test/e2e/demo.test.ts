// The README's main command, end to end: a real lab, the fault, the diagnosis, the recovery, and
// nothing left behind. Also what it says to a user who lacks what it needs.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/busdoctor", import.meta.url));

describe("busdoctor demo", () => {
  it("shows PING working, CLUSTERDOWN, the root cause, the recovery, and cleans up", () => {
    const result = spawnSync(process.execPath, [BIN, "demo", "--node-timeout", "2000"], { encoding: "utf8", timeout: 180_000 });
    expect(result.stderr).toBe("");
    const out = result.stdout;
    expect(out).toContain("ip daddr 127.0.0.3 tcp dport 16379 drop");
    expect(out).toMatch(/PING\nPONG/);
    expect(out).toContain("CLUSTERDOWN The cluster is down");
    const diagnosed = out.slice(out.indexOf("=== 3."), out.indexOf("=== 4."));
    expect(diagnosed).toMatch(/ROOT CAUSE {2}BUS_PORT_BLOCKED \(critical\)/);
    expect(diagnosed).toContain("Nodes: 127.0.0.3:6379");
    const plan = out.slice(out.indexOf("=== 4."), out.indexOf("=== 5."));
    expect(plan).toMatch(/Step 1 \[safe\] open the bus port of 127\.0\.0\.3:6379/);
    expect(plan).toMatch(/Step 2 \[safe\] once the bus is open, wait/);
    expect(plan).not.toMatch(/Step 3/);
    expect(out.slice(out.indexOf("=== 5."), out.indexOf("=== 6."))).toMatch(/HEALTHY/);
    expect(out.slice(out.indexOf("=== 6."))).toContain("busdoctor fix: nothing to do");
    expect(out).toContain("Demo complete");
    expect(result.status).toBe(0);
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" })).not.toContain("busdoctor-demo");
  });

  it("tells a user without root exactly what it needs", () => {
    const result = spawnSync("runuser", ["-u", "nobody", "--", process.execPath, BIN, "demo"], { encoding: "utf8", timeout: 30_000 });
    expect(result.stderr).toMatch(/^busdoctor: .*root/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.status).toBe(3);
  });
});
