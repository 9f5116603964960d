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
    { name: "notes only exit 0", args: [`${FIXTURES}/nft/client-only`], code: 0 },
    { name: "warnings only exit 1", args: [`${FIXTURES}/k8s/narrower-selector`], code: 1 },
    { name: "errors exit 2", args: [`${FIXTURES}/nft/one-way/ruleset.nft`], code: 2 },
    { name: "a file named on the command line that cannot be read exits 3", args: [`${FIXTURES}/unreadable/missing-brace.tf`], code: 3 },
    { name: "a named unreadable file exits 3 even next to errors", args: [`${FIXTURES}/unreadable/missing-brace.tf`, `${FIXTURES}/nft/one-way`], code: 3 },
    { name: "an unreadable file found in a folder does not change the exit code", args: [`${FIXTURES}/tree/mixed-repo`], code: 2 },
    { name: "a missing path exits 3", args: [`${FIXTURES}/nope`], code: 3 },
    { name: "an unknown --format exits 3", args: ["--format", "xml", `${FIXTURES}/k8s/bitnami-rendered`], code: 3 },
    { name: "a bad --max-file-size exits 3", args: ["--max-file-size", "lots", `${FIXTURES}/k8s/bitnami-rendered`], code: 3 },
  ];
  for (const entry of cases) {
    it(entry.name, () => {
      expect(run(...entry.args).code).toBe(entry.code);
    });
  }

  it("--json prints {findings, filesRead, notRead} with the documented fields only", () => {
    const { stdout } = run("--json", `${FIXTURES}/nft/one-way`);
    const parsed = JSON.parse(stdout) as { findings: Record<string, unknown>[]; filesRead: number; notRead: unknown[] };
    expect(Object.keys(parsed)).toEqual(["findings", "filesRead", "notRead"]);
    expect(parsed.filesRead).toBe(1);
    expect(parsed.findings).toEqual([
      {
        ruleId: "bus-port-one-way",
        severity: "error",
        file: `${FIXTURES}/nft/one-way/ruleset.nft`,
        line: 6,
        column: 3,
        message: expect.stringContaining("allows the cluster bus port 16379 inbound") as unknown,
        // The inbound rule lets anyone in: the outbound fix names the nodes, for the user to fill in.
        fix: "ip daddr NODES_CIDR tcp dport 16379 accept",
        evidence: `cluster mode: nft table inet filter opens bus port 16379 with client port 6379 at ${FIXTURES}/nft/one-way/ruleset.nft:6`,
        edits: [
          {
            file: `${FIXTURES}/nft/one-way/ruleset.nft`,
            start: { line: 11, column: 1 },
            end: { line: 11, column: 1 },
            text: "\t\tip daddr NODES_CIDR tcp dport 16379 accept\n",
          },
        ],
      },
    ]);
  });

  it("text output names file:line:column, severity, rule, why, and the fix", () => {
    const { stdout } = run("--no-color", `${FIXTURES}/nft/client-only`);
    expect(stdout).toContain(`${FIXTURES}/nft/client-only/ruleset.nft:9:3: note [bus-port-not-allowed] If this Redis runs in cluster mode:`);
    expect(stdout).toContain("  why: no sign of cluster mode in the files read");
    expect(stdout).toContain("    ip saddr 10.50.0.0/16 tcp dport 16379 accept");
    expect(stdout).toContain("1 finding (0 errors, 0 warnings, 1 note) in 1 file read.");
  });

  it("a named unreadable file is listed with its position and the parser's message; the rest is still reported", () => {
    const { stdout, stderr } = run("--no-color", `${FIXTURES}/unreadable/extra-brace.nft`, `${FIXTURES}/nft/one-way`);
    expect(stderr).toBe("");
    expect(stdout).toContain(`[bus-port-one-way]`);
    expect(stdout).toContain(`Not read (1):\n  ${FIXTURES}/unreadable/extra-brace.nft:7:1: unexpected "}" at top level`);
  });

  it("a missing path alone is one line on stderr", () => {
    const { stderr, stdout } = run(`${FIXTURES}/nope`);
    expect(stdout).toBe("");
    expect(stderr).toBe(`busdoctor: cannot lint ${FIXTURES}/nope: cannot read: no such file or directory\n`);
  });

  it("--max-file-size lists a larger file as not read: too large", () => {
    const { stdout, code } = run("--json", "--max-file-size", "0.001", `${FIXTURES}/k8s/bitnami-rendered`);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { notRead: { reason: string }[] }).notRead[0]?.reason).toMatch(
      /^too large \(0\.\d MB; the limit is 0\.0 MB, see --max-file-size\)$/,
    );
  });

  it("--format sarif prints a SARIF 2.1.0 log", () => {
    const { stdout, code } = run("--format", "sarif", `${FIXTURES}/terraform/separate-rules-egress`);
    const log = JSON.parse(stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(code).toBe(2);
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]?.results.map((result) => result.ruleId)).toEqual(["bus-port-not-allowed"]);
  });

  it("--help shows examples and exit codes", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "lint", "--help"], { encoding: "utf8" });
    expect(result.stdout).toContain("busdoctor lint .");
    expect(result.stdout).toContain("Exit codes: 0 clean (notes only), 1 warnings only, 2 errors, 3 a path named on the command line could not");
    expect(result.stdout).toContain("helm template rc bitnami/redis-cluster | busdoctor lint -");
  });
});
