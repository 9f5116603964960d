// Service objects: which ports they carry, whether they are headless, per-pod or internet-facing.
import type { Node } from "yaml";
import type { ServiceFacts, ServicePort } from "../../model.js";
import { toPort } from "../../ports.js";
import { after, get, getPath, itemAfter, items, locate, str, stringMap, type YamlSource } from "../yamlNodes.js";

/** Annotations that make a cloud load balancer internal (not reachable from the internet). */
const INTERNAL_LB_ANNOTATIONS: Record<string, string[]> = {
  "service.beta.kubernetes.io/aws-load-balancer-internal": ["true", "0.0.0.0/0"],
  "service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
  "networking.gke.io/load-balancer-type": ["internal"],
  "cloud.google.com/load-balancer-type": ["internal"],
  "service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
  "service.beta.kubernetes.io/oci-load-balancer-internal": ["true"],
};

function isInternal(annotations: Record<string, string>): boolean {
  return Object.entries(INTERNAL_LB_ANNOTATIONS).some(([key, values]) => {
    const value = annotations[key];
    return value !== undefined && values.includes(value.toLowerCase());
  });
}

/** Sample: `- name: tcp-redis-bus` / `  port: 16379` / `  targetPort: tcp-redis-bus`. */
function readServicePort(source: YamlSource, node: Node, list: Node | undefined): ServicePort | undefined {
  const port = toPort(str(get(node, "port")));
  if (port === undefined) return undefined;
  const targetText = str(get(node, "targetPort"));
  const nodePort = toPort(str(get(node, "nodePort")));
  const name = str(get(node, "name"));
  const next = itemAfter(source, list, node);
  return {
    ...(next ? { next } : {}),
    at: locate(source, node),
    port,
    ...(name === undefined ? {} : { name }),
    ...(targetText === undefined ? {} : { targetPort: toPort(targetText) ?? targetText }),
    ...(nodePort === undefined ? {} : { nodePort }),
  };
}

/** Sample: `spec: {clusterIP: None, selector: {app: redis}, ports: [{name: tcp-redis-bus, port: 16379}]}`. */
export function readService(source: YamlSource, doc: Node, name: string, namespace: string): ServiceFacts {
  const spec = get(doc, "spec");
  const selector = stringMap(get(spec, "selector"));
  const specPlacement = after(source, spec);
  return {
    ...(specPlacement ? { specPlacement } : {}),
    name,
    namespace,
    at: locate(source, doc),
    type: str(get(spec, "type")) ?? "ClusterIP",
    headless: str(get(spec, "clusterIP")) === "None",
    selector,
    ports: items(get(spec, "ports")).flatMap((port) => readServicePort(source, port, get(spec, "ports")) ?? []),
    perPod: "statefulset.kubernetes.io/pod-name" in selector,
    internal: isInternal(stringMap(getPath(doc, "metadata", "annotations"))),
    sourceRanges: items(get(spec, "loadBalancerSourceRanges")).flatMap((range) => str(range) ?? []),
  };
}
