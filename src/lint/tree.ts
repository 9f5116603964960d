// The files of a whole tree, joined into scopes. A scope is a folder (a compose project, a chart
// render, a Terraform module) or an Ansible role (its tasks/, templates/, defaults/ together); what one
// file names in another folder is followed: a compose bind mount of ../redis/redis.conf, a ConfigMap a
// StatefulSet mounts from the next folder, a module call and the templates it renders, a firewalld
// service defined elsewhere.
import { posix } from "node:path";
import { BUILTIN_SERVICES, zoneChain, type ServicePort } from "../firewall/firewalld/zone.js";
import { assembleCompose, type TreeFiles } from "./assemble/compose.js";
import { assembleK8s } from "./assemble/k8s.js";
import { terraformInstances, type ModuleInstance } from "./assemble/terraform.js";
import type { K8sConfigMapConf, K8sManifest } from "./formats/k8s/types.js";
import { factsFromDirectives, parseRedisConfText, type Word } from "./formats/redisConf.js";
import { renderTemplate } from "./formats/templates.js";
import type { HclBody } from "./formats/terraform/hcl.js";
import { nodeEvidence } from "./evidence.js";
import type { EvidenceItem, RedisNodeFacts, ScopeModel } from "./model.js";
import { textEvidence, type ParsedFile } from "./parseFile.js";
import { hostPolicies } from "./policies.js";

/** An Ansible role's root (`.../roles/redis`) for its files, else the file's folder. */
export function scopeKey(path: string): string {
  const role = /^(.*?\/?roles\/[^/]+)\/(tasks|templates|files|defaults|vars|handlers|meta)\//.exec(path);
  return role ? (role[1] as string) : posix.dirname(path);
}

interface ScopeParts {
  dir: string;
  files: ParsedFile[];
}

function emptyScope(dir: string): ScopeModel {
  return { dir, policies: [], nodes: [], containers: [], services: [], pods: [], evidence: [] };
}

/** Indexes of what files refer to across folders. */
class TreeIndex implements TreeFiles {
  private readonly confs = new Map<string, RedisNodeFacts>();
  private readonly scripts = new Map<string, Word[]>();
  private readonly configMaps = new Map<string, K8sConfigMapConf>();
  readonly services = new Map<string, ServicePort[]>(BUILTIN_SERVICES);

  constructor(files: readonly ParsedFile[]) {
    for (const file of files) {
      if (file.kind === "redis-conf") this.confs.set(posix.normalize(file.path), file.facts);
      else if (file.kind === "firewall") {
        if (file.words) this.scripts.set(posix.normalize(file.path), file.words);
        for (const [name, ports] of file.services) this.services.set(name, ports);
      } else if (file.kind === "k8s") {
        for (const config of file.manifest.configs) {
          this.configMaps.set(`${config.namespace}/${config.configMap}`, config);
          if (!this.configMaps.has(`*/${config.configMap}`)) this.configMaps.set(`*/${config.configMap}`, config);
        }
      }
    }
  }

  conf(path: string): RedisNodeFacts | undefined {
    return this.confs.get(posix.normalize(path));
  }

  script(path: string): Word[] | undefined {
    return this.scripts.get(posix.normalize(path));
  }

  configMap(namespace: string, name: string): K8sConfigMapConf | undefined {
    return this.configMaps.get(`${namespace}/${name}`) ?? this.configMaps.get(`*/${name}`);
  }
}

/** What the files of one scope say, Terraform aside. */
function baseScope(parts: ScopeParts, tree: TreeIndex): ScopeModel {
  const scope = emptyScope(parts.dir);
  const manifests: K8sManifest[] = [];
  for (const file of parts.files) {
    switch (file.kind) {
      case "redis-conf":
        scope.nodes.push(file.facts);
        break;
      case "k8s":
        manifests.push(file.manifest);
        break;
      case "compose": {
        const compose = assembleCompose(file.path, file.services, tree);
        for (const container of compose.containers) scope.containers.push(container);
        for (const node of compose.nodes) scope.nodes.push(node);
        for (const item of compose.evidence) scope.evidence.push(item);
        break;
      }
      case "firewall":
        for (const policy of file.policies) scope.policies.push(policy);
        for (const pending of file.zones) {
          const services = new Map([...tree.services, ...file.services]);
          const ruleset = { source: "firewalld" as const, chains: [zoneChain(pending.zone, services)] };
          for (const policy of hostPolicies(ruleset, pending.form, pending.indentOf, pending.moduleName ? { moduleName: pending.moduleName } : {}))
            scope.policies.push(policy);
        }
        for (const item of file.evidence) scope.evidence.push(item);
        for (const node of file.nodes) scope.nodes.push(node);
        break;
      case "terraform":
        for (const item of file.evidence) scope.evidence.push(item);
        break;
      default:
        break;
    }
  }
  if (manifests.length > 0) {
    const k8s = assembleK8s(manifests, (namespace, name) => tree.configMap(namespace, name));
    for (const key of ["policies", "nodes", "containers", "services", "pods", "evidence"] as const) {
      const target = scope[key] as unknown[];
      for (const item of k8s[key] as unknown[]) target.push(item);
    }
  }
  return scope;
}

/** A Terraform module instance's policies, and what the templates it renders say (with the values it passes). */
function withInstance(base: ScopeModel, instance: ModuleInstance, texts: ReadonlyMap<string, string>): ScopeModel {
  const scope: ScopeModel = { ...base, policies: [...base.policies, ...instance.policies], nodes: [...base.nodes], evidence: [...base.evidence] };
  for (const template of instance.templates) {
    const text = texts.get(template.path);
    if (text === undefined) continue;
    const rendered = renderTemplate(text, template.vars, { dollarBraces: true, blankControl: false });
    for (const item of textEvidence(rendered, template.path)) scope.evidence.push(item);
    if (/redis|valkey|\.conf/.test(posix.basename(template.path))) {
      try {
        scope.nodes.push(
          factsFromDirectives(
            parseRedisConfText(rendered, template.path),
            `${posix.basename(template.path)} rendered by ${instance.call ? `module ${instance.call.name}` : "templatefile"}`,
            template.at,
          ),
        );
      } catch {
        // A template that is no redis.conf once rendered: its evidence was still read above.
      }
    }
  }
  return scope;
}

export interface Scopes {
  scopes: ScopeModel[];
  /** Node-level evidence from every scope, for scopes that have none of their own. */
  treeEvidence: EvidenceItem[];
}

/**
 * `texts`: the raw text of every source (templates are rendered again with a caller's values).
 * Terraform folders become one scope per module instance.
 */
export function buildScopes(files: readonly ParsedFile[], texts: ReadonlyMap<string, string>): Scopes {
  const tree = new TreeIndex(files);
  const byScope = new Map<string, ScopeParts>();
  const terraform = new Map<string, HclBody[]>();
  for (const file of files) {
    const key = scopeKey(file.path);
    const parts = byScope.get(key) ?? { dir: key, files: [] };
    parts.files.push(file);
    byScope.set(key, parts);
    if (file.kind === "terraform") {
      const list = terraform.get(posix.dirname(file.path)) ?? [];
      list.push(file.body);
      terraform.set(posix.dirname(file.path), list);
    }
  }
  const instances = new Map<string, ModuleInstance[]>();
  for (const instance of terraformInstances(terraform)) {
    const list = instances.get(instance.dir) ?? [];
    list.push(instance);
    instances.set(instance.dir, list);
  }
  const scopes: ScopeModel[] = [];
  for (const parts of byScope.values()) {
    const base = baseScope(parts, tree);
    const own = instances.get(parts.dir);
    if (own === undefined) scopes.push(base);
    else for (const instance of own) scopes.push(withInstance(base, instance, texts));
  }
  // What the whole tree says: its first word for cluster mode and its first against (that is all the judging reads).
  let forCluster: EvidenceItem | undefined;
  let against: EvidenceItem | undefined;
  const note = (item: EvidenceItem): void => {
    if (item.stance === "cluster") forCluster ??= item;
    else against ??= item;
  };
  for (const scope of scopes) {
    for (const item of scope.evidence) note(item);
    for (const node of scope.nodes) for (const item of nodeEvidence(node)) note(item);
  }
  return { scopes, treeEvidence: [forCluster, against].filter((item): item is EvidenceItem => item !== undefined) };
}
