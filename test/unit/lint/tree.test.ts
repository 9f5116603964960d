// A repository as a user points lint at it: a raw Helm chart (with and without Chart.yaml), an Ansible
// role and a Jinja playbook, a binary file, and one real issue. The issue is reported with its exit
// code; what cannot be read is listed with the reason; nothing hides the rest. Standard input too.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const TREE = "test/fixtures/lint/tree/mixed-repo";

function lintCli(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "lint", ...args], {
    encoding: "utf8",
    ...(input === undefined ? {} : { input }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Report {
  findings: { ruleId: string; severity: string; file: string; line: number; evidence: string }[];
  filesRead: number;
  notRead: { file: string; reason: string; line?: number }[];
}

describe("lint on a whole repository", () => {
  const { code, stdout, stderr } = lintCli(["--json", TREE]);
  const report = JSON.parse(stdout) as Report;

  it("reports the one real issue, with the evidence that it is a cluster, and exits 2", () => {
    expect(stderr).toBe("");
    expect(code).toBe(2);
    expect(report.findings.map(({ ruleId, severity, file, line }) => ({ ruleId, severity, file, line }))).toEqual([
      { ruleId: "bus-port-not-allowed", severity: "error", file: `${TREE}/k8s/networkpolicy.yaml`, line: 22 },
    ]);
    expect(report.findings[0]?.evidence).toBe(`cluster mode: Helm chart redis-cluster-11.0.6 at ${TREE}/k8s/networkpolicy.yaml:2`);
  });

  it("lists the Helm charts (Chart.yaml or not), the Jinja playbook and the binary as not read, with reasons", () => {
    expect(report.notRead.map(({ file, reason }) => [file, reason.split(" (")[0]])).toEqual([
      [`${TREE}/charts/cache`, "a Helm chart"],
      [`${TREE}/charts/redis-cluster`, "a Helm chart"],
      [`${TREE}/bin/dump`, "a binary file"],
      [`${TREE}/ansible/site.yml`, "a Jinja template"],
    ]);
    expect(report.notRead.find((entry) => entry.file.endsWith("site.yml"))?.line).toBe(5);
  });

  it("reads the Ansible role: its firewalld task and its redis.conf template (which says it is no cluster)", () => {
    expect(report.filesRead).toBe(3);
  });

  it("the text report lists what it did not read after the findings", () => {
    const text = lintCli(["--no-color", TREE]).stdout;
    expect(text).toContain(`Not read (4):\n  ${TREE}/charts/cache: a Helm chart`);
    expect(text).toContain("1 finding (1 error, 0 warnings, 0 notes) in 3 files read; 4 not read (listed above).");
  });
});

describe("lint - (standard input)", () => {
  it("reads rendered manifests from a pipe (helm template ... | busdoctor lint -)", () => {
    const rendered = readFileSync("test/fixtures/lint/k8s/bitnami-netpol-no-bus/redis-cluster.yaml", "utf8");
    const { code, stdout } = lintCli(["--json", "-"], rendered);
    const report = JSON.parse(stdout) as Report;
    expect(code).toBe(2);
    expect(report.findings.map((finding) => [finding.file, finding.line])).toEqual([
      ["<stdin>", 29],
      ["<stdin>", 37],
    ]);
  });

  it("reads an iptables-save dump from a pipe", () => {
    const { code, stdout } = lintCli(["--json", "-"], readFileSync("test/fixtures/lint/iptables/client-only/iptables.rules", "utf8"));
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Report).findings.map((finding) => finding.severity)).toEqual(["note"]);
  });
});
