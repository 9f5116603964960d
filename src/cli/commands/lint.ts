// busdoctor lint: read provisioning files, report where the cluster bus port is missing or exposed.
import type { Command } from "commander";
import pc from "picocolors";
import { LintInputError } from "../../lint/errors.js";
import { loadHclParser } from "../../lint/formats/terraform/hcl.js";
import { lint, needsHcl } from "../../lint/lint.js";
import { loadSources } from "../../lint/load.js";
import type { LintFinding } from "../../lint/model.js";
import { renderSarif } from "../../lint/render/sarif.js";
import { renderJson, renderText, type TextStyle } from "../../lint/render/text.js";
import { LINT_RULES } from "../../lint/rules/index.js";
import { VERSION } from "../../version.js";
import { InputError } from "../../errors.js";
import { EXIT } from "../exitCodes.js";
import { parseChoice } from "../options/values.js";
import type { SetExit } from "./index.js";

const FORMATS = ["text", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

interface LintFlags {
  json?: boolean;
  format: string;
  color?: boolean;
}

const EXAMPLES = `
Reads: Kubernetes manifests (multi-document, helm template output, kubectl List), docker-compose files,
Terraform .tf (AWS security groups and rules, GCP firewalls, Azure NSG rules), iptables-save output,
nft list ruleset (text or -j JSON), firewalld zone XML, redis.conf. Folders are walked; files of one
folder are read together (a Terraform module, a chart render, a compose project).

Examples:
  busdoctor lint k8s/                              every manifest under k8s/
  helm template rc bitnami/redis-cluster > rc.yaml && busdoctor lint rc.yaml
  busdoctor lint infra/redis/*.tf --json           findings as {"findings": [...]}
  busdoctor lint . --format sarif > busdoctor.sarif  for GitHub code scanning
  iptables-save > fw.rules && busdoctor lint fw.rules redis.conf

Exit codes: 0 clean, 1 warnings only, 2 errors, 3 unreadable input (the file and the parser's message).
`;

export function exitCodeFor(findings: LintFinding[]): number {
  if (findings.some((found) => found.severity === "error")) return EXIT.critical;
  if (findings.some((found) => found.severity === "warning")) return EXIT.warnings;
  return EXIT.healthy;
}

const COLORS: TextStyle = {
  severity: (severity, text) => (severity === "error" ? pc.red(text) : severity === "warning" ? pc.yellow(text) : pc.cyan(text)),
  dim: (text) => pc.dim(text),
};

export function registerLintCommand(program: Command, setExit: SetExit): void {
  program
    .command("lint")
    .summary("find provisioning files that open the client port but not the cluster bus port")
    .description(
      "Read security groups, NetworkPolicies, Services, container port mappings, host firewall dumps and redis.conf, learn the client and bus ports, and report every place the bus port is missing, one-way, narrower than the client port, unpublished or open to the internet, each with a fix in the file's own syntax.",
    )
    .argument("<paths...>", "files or folders to lint")
    .option("--json", 'print {"findings": [...]} (same as --format json)')
    .option("--format <format>", `output format: ${FORMATS.join(", ")}`, "text")
    .option("--color", "colour even when stdout is not a terminal")
    .option("--no-color", "no colour even on a terminal (also: NO_COLOR)")
    .addHelpText("after", EXAMPLES)
    .action(async (paths: string[], flags: LintFlags) => {
      const format: Format = flags.json ? "json" : parseChoice("--format", flags.format, FORMATS);
      try {
        const sources = await loadSources(paths);
        const result = lint(sources, needsHcl(sources) ? await loadHclParser() : undefined);
        const color = flags.color ?? (process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined);
        if (format === "json") process.stdout.write(renderJson(result.findings));
        else if (format === "sarif") process.stdout.write(renderSarif(result.findings, LINT_RULES, VERSION));
        else process.stdout.write(renderText(result.findings, result.read.length, color ? COLORS : undefined));
        setExit(exitCodeFor(result.findings));
      } catch (error) {
        if (error instanceof LintInputError) throw new InputError(`cannot lint ${error.message}`);
        throw error;
      }
    });
}
