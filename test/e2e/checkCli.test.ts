// The check command as a user meets it, on a real 6-node lab cluster: record and replay, formats,
// clear one-line errors with exit code 3, and credentials that never leak into output or files.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtCliScript } from "../../src/lab/cliArgv.js";
import { useLab } from "./support/lab.js";

const lab = useLab({ name: "e2e-check-cli", nodeTimeoutMs: 2000 });
const SEED = "127.0.0.1:6379";
const dir = mkdtempSync(join(tmpdir(), "busdoctor-check-cli-"));

/** Runs the built CLI inside the lab; `env` is set with env(1), so a secret is never busdoctor's argument. */
function busdoctor(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  return lab().exec(["env", ...assignments, process.execPath, builtCliScript(), ...args], { timeoutMs: 30_000 });
}

describe("check from the command line", () => {
  it("records a snapshot and diagnoses it again offline with the same result", async () => {
    const file = join(dir, "healthy.json");
    const live = await busdoctor(["check", SEED, "--json", "--record", file]);
    expect(live.code).toBe(0);
    const replay = await busdoctor(["check", "--from-snapshot", file, "--json"]);
    expect(replay.code).toBe(0);
    const strip = (text: string): unknown => ({ ...(JSON.parse(text) as object), durationMs: 0 });
    expect(strip(replay.stdout)).toEqual(strip(live.stdout));
  });

  it("--sample compares gossip counters over the interval and finds a healthy cluster healthy", async () => {
    const file = join(dir, "sampled.json");
    const result = await busdoctor(["check", SEED, "--sample", "1s", "--json", "--record", file]);
    expect(JSON.parse(result.stdout)).toMatchObject({ health: "healthy", findings: [] });
    const snapshot = JSON.parse(readFileSync(file, "utf8")) as { takenAtMs: number; baseline: { takenAtMs: number; clusterInfo: object } };
    expect(Object.keys(snapshot.baseline.clusterInfo)).toHaveLength(6);
    expect(snapshot.takenAtMs - snapshot.baseline.takenAtMs).toBeGreaterThanOrEqual(1000);
    expect(result.code).toBe(0);
  });

  it("prints markdown for a ticket and a terminal report without colour when piped", async () => {
    const markdown = await busdoctor(["check", SEED, "--format", "markdown"]);
    expect(markdown.stdout).toMatch(/^# HEALTHY/);
    const text = await busdoctor(["check", SEED]);
    expect(text.stdout).toMatch(/^HEALTHY/);
    expect(text.stdout).not.toMatch(/\u001b\[/);
  });

  it.each([
    { args: ["check", "--port", "abc"], error: /^busdoctor: --port: expected a whole number from 1 to 65535, got "abc"\n$/ },
    { args: ["check", "127.0.0.1:99999"], error: /^busdoctor: bad seed address "127.0.0.1:99999": port "99999" is not a number from 1 to 65535\n$/ },
    { args: ["check", "--format", "yaml"], error: /^busdoctor: --format: expected one of terminal, json, markdown, html, got "yaml"\n$/ },
    {
      args: ["check", "--from-snapshot", "/nonexistent/snapshot.json"],
      error: /^busdoctor: --from-snapshot \/nonexistent\/snapshot.json: cannot read it \(ENOENT\)\n$/,
    },
    { args: ["check", "127.0.0.9:6379", "--timeout", "300"], error: /^busdoctor: no seed reachable: 127\.0\.0\.9:6379 .*refused.*\n$/ },
  ])("$args.1 $args.2: exit 3 with one line naming the problem", async ({ args, error }) => {
    const result = await busdoctor(args);
    expect(result.stderr).toMatch(error);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(3);
  });

  it("says what is wrong with a snapshot file that is not one", async () => {
    const result = await busdoctor(["check", "--from-snapshot", "/etc/hostname"]);
    expect(result.stderr).toMatch(/^busdoctor: --from-snapshot \/etc\/hostname: snapshot: not JSON/);
    expect(result.code).toBe(3);
  });

  it("names NOAUTH and WRONGPASS, and never prints or records the password", async () => {
    const secret = "s3cret-bus-doctor";
    for (const node of lab().nodes) {
      // masterauth first, so replicas keep syncing once their masters want a password.
      for (const name of ["masterauth", "requirepass"]) {
        const set = await lab().exec(["redis-cli", "-h", node.address, "-p", String(node.port), "CONFIG", "SET", name, secret], { timeoutMs: 5000 });
        expect(set.stdout.trim()).toBe("OK");
      }
    }
    const noAuth = await busdoctor(["check", SEED]);
    expect(noAuth.code).toBe(3);
    expect(noAuth.stderr).toMatch(/NOAUTH/);

    const wrong = await busdoctor(["check", SEED], { REDISCLI_AUTH: "not-the-password" });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/WRONGPASS/);
    expect(wrong.stderr).not.toContain("not-the-password");

    const file = join(dir, "auth.json");
    const ok = await busdoctor(["check", SEED, "--json", "--record", file], { REDISCLI_AUTH: secret });
    expect(ok.stderr).toBe("");
    expect(JSON.parse(ok.stdout)).toMatchObject({ nodes: expect.any(Array) });
    expect(ok.stdout).not.toContain(secret);
    expect(readFileSync(file, "utf8")).not.toContain(secret);
  });
});
