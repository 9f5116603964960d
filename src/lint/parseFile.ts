// One file, read by the parser of its format into what its scope is built from. A file that cannot be
// read becomes a "not read" entry with the parser's own message; it never stops the others.
import { posix } from "node:path";
import { parseServiceXml, parseZoneXml } from "../firewall/firewalld/xml.js";
import type { FirewalldZone, ServicePort } from "../firewall/firewalld/zone.js";
import { parseIptablesSave } from "../firewall/iptables/save.js";
import { FirewallParseError, type Ruleset } from "../firewall/model.js";
import { parseNftJson } from "../firewall/nft/jsonRuleset.js";
import { parseNftText } from "../firewall/nft/text.js";
import { parseFirewallScript } from "../firewall/script.js";
import { hookUfwUserChains, parseUfwStatus, ufwChains } from "../firewall/ufw.js";
import type { Detection } from "./detect.js";
import { LintInputError } from "./errors.js";
import { emptyAnsibleFirewall, isAnsibleDocument, readAnsibleDocument, type AnsibleFirewall, type AnsibleVars } from "./formats/ansible.js";
import { isComposeDocument, readComposeServices, type ComposeService } from "./formats/compose.js";
import { emptyManifest, isK8sObject, readK8sDocument } from "./formats/k8s/manifest.js";
import type { K8sManifest } from "./formats/k8s/types.js";
import { directivesFromArgs, factsFromDirectives, parseRedisConfText, type Word } from "./formats/redisConf.js";
import { clusterCreateEvidence } from "./formats/redisProcess.js";
import { renderTemplate } from "./formats/templates.js";
import { parseHcl, type HclBody, type HclParser } from "./formats/terraform/hcl.js";
import { yamlDocuments, yamlSource } from "./formats/yamlNodes.js";
import type { EvidenceItem, LintSource, Location, Policy, RedisNodeFacts } from "./model.js";
import { hostPolicies, type HostForm, type IndentOf } from "./policies.js";

/** A firewalld zone waits for the services of the whole tree before it becomes a chain. */
export interface PendingZone {
  zone: FirewalldZone;
  form: "firewalld-xml" | "firewalld-command" | "ansible-firewalld";
  indentOf: IndentOf;
  moduleName?: string;
}

export type ParsedFile =
  | { kind: "k8s"; path: string; manifest: K8sManifest }
  | { kind: "compose"; path: string; services: ComposeService[] }
  | { kind: "terraform"; path: string; body: HclBody; evidence: EvidenceItem[] }
  | {
      kind: "firewall";
      path: string;
      policies: Policy[];
      zones: PendingZone[];
      services: Map<string, ServicePort[]>;
      evidence: EvidenceItem[];
      nodes: RedisNodeFacts[];
      /** A shell script's words, for compose services that mount and run it. */
      words?: Word[];
    }
  | { kind: "redis-conf"; path: string; facts: RedisNodeFacts; text: string }
  | { kind: "ignored"; path: string }
  | { kind: "not-read"; path: string; reason: string; position?: { line: number; column: number } };

export interface ParseContext {
  hcl?: HclParser;
  /** Called every few thousand documents of a long stream: the caller may let memory catch up. */
  checkpoint?: () => void;
  /** The Ansible variables that apply to a file (its role's defaults/ and vars/). */
  varsFor(path: string): AnsibleVars;
}

/** Role and inventory variable files: values for templates, nothing to lint themselves. */
export function isAnsibleVarsFile(path: string): boolean {
  return /(^|\/)(roles\/[^/]+\/(defaults|vars)|group_vars|host_vars)\//.test(path);
}

function indentFunction(text: string): IndentOf {
  let starts: number[] | undefined;
  return (line) => {
    if (starts === undefined) {
      starts = [0];
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    }
    const start = starts[line - 1];
    if (start === undefined) return "";
    let end = start;
    while (text[end] === " " || text[end] === "\t") end++;
    return text.slice(start, end);
  };
}

const SCALAR_VARS = (vars: AnsibleVars): Map<string, string> =>
  new Map([...vars].flatMap(([key, value]) => (typeof value === "string" ? [[key, value] as [string, string]] : [])));

function firewallFile(path: string, partial: Partial<Extract<ParsedFile, { kind: "firewall" }>>): ParsedFile {
  return { kind: "firewall", path, policies: [], zones: [], services: new Map(), evidence: [], nodes: [], ...partial };
}

const CHECKPOINT_DOCUMENTS = 2_000;

function parseYamlFile(source: LintSource, text: string, context: ParseContext): ParsedFile {
  const yaml = yamlSource(text, source.path);
  let decided: "k8s" | "compose" | "ansible" | undefined;
  const manifest = emptyManifest();
  const services: ComposeService[] = [];
  const ansible: AnsibleFirewall = emptyAnsibleFirewall();
  let documents = 0;
  for (const contents of yamlDocuments(yaml)) {
    if (++documents % CHECKPOINT_DOCUMENTS === 0) context.checkpoint?.();
    decided ??= isK8sObject(contents) ? "k8s" : isComposeDocument(contents) ? "compose" : isAnsibleDocument(contents) ? "ansible" : undefined;
    if (decided === "k8s") readK8sDocument(yaml, contents, manifest);
    else if (decided === "compose") for (const service of readComposeServices(yaml, contents)) services.push(service);
    else if (decided === "ansible") readAnsibleDocument(yaml, contents, context.varsFor(source.path), ansible);
  }
  if (decided === "k8s") return { kind: "k8s", path: source.path, manifest };
  if (decided === "compose") return { kind: "compose", path: source.path, services };
  if (decided === "ansible") return ansibleFile(source.path, ansible, indentFunction(text));
  if (/(^|\/)(Chart|values[^/]*)\.ya?ml$/.test(source.path) || /^\s*#.*helm template/m.test(text.slice(0, 512))) {
    return source.explicit
      ? {
          kind: "not-read",
          path: source.path,
          reason: "Helm chart values, not manifests: lint the rendered chart (`helm template NAME CHART | busdoctor lint -`)",
        }
      : { kind: "ignored", path: source.path };
  }
  if (isAnsibleVarsFile(source.path) || /(^|\/)kustomization\.ya?ml$/.test(source.path)) return { kind: "ignored", path: source.path };
  return {
    kind: "not-read",
    path: source.path,
    reason: "YAML that is neither Kubernetes manifests (apiVersion/kind), a compose file (services:) nor Ansible tasks",
  };
}

function ansibleFile(path: string, ansible: AnsibleFirewall, indentOf: IndentOf): ParsedFile {
  const policies: Policy[] = [];
  const placed = (form: HostForm, ruleset: Ruleset | null, module: "ufw" | "iptables"): void => {
    if (ruleset === null) return;
    const info = ansible.modules.get(module);
    for (const policy of hostPolicies(ruleset, form, indentOf, { moduleName: info?.name ?? module, placement: info?.placement })) policies.push(policy);
  };
  placed("ansible-iptables", ansible.iptables.ruleset(), "iptables");
  placed("ansible-iptables", ansible.ip6tables.ruleset(), "iptables");
  if (ansible.ufw) placed("ansible-ufw", { source: "ufw", chains: ufwChains(ansible.ufw, { file: path, line: 1, column: 1 }) }, "ufw");
  const firewalld = ansible.modules.get("firewalld");
  const zones: PendingZone[] = [...(ansible.firewalld?.zones.values() ?? [])].map((zone) => ({
    zone: firewalld?.placement ? { ...zone, end: firewalld.placement.at } : zone,
    form: "ansible-firewalld",
    indentOf: () => firewalld?.placement?.indent ?? "",
    moduleName: firewalld?.name ?? "ansible.posix.firewalld",
  }));
  return firewallFile(path, { policies, zones, services: ansible.firewalld?.services ?? new Map(), evidence: ansible.evidence });
}

/** Commands of a script that start Redis or create a cluster: node facts and evidence. */
function scriptRedis(others: ReturnType<typeof parseFirewallScript>["others"]): { nodes: RedisNodeFacts[]; evidence: EvidenceItem[]; words: Word[] } {
  const nodes: RedisNodeFacts[] = [];
  const words: Word[] = [];
  for (const command of others) {
    const commandWords = command.words.map((text) => ({ text, at: command.at }));
    for (const word of commandWords) words.push(word);
    words.push({ text: ";", at: command.at });
    const name = command.words[0] ?? "";
    if (/(^|\/)(redis|valkey)-server$/.test(name)) {
      const facts = factsFromDirectives(directivesFromArgs(commandWords.slice(1)), `redis-server at ${command.at.file}:${command.at.line}`, command.at);
      if (facts.clusterEnabled === undefined && (command.words[1] === undefined || command.words[1].startsWith("-"))) facts.standalone = command.at;
      nodes.push(facts);
    }
  }
  return { nodes, evidence: clusterCreateEvidence(words), words };
}

function scriptFile(path: string, text: string): ParsedFile {
  const script = parseFirewallScript(text, path);
  const indentOf = indentFunction(text);
  const policies: Policy[] = [];
  for (const ruleset of [script.iptables, script.ip6tables])
    if (ruleset) for (const policy of hostPolicies(ruleset, "iptables-command", indentOf)) policies.push(policy);
  if (script.nft) for (const policy of hostPolicies(script.nft, "nft-command", indentOf)) policies.push(policy);
  if (script.ufw)
    for (const policy of hostPolicies({ source: "ufw", chains: ufwChains(script.ufw, { file: path, line: 1, column: 1 }) }, "ufw-command", indentOf))
      policies.push(policy);
  const zones: PendingZone[] = [...(script.firewalld?.zones.values() ?? [])].map((zone) => ({ zone, form: "firewalld-command", indentOf }));
  const redis = scriptRedis(script.others);
  return firewallFile(path, {
    policies,
    zones,
    services: script.firewalld?.services ?? new Map(),
    evidence: redis.evidence,
    nodes: redis.nodes,
    words: redis.words,
  });
}

function redisConfFile(path: string, text: string): ParsedFile {
  const base = posix.basename(path);
  const facts = factsFromDirectives(parseRedisConfText(text, path), base, { file: path, line: 1, column: 1 });
  if (base.includes("sentinel")) facts.sentinel = { value: true, at: { file: path, line: 1, column: 1 } };
  return { kind: "redis-conf", path, facts, text };
}

/** `cluster-enabled yes` or `redis-cli --cluster create` anywhere in a text (a user_data heredoc, a script). */
export function textEvidence(text: string, file: string): EvidenceItem[] {
  const found: EvidenceItem[] = [];
  const patterns: [RegExp, string][] = [
    [/(redis|valkey)-cli\b[^\n]*--cluster\s+create/, "redis-cli --cluster create"],
    [/(^|[\s"'-])cluster-enabled(\s+|\s*=\s*)["']?yes\b/m, "cluster-enabled yes"],
  ];
  for (const [pattern, what] of patterns) {
    const match = pattern.exec(text);
    if (!match) continue;
    const before = text.slice(0, match.index);
    const line = before.split("\n").length;
    const at: Location = { file, line, column: match.index - before.lastIndexOf("\n") };
    found.push({ stance: "cluster", what, at });
  }
  return found;
}

function parseKnown(source: LintSource, detection: Extract<Detection, { kind: string }>, context: ParseContext): ParsedFile {
  const { path } = source;
  const vars = context.varsFor(path);
  const terraformTemplate = /\.tftpl$|\.tpl$/.test(path);
  const text = detection.template
    ? renderTemplate(source.text, SCALAR_VARS(vars), { dollarBraces: terraformTemplate, blankControl: detection.kind !== "redis-conf" })
    : source.text;
  const indentOf = indentFunction(text);
  switch (detection.kind) {
    case "yaml":
      return parseYamlFile(source, text, context);
    case "terraform":
      if (!context.hcl) throw new LintInputError(path, "the HCL parser was not loaded");
      return { kind: "terraform", path, body: parseHcl(context.hcl, text, path), evidence: textEvidence(text, path) };
    case "iptables-save": {
      const saved = parseIptablesSave(text, path, /(\.v6|6\.rules|6)$/.test(path) ? "ip6" : undefined);
      const chains = hookUfwUserChains(saved.ruleset.chains);
      return firewallFile(path, { policies: hostPolicies({ source: "iptables", chains }, "iptables-save", indentOf) });
    }
    case "nft":
      return firewallFile(path, { policies: hostPolicies(parseNftText(text, path), "nft-file", indentOf) });
    case "nft-json":
      return firewallFile(path, { policies: hostPolicies(parseNftJson(text, path), "nft-json", indentOf) });
    case "ufw-status": {
      const state = parseUfwStatus(text, path);
      return firewallFile(path, {
        policies: hostPolicies({ source: "ufw", chains: ufwChains(state, { file: path, line: 1, column: 1 }) }, "ufw-status", indentOf),
      });
    }
    case "firewalld-zone":
      return firewallFile(path, { zones: [{ zone: parseZoneXml(text, path, posix.basename(path).replace(/\.xml.*$/, "")), form: "firewalld-xml", indentOf }] });
    case "firewalld-service":
      return firewallFile(path, { services: new Map([[posix.basename(path).replace(/\.xml.*$/, ""), parseServiceXml(text, path)]]) });
    case "script":
      return scriptFile(path, text);
    case "redis-conf":
      return redisConfFile(path, text);
  }
}

export function parseFile(source: LintSource, detection: Detection, context: ParseContext): ParsedFile {
  if ("notRead" in detection) return { kind: "not-read", path: source.path, reason: detection.notRead };
  if ("unknown" in detection)
    return source.explicit
      ? { kind: "not-read", path: source.path, reason: "not a format busdoctor lint reads (see `busdoctor lint --help`)" }
      : { kind: "ignored", path: source.path };
  try {
    return parseKnown(source, detection, context);
  } catch (error) {
    if (error instanceof LintInputError && !detection.template && /\{%-?\s*(if|for|set|block|include)\b/.test(source.text)) {
      return {
        kind: "not-read",
        path: source.path,
        reason: `a Jinja template (\`{% ... %}\`), not ${detection.kind} until rendered (${error.reason})`,
        ...(error.position ? { position: error.position } : {}),
      };
    }
    if (error instanceof LintInputError)
      return { kind: "not-read", path: source.path, reason: error.reason, ...(error.position ? { position: error.position } : {}) };
    if (error instanceof FirewallParseError)
      return { kind: "not-read", path: source.path, reason: error.reason, ...(error.position ? { position: error.position } : {}) };
    // A parser past its depth (a file nested thousands deep): this file only, never the run.
    if (error instanceof RangeError) return { kind: "not-read", path: source.path, reason: "nested too deeply to read" };
    throw error;
  }
}
