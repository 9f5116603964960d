// busdoctor lint, pure: sources in, findings out. Files of one directory form one scope (a Terraform
// module, a chart render, a compose project), since their objects refer to each other.
import { posix } from "node:path";
import { assembleCompose } from "./assemble/compose.js";
import { assembleK8s } from "./assemble/k8s.js";
import { scopeMode, scopePairs } from "./clusterPorts.js";
import { detectKind } from "./detect.js";
import { LintInputError } from "./errors.js";
import { awsPolicies } from "./formats/terraform/aws.js";
import { azurePolicies } from "./formats/terraform/azure.js";
import { gcpPolicies } from "./formats/terraform/gcp.js";
import type { HclParser } from "./formats/terraform/hcl.js";
import { readModule } from "./formats/terraform/module.js";
import type { LintFinding, RedisNodeFacts, ScopeModel } from "./model.js";
import { parseFile, type LintSource, type ParsedFile } from "./parseFile.js";
import { LINT_RULES } from "./rules/index.js";

export type { LintSource } from "./parseFile.js";

export interface LintResult {
  findings: LintFinding[];
  /** Files read by a parser, in order (skipped ones not listed). */
  read: string[];
}

/** How many characters of a file format detection looks at. */
const DETECTION_HEAD = 4096;

/** Whether any source needs the (asynchronously loaded) HCL parser. */
export function needsHcl(sources: LintSource[]): boolean {
  return sources.some((source) => detectKind(source.path, source.text.slice(0, DETECTION_HEAD)) === "terraform");
}

function buildScope(dir: string, files: ParsedFile[]): ScopeModel {
  const scope: ScopeModel = { dir, policies: [], nodes: [], containers: [], services: [], pods: [] };
  const confs = new Map<string, RedisNodeFacts>();
  for (const file of files) if (file.kind === "redis-conf") confs.set(posix.normalize(file.path), file.facts);
  scope.nodes.push(...confs.values());
  const k8s = assembleK8s(files.flatMap((file) => (file.kind === "k8s" ? [file.manifest] : [])));
  scope.policies.push(...k8s.policies);
  scope.nodes.push(...k8s.nodes);
  scope.containers.push(...k8s.containers);
  scope.services.push(...k8s.services);
  scope.pods.push(...k8s.pods);
  for (const file of files) {
    if (file.kind === "compose") {
      const compose = assembleCompose(file.path, file.services, confs);
      scope.containers.push(...compose.containers);
      scope.nodes.push(...compose.nodes);
    } else if (file.kind === "policies") {
      scope.policies.push(...file.policies);
    }
  }
  const terraform = files.flatMap((file) => (file.kind === "terraform" ? [file.body] : []));
  if (terraform.length > 0) {
    const module = readModule(terraform);
    scope.policies.push(...awsPolicies(module), ...gcpPolicies(module), ...azurePolicies(module));
  }
  return scope;
}

function compareFindings(a: LintFinding, b: LintFinding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message);
}

function lintScope(scope: ScopeModel): LintFinding[] {
  const context = { scope, pairs: scopePairs(scope), mode: scopeMode(scope.nodes) };
  return LINT_RULES.flatMap((rule) => rule.check(context));
}

/** Reads every source, groups them by directory, runs every rule; throws LintInputError on unreadable input. */
export function lint(sources: LintSource[], hcl?: HclParser): LintResult {
  const byDir = new Map<string, ParsedFile[]>();
  const read: string[] = [];
  for (const source of sources) {
    const kind = detectKind(source.path, source.text.slice(0, DETECTION_HEAD));
    if (!kind) {
      if (source.explicit) throw new LintInputError(source.path, "not a format busdoctor lint reads (Kubernetes/compose YAML, .tf, iptables-save, nft ruleset text or JSON, firewalld zone XML, redis.conf)");
      continue;
    }
    const parsed = parseFile(source, kind, hcl);
    if (parsed.kind === "ignored") continue;
    read.push(source.path);
    const dir = posix.dirname(source.path);
    const list = byDir.get(dir) ?? [];
    list.push(parsed);
    byDir.set(dir, list);
  }
  const unique = new Map<string, LintFinding>();
  for (const [dir, files] of byDir) {
    for (const found of lintScope(buildScope(dir, files))) {
      unique.set(`${found.ruleId}|${found.file}|${found.line}|${found.column}|${found.message}`, found);
    }
  }
  return { findings: [...unique.values()].sort(compareFindings), read };
}
