// Kubernetes manifests: multi-document YAML, `helm template` output, `kubectl get -o yaml` Lists.
import { isScalar, type Node } from "yaml";
import { factsFromDirectives, parseRedisConfText } from "../redisConf.js";
import { blockScalarLineStarts, entries, get, getPath, items, locate, str, type YamlSource } from "../yamlNodes.js";
import { readNetworkPolicy } from "./networkPolicy.js";
import { readService } from "./services.js";
import type { K8sConfigMapConf, K8sManifest } from "./types.js";
import { readWorkload } from "./workloads.js";

/** Whether a YAML document is a Kubernetes object (has `apiVersion` and `kind`). */
export function isK8sObject(node: unknown): boolean {
  return str(get(node, "apiVersion")) !== undefined && str(get(node, "kind")) !== undefined;
}

/**
 * redis.conf (or sentinel.conf) stored in a ConfigMap key, positions kept line for line.
 * Sample: `data:` / `  redis.conf: |` / `    cluster-enabled yes`.
 */
function readConfigMap(source: YamlSource, doc: Node, name: string, namespace: string): K8sConfigMapConf[] {
  return entries(get(doc, "data")).flatMap(({ key, value }) => {
    if (!key.endsWith(".conf") || !isScalar(value)) return [];
    const text = str(value) ?? "";
    const starts = blockScalarLineStarts(source, value);
    const valueAt = locate(source, value);
    const directives = parseRedisConfText(text, source.file, (lineIndex, column) => {
      const start = starts?.[lineIndex];
      return start ? { file: source.file, line: start.line, column: start.column + column } : valueAt;
    });
    const facts = factsFromDirectives(directives, `${key} in ConfigMap ${name}`, valueAt);
    if (key.includes("sentinel")) facts.sentinel = true;
    return [{ configMap: name, namespace, key, facts }];
  });
}

function readObject(source: YamlSource, doc: Node, manifest: K8sManifest): void {
  const kind = str(get(doc, "kind")) ?? "";
  if (kind === "List" || kind.endsWith("List")) {
    for (const item of items(get(doc, "items"))) readObject(source, item, manifest);
    return;
  }
  const name = str(getPath(doc, "metadata", "name")) ?? "";
  const namespace = str(getPath(doc, "metadata", "namespace")) ?? "";
  switch (kind) {
    case "NetworkPolicy":
      manifest.networkPolicies.push(readNetworkPolicy(source, doc, name, namespace));
      return;
    case "Service":
      manifest.services.push(readService(source, doc, name, namespace));
      return;
    case "ConfigMap":
      manifest.configs.push(...readConfigMap(source, doc, name, namespace));
      return;
    default: {
      const workload = readWorkload(source, doc, kind, name, namespace);
      if (workload) manifest.workloads.push(workload);
    }
  }
}

export function readK8sManifest(source: YamlSource): K8sManifest {
  const manifest: K8sManifest = { networkPolicies: [], services: [], workloads: [], configs: [] };
  for (const document of source.documents) {
    if (document.contents && isK8sObject(document.contents)) readObject(source, document.contents as Node, manifest);
  }
  return manifest;
}
