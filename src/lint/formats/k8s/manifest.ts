// Kubernetes manifests: multi-document YAML, `helm template` output, `kubectl get -o yaml` Lists,
// read one document at a time.
import { isScalar, type Node } from "yaml";
import type { EvidenceItem, Location } from "../../model.js";
import { factsFromDirectives, parseRedisConfText } from "../redisConf.js";
import { blockScalarLines, entries, get, getPath, items, locate, str, stringMap, type YamlSource } from "../yamlNodes.js";
import { readNetworkPolicy } from "./networkPolicy.js";
import { readService } from "./services.js";
import type { K8sConfigMapConf, K8sManifest } from "./types.js";
import { readWorkload } from "./workloads.js";

/** Whether a YAML document is a Kubernetes object (has `apiVersion` and `kind`). */
export function isK8sObject(node: unknown): boolean {
  return str(get(node, "apiVersion")) !== undefined && str(get(node, "kind")) !== undefined;
}

export function emptyManifest(): K8sManifest {
  return { networkPolicies: [], services: [], workloads: [], configs: [], evidence: [] };
}

/**
 * redis.conf (or sentinel.conf) stored in a ConfigMap key, positions kept line for line.
 * Sample: `data:` / `  redis.conf: |` / `    cluster-enabled yes`.
 */
function readConfigMap(source: YamlSource, doc: Node, name: string, namespace: string): K8sConfigMapConf[] {
  return entries(get(doc, "data")).flatMap(({ key, value }) => {
    if (!key.endsWith(".conf") || !isScalar(value)) return [];
    const text = str(value) ?? "";
    const lineAt = blockScalarLines(source, value);
    const valueAt = locate(source, value);
    const directives = parseRedisConfText(text, source.file, (lineIndex, column) => {
      const start = lineAt?.(lineIndex);
      return start ? { file: source.file, line: start.line, column: start.column + column } : valueAt;
    });
    const facts = factsFromDirectives(directives, `${key} in ConfigMap ${name}`, valueAt);
    if (key.includes("sentinel")) facts.sentinel = { value: true, at: valueAt };
    return [{ configMap: name, namespace, key, facts }];
  });
}

/** Operators' custom resources and what they run (apiVersion groups checked loosely: forks rename them). */
const OPERATOR_KINDS: Record<string, EvidenceItem["stance"]> = {
  RedisCluster: "cluster",
  DistributedRedisCluster: "cluster",
  ValkeyCluster: "cluster",
  RedisFailover: "not-cluster",
  RedisSentinel: "not-cluster",
  RedisReplication: "not-cluster",
};

/** What the labels Helm charts put on every object say: bitnami/redis-cluster is a cluster, bitnami/redis is not. */
function chartEvidence(doc: Node, at: Location): EvidenceItem[] {
  const labels = stringMap(getPath(doc, "metadata", "labels"));
  const chart = labels["helm.sh/chart"] ?? "";
  const name = labels["app.kubernetes.io/name"] ?? "";
  if (/^(redis|valkey)-cluster(-\d|$)/.test(chart) || /^(redis|valkey)-cluster$/.test(name))
    return [{ stance: "cluster", what: `Helm chart ${chart || name}`, at }];
  if (/^(redis|valkey)-\d/.test(chart))
    return [{ stance: "not-cluster", what: `Helm chart ${chart} (standalone or replication with Sentinel, not a cluster)`, at }];
  return [];
}

function readObject(source: YamlSource, doc: Node, manifest: K8sManifest): void {
  const kind = str(get(doc, "kind")) ?? "";
  const name = str(getPath(doc, "metadata", "name")) ?? "";
  const namespace = str(getPath(doc, "metadata", "namespace")) ?? "";
  const at = locate(source, doc);
  // Every object of a release carries the chart's labels: one item per chart is enough.
  for (const item of chartEvidence(doc, at)) if (!manifest.evidence.some((known) => known.what === item.what)) manifest.evidence.push(item);
  const operator = OPERATOR_KINDS[kind];
  if (operator) {
    manifest.evidence.push({ stance: operator, what: `${kind} ${name} (${str(get(doc, "apiVersion")) ?? ""})`, at });
    return;
  }
  // KubeDB's Redis: spec.mode says Cluster, Sentinel or Standalone.
  const mode = str(getPath(doc, "spec", "mode"));
  if (kind === "Redis" && mode !== undefined) {
    manifest.evidence.push({ stance: mode.toLowerCase() === "cluster" ? "cluster" : "not-cluster", what: `Redis ${name} with spec.mode ${mode}`, at });
    return;
  }
  switch (kind) {
    case "NetworkPolicy":
      manifest.networkPolicies.push(readNetworkPolicy(source, doc, name, namespace));
      return;
    case "Service": {
      const service = readService(source, doc, name, namespace);
      // A plain ClusterIP Service is no address peers dial and names no pods to each other: no rule reads it.
      if (service.type !== "ClusterIP" || service.headless || service.perPod) manifest.services.push(service);
      return;
    }
    case "ConfigMap":
      for (const config of readConfigMap(source, doc, name, namespace)) manifest.configs.push(config);
      return;
    default: {
      const workload = readWorkload(source, doc, kind, name, namespace);
      if (workload) manifest.workloads.push(workload);
    }
  }
}

/** One document: an object, or a List of them (`kubectl get -o yaml`), Lists inside Lists walked without recursion. */
export function readK8sDocument(source: YamlSource, contents: unknown, manifest: K8sManifest): void {
  const pending: unknown[] = [contents];
  while (pending.length > 0) {
    const doc = pending.pop();
    if (!isK8sObject(doc)) continue;
    const kind = str(get(doc, "kind")) ?? "";
    if (kind === "List" || kind.endsWith("List")) {
      const list = items(get(doc, "items"));
      for (let i = list.length - 1; i >= 0; i--) pending.push(list[i]);
    } else readObject(source, doc as Node, manifest);
  }
}
