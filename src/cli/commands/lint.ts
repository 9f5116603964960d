// busdoctor lint: read provisioning files, report where the cluster bus port is missing or exposed.
import v8 from "node:v8";
import vm from "node:vm";
import type { Command } from "commander";
import pc from "picocolors";
import { loadHclParser } from "../../lint/formats/terraform/hcl.js";
import { lint, lintHealth, needsHcl } from "../../lint/lint.js";
import { DEFAULT_MAX_FILE_BYTES, loadSources } from "../../lint/load.js";
import type { NotRead } from "../../lint/model.js";
import { renderSarif } from "../../lint/render/sarif.js";
import { renderJson, renderText, type TextStyle } from "../../lint/render/text.js";
import { LINT_RULES } from "../../lint/rules/index.js";
import { VERSION } from "../../version.js";
import { InputError, UsageError } from "../../errors.js";
import { exitCodeFor } from "../exitCodes.js";
import { parseChoice } from "../options/values.js";
import type { SetExit } from "./index.js";

const FORMATS = ["text", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

interface LintFlags {
  json?: boolean;
  format: string;
  color?: boolean;
  maxFileSize: string;
}

const EXAMPLES = `
Reads: Kubernetes manifests (multi-document, helm template output, kubectl List), docker-compose files,
Terraform .tf (AWS security groups, GCP firewalls, Azure NSGs; module calls and templatefile followed),
iptables-save / ip6tables-save and ufw user.rules, nft rulesets (text, -j JSON), firewalld zone and
service XML, \`ufw status verbose\`, firewall shell scripts (iptables, ip6tables, nft, firewall-cmd, ufw),
Ansible tasks (ansible.posix.firewalld, community.general.ufw, ansible.builtin.iptables), redis.conf,
and config templates (.j2, .tmpl, .tpl, .tftpl: placeholders are unknown values). Folders are walked;
references across folders are followed (compose bind mounts, ConfigMaps, Terraform modules).

Examples:
  busdoctor lint .                                 the whole repository
  helm template rc bitnami/redis-cluster | busdoctor lint -
  busdoctor lint infra/redis --json                findings as {"findings": [...], "notRead": [...]}
  busdoctor lint . --format sarif > busdoctor.sarif  for GitHub code scanning
  iptables-save | busdoctor lint -

Severity depends on the evidence that this Redis runs in cluster mode (cluster-enabled yes, a cluster
chart or operator, redis-cli --cluster create, bus ports opened): without any, findings are notes;
with evidence against (Sentinel, standalone redis-server, a managed service), nothing is reported.

Exit codes: 0 clean (notes only), 1 warnings only, 2 errors, 3 a path named on the command line could not
be read (the report still lists everything else). Files found in folders that cannot be read (Helm charts,
binaries, syntax errors, too large) are listed as not read and do not change the exit code.
`;

const COLORS: TextStyle = {
  severity: (severity, text) => (severity === "error" ? pc.red(text) : severity === "warning" ? pc.yellow(text) : pc.cyan(text)),
  dim: (text) => pc.dim(text),
};

/** Heap growth (bytes) past which a checkpoint collects garbage. */
const COLLECT_AFTER_BYTES = 64 * 1024 * 1024;

/**
 * Lets the garbage collector catch up at lint's checkpoints. V8 lets a heap grow to a few times its
 * live size before collecting, and reading a 50 MB manifest makes mostly short-lived garbage: without
 * this, peak memory is that multiple of what lint needs. Collects only when the heap grew by
 * COLLECT_AFTER_BYTES since the last time, so small runs never pay for it.
 */
function garbageCheckpoint(): () => void {
  v8.setFlagsFromString("--expose-gc");
  const collect = vm.runInNewContext("gc") as () => void;
  let baseline = process.memoryUsage().heapUsed;
  return () => {
    if (process.memoryUsage().heapUsed - baseline < COLLECT_AFTER_BYTES) return;
    collect();
    baseline = process.memoryUsage().heapUsed;
  };
}

function maxFileBytes(text: string): number {
  const megabytes = Number(text);
  if (!Number.isFinite(megabytes) || megabytes <= 0 || megabytes > 4096)
    throw new UsageError(`--max-file-size ${text}: expected a size in MB between 1 and 4096`);
  return Math.round(megabytes * 1024 * 1024);
}

export function registerLintCommand(program: Command, setExit: SetExit): void {
  program
    .command("lint")
    .summary("find provisioning files that open the client port but not the cluster bus port")
    .description(
      "Read security groups, NetworkPolicies, Services, container port mappings, host firewalls (dumps, scripts, Ansible tasks) and redis.conf, learn the client and bus ports, and report every place the bus port is missing, one-way, narrower than the client port, unpublished or open to the internet, each with a fix in the file's own syntax and the evidence that this Redis runs in cluster mode.",
    )
    .argument("<paths...>", "files or folders to lint; - reads standard input")
    .option("--json", 'print {"findings": [...], "filesRead": N, "notRead": [...]} (same as --format json)')
    .option("--format <format>", `output format: ${FORMATS.join(", ")}`, "text")
    .option("--max-file-size <MB>", "files larger than this are listed as not read", String(DEFAULT_MAX_FILE_BYTES / (1024 * 1024)))
    .option("--color", "colour even when stdout is not a terminal")
    .option("--no-color", "no colour even on a terminal (also: NO_COLOR)")
    .addHelpText("after", EXAMPLES)
    .action(async (paths: string[], flags: LintFlags) => {
      const format: Format = flags.json ? "json" : parseChoice("--format", flags.format, FORMATS);
      const loaded = await loadSources(paths, { maxFileBytes: maxFileBytes(flags.maxFileSize) });
      if (loaded.missing.length === paths.length && loaded.sources.length === 0 && loaded.notRead.length === 0) {
        const first = loaded.missing[0] as NotRead;
        throw new InputError(`cannot lint ${first.file}: ${first.reason}`);
      }
      const checkpoint = garbageCheckpoint();
      const result = lint(loaded.sources, { ...(needsHcl(loaded.sources) ? { hcl: await loadHclParser() } : {}), checkpoint });
      const notRead = [...loaded.missing, ...loaded.notRead, ...result.notRead];
      const named = new Set(loaded.sources.filter((source) => source.explicit).map((source) => source.path));
      const namedNotRead = loaded.missing.length > 0 || result.notRead.some((entry) => named.has(entry.file));
      const color = flags.color ?? (process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined);
      if (format === "json") process.stdout.write(renderJson(result.findings, result.read.length, notRead));
      else if (format === "sarif") process.stdout.write(renderSarif(result.findings, notRead, LINT_RULES, VERSION));
      else process.stdout.write(renderText(result.findings, result.read.length, notRead, color ? COLORS : undefined));
      setExit(exitCodeFor(namedNotRead ? "unknown" : lintHealth(result.findings)));
    });
}
