// The lint command end to end through the real CLI entry: output formats and exit codes.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "lint", ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const FIXTURES = "test/fixtures/lint";

describe("busdoctor lint (CLI)", () => {
  const cases: { name: string; args: string[]; code: number }[] = [
    { name: "clean input exits 0", args: [`${FIXTURES}/k8s/bitnami-rendered`], code: 0 },
    { name: "warnings only exit 1", args: [`${FIXTURES}/compose/client-ports-only-no-announce`], code: 1 },
    { name: "errors exit 2", args: [`${FIXTURES}/terraform/sg-client-only/main.tf`], code: 2 },
    { name: "unreadable input exits 3", args: [`${FIXTURES}/unreadable/missing-brace.tf`], code: 3 },
    { name: "a missing path exits 3", args: [`${FIXTURES}/nope`], code: 3 },
    { name: "an unknown --format exits 3", args: ["--format", "xml", `${FIXTURES}/k8s/bitnami-rendered`], code: 3 },
  ];
  for (const entry of cases) {
    it(entry.name, () => {
      expect(run(...entry.args).code).toBe(entry.code);
    });
  }

  it("--json prints {findings: [...]} with the documented fields only", () => {
    const { stdout } = run("--json", `${FIXTURES}/nft/client-only`);
    const parsed = JSON.parse(stdout) as { findings: Record<string, unknown>[] };
    expect(parsed.findings).toEqual([
      {
        ruleId: "bus-port-not-allowed",
        severity: "error",
        file: `${FIXTURES}/nft/client-only/ruleset.nft`,
        line: 9,
        column: 3,
        message: expect.stringContaining("allows inbound TCP 6379 (client port) but not 16379 (cluster bus port)") as unknown,
        fix: "ip saddr 10.50.0.0/16 tcp dport 16379 accept",
      },
    ]);
  });

  it("text output names file:line:column, severity, rule and the fix", () => {
    const { stdout } = run("--no-color", `${FIXTURES}/nft/client-only`);
    expect(stdout).toContain(`${FIXTURES}/nft/client-only/ruleset.nft:9:3: error [bus-port-not-allowed]`);
    expect(stdout).toContain("    ip saddr 10.50.0.0/16 tcp dport 16379 accept");
    expect(stdout).toContain("1 finding (1 error, 0 warnings, 0 notes) in 1 file read.");
  });

  it("unreadable input is one line naming the file, position and parser message", () => {
    const { stderr, stdout } = run(`${FIXTURES}/unreadable/extra-brace.nft`);
    expect(stdout).toBe("");
    expect(stderr).toBe(`busdoctor: cannot lint ${FIXTURES}/unreadable/extra-brace.nft:7:1: unexpected "}" at top level\n`);
  });

  it("--format sarif prints a SARIF 2.1.0 log", () => {
    const { stdout, code } = run("--format", "sarif", `${FIXTURES}/terraform/sg-client-only`);
    const log = JSON.parse(stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(code).toBe(2);
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]?.results.map((result) => result.ruleId)).toEqual(["bus-port-not-allowed"]);
  });

  it("--help shows examples and exit codes", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "lint", "--help"], { encoding: "utf8" });
    expect(result.stdout).toContain("busdoctor lint k8s/");
    expect(result.stdout).toContain("Exit codes: 0 clean, 1 warnings only, 2 errors, 3 unreadable input");
  });
});
