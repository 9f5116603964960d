// Least privilege on a real 6-node cluster (redis-server 7.0.15): a user allowed only PING is never
// told "healthy", even on a cluster whose bus port is blocked (the HEALTHY with exit 0); the
// documented minimal user without CONFIG GET gets a real verdict that says what it assumed instead.
import { describe, expect, it } from "vitest";
import { useLab } from "../support/lab.js";
import { CHECK_ACL_WITHOUT_CONFIG } from "../support/acl.js";

const lab = useLab({ name: "e2e-hostile-acl", nodeTimeoutMs: 2000 });
const SEED = "127.0.0.1:6379";
const USERS = {
  pingonly: ["pingonly", "on", ">ping-only-pass", "-@all", "+ping"],
  // The minimal check user of docs/security.md, without +config|get.
  noconfig: ["noconfig", "on", ">no-config-pass", ...CHECK_ACL_WITHOUT_CONFIG],
};

interface Report {
  health: string;
  exitCode: number;
  findings: Array<{ code: string }>;
  coverage: { level: string; assumptions: string[]; missing: string[] };
}

async function checkAs(user: "pingonly" | "noconfig" | null): Promise<{ code: number; report: Report; stderr: string }> {
  const password = user === "pingonly" ? "ping-only-pass" : user === "noconfig" ? "no-config-pass" : null;
  const args = ["check", SEED, "--json", "--timeout", "500", ...(user === null ? [] : ["--user", user])];
  const result = await lab().exec(["env", ...(password === null ? [] : [`REDISCLI_AUTH=${password}`]), ...lab().busdoctorArgv(args)], { timeoutMs: 60_000 });
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

describe("least-privilege users", () => {
  it("creates the users on every node", async () => {
    for (const node of lab().nodes) {
      for (const user of Object.values(USERS)) {
        const set = await lab().exec(["redis-cli", "-h", node.address, "-p", String(node.port), "ACL", "SETUSER", ...user], { timeoutMs: 5000 });
        expect(set.stdout.trim()).toBe("OK");
      }
    }
  });

  it("a user without CONFIG GET gets a healthy verdict that says what it assumed", async () => {
    const { code, report } = await checkAs("noconfig");
    expect(report.health).toBe("healthy");
    expect(code).toBe(0);
    expect(report.coverage.level).toBe("full");
    expect(report.coverage.assumptions.join("\n")).toMatch(/cluster-node-timeout assumed/);
  });

  it("a user allowed only PING is never told healthy: could not diagnose, with what is missing", async () => {
    const { code, report } = await checkAs("pingonly");
    expect(report.health).not.toBe("healthy");
    expect(code).toBe(3);
    expect(report.coverage.level).toBe("insufficient");
    expect(report.coverage.missing.join("\n")).toMatch(/CLUSTER NODES not read from .*NOPERM/);
  });

  it("with a blocked bus port: critical for the default user, still never healthy for the PING-only user", async () => {
    await lab().fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const full = await checkAs(null);
    expect(full.code).toBe(2);
    expect(full.report.findings.map((finding) => finding.code)).toContain("BUS_PORT_BLOCKED");
    const pingOnly = await checkAs("pingonly");
    expect(pingOnly.report.health).not.toBe("healthy");
    expect(pingOnly.code).not.toBe(0);
  });
});
