// busdoctor lint, pure: sources in, findings out. Every file is read by its format's parser (one that
// cannot be read is listed as not read, with the reason); the files of a tree are joined into scopes
// (tree.ts); each scope's rules run; each finding is graded by what says this Redis is a cluster.
import { scopePairs } from "./clusterPorts.js";
import { detectKind, type Detection } from "./detect.js";
import { judgeItems, NO_EVIDENCE, policyEvidence, scopeEvidence, type Judgement } from "./evidence.js";
import { readAnsibleVars, type AnsibleVars } from "./formats/ansible.js";
import type { HclParser } from "./formats/terraform/hcl.js";
import { yamlDocuments, yamlSource } from "./formats/yamlNodes.js";
import type { EvidenceItem, LintFinding, LintSource, NotRead, Policy, ScopeModel } from "./model.js";
import { isAnsibleVarsFile, parseFile, type ParsedFile } from "./parseFile.js";
import { LINT_RULES } from "./rules/index.js";
import { buildScopes, type Scopes } from "./tree.js";
import { LintInputError } from "./errors.js";
import type { Health } from "../model/finding.js";

export interface LintResult {
  findings: LintFinding[];
  /** Files read by a parser, in order. */
  read: string[];
  /** Files (and Helm chart folders) not read, with the reason. */
  notRead: NotRead[];
}

/** How many characters of a file format detection looks at. */
const DETECTION_HEAD = 4096;

function detect(source: LintSource): Detection {
  return detectKind(source.path, source.text.slice(0, DETECTION_HEAD));
}

/** Whether any source needs the (asynchronously loaded) HCL parser. */
export function needsHcl(sources: readonly LintSource[]): boolean {
  return sources.some((source) => {
    const detection = detect(source);
    return "kind" in detection && detection.kind === "terraform";
  });
}

function compareFindings(a: LintFinding, b: LintFinding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message);
}

/** Variables of Ansible roles (`roles/NAME/defaults|vars`) and inventories (`group_vars/all`), by role root. */
function ansibleVariables(sources: readonly LintSource[], notRead: NotRead[]): (path: string) => AnsibleVars {
  const global = new Map<string, string | string[]>();
  const roles = new Map<string, Map<string, string | string[]>>();
  for (const source of sources) {
    if (!isAnsibleVarsFile(source.path) || !/\.ya?ml$/.test(source.path)) continue;
    const role = /^(.*roles\/[^/]+)\/(defaults|vars)\//.exec(source.path)?.[1];
    const into = role === undefined ? global : (roles.get(role) ?? new Map<string, string | string[]>());
    if (role !== undefined) roles.set(role, into);
    try {
      for (const contents of yamlDocuments(yamlSource(source.text, source.path))) readAnsibleVars(contents, into);
    } catch (error) {
      if (!(error instanceof LintInputError)) throw error;
      notRead.push({ file: source.path, reason: error.reason, ...(error.position ?? {}) });
    }
  }
  return (path) => {
    const role = /^(.*roles\/[^/]+)\//.exec(path)?.[1];
    const own = role === undefined ? undefined : roles.get(role);
    return own === undefined ? global : new Map([...global, ...own]);
  };
}

function judge(items: readonly EvidenceItem[], tree: readonly EvidenceItem[]): Judgement {
  const own = judgeItems(items);
  if (own) return own;
  // Nothing in this scope: the tree as a whole decides, when what it holds agrees.
  const stances = new Set(tree.map((item) => item.stance));
  const whole = stances.size === 1 ? judgeItems(tree) : undefined;
  if (whole) return { ...whole, why: `${whole.why} (elsewhere in the tree)` };
  return { stance: "unknown", why: NO_EVIDENCE };
}

function lintScope(scope: ScopeModel, tree: readonly EvidenceItem[], checkpoint?: () => void): LintFinding[] {
  const pairs = scopePairs(scope);
  const scopeItems = scopeEvidence(scope, pairs);
  // A policy that opens a bus port with its client port speaks for the scope; one such policy is enough.
  if (!scopeItems.some((item) => item.stance === "cluster")) {
    for (const policy of scope.policies) {
      const item = policyEvidence(policy).find((candidate) => candidate.stance === "cluster");
      if (item) {
        scopeItems.push(item);
        break;
      }
    }
  }
  const scopeJudgement = judge(scopeItems, tree);
  const judgements = new Map<Policy, Judgement>();
  const context = {
    scope,
    pairs,
    judgeScope: () => scopeJudgement,
    judgePolicy(policy: Policy): Judgement {
      let judgement = judgements.get(policy);
      if (judgement === undefined) {
        judgement = judgeItems(policyEvidence(policy)) ?? scopeJudgement;
        judgements.set(policy, judgement);
      }
      return judgement;
    },
  };
  const findings: LintFinding[] = [];
  for (const rule of LINT_RULES) {
    for (const found of rule.check(context)) findings.push(found);
    checkpoint?.();
  }
  return findings;
}

export interface LintOptions {
  hcl?: HclParser;
  /**
   * Called between stages (every few thousand documents, after each scope's rules): the CLI lets the
   * garbage collector catch up there, so a 50 MB manifest does not grow a heap of mostly garbage.
   */
  checkpoint?: () => void;
}

/** Every file parsed and joined into scopes; what the parsers read is left behind once the scopes hold it. */
function readTree(sources: readonly LintSource[], options: LintOptions, read: string[], notRead: NotRead[]): Scopes {
  const varsFor = ansibleVariables(sources, notRead);
  const parsed: ParsedFile[] = [];
  const texts = new Map<string, string>();
  for (const source of sources) {
    const file = parseFile(source, detect(source), {
      ...(options.hcl ? { hcl: options.hcl } : {}),
      ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
      varsFor,
    });
    options.checkpoint?.();
    if (file.kind === "not-read") notRead.push({ file: file.path, reason: file.reason, ...(file.position ?? {}) });
    else if (file.kind !== "ignored") {
      read.push(source.path);
      parsed.push(file);
    }
    texts.set(source.path, source.text);
  }
  return buildScopes(parsed, texts);
}

/** Reads every source, joins them into scopes, runs every rule; never throws for a file it cannot read. */
export function lint(sources: readonly LintSource[], options: LintOptions = {}): LintResult {
  const notRead: NotRead[] = [];
  const read: string[] = [];
  const { scopes, treeEvidence } = readTree(sources, options, read, notRead);
  options.checkpoint?.();
  const unique = new Map<string, LintFinding>();
  // Each scope is let go once its rules have run: a tree of thousands of folders is not held at once.
  for (let index = 0; index < scopes.length; index++) {
    for (const found of lintScope(scopes[index] as ScopeModel, treeEvidence, options.checkpoint))
      unique.set(`${found.ruleId}|${found.file}|${found.line}|${found.column}|${found.message}`, found);
    scopes[index] = EMPTY_SCOPE;
  }
  return { findings: [...unique.values()].sort(compareFindings), read, notRead };
}

const EMPTY_SCOPE: ScopeModel = { dir: "", policies: [], nodes: [], containers: [], services: [], pods: [], evidence: [] };

/** An error is critical, a warning a warning; no finding is healthy (only src/cli turns it into an exit code). */
export function lintHealth(findings: readonly LintFinding[]): Health {
  if (findings.some((found) => found.severity === "error")) return "critical";
  if (findings.some((found) => found.severity === "warning")) return "warning";
  return "healthy";
}
