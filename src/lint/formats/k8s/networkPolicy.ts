// NetworkPolicy objects (networking.k8s.io/v1), with the position of every rule and port.
import type { Node } from "yaml";
import { after, get, itemAfter, items, locate, str, stringMap, type YamlSource } from "../yamlNodes.js";
import { toPort } from "../../ports.js";
import type { Placement } from "../../model.js";
import type { K8sNetworkPolicy, K8sPeer, K8sPolicyPort, K8sPolicyRule, LabelSelector } from "./types.js";

function readSelector(node: Node | undefined): LabelSelector {
  return {
    matchLabels: stringMap(get(node, "matchLabels")),
    matchExpressions: items(get(node, "matchExpressions")).map((expression) => ({
      key: str(get(expression, "key")) ?? "",
      operator: str(get(expression, "operator")) ?? "",
      values: items(get(expression, "values")).flatMap((value) => str(value) ?? []),
    })),
  };
}

/** "TCP" (the default), "UDP", "SCTP": the same string each time, not one per port entry. */
function protocolName(text: string | undefined): string {
  if (text === undefined || text === "TCP") return "TCP";
  const upper = text.toUpperCase();
  return upper === "TCP" ? "TCP" : upper === "UDP" ? "UDP" : upper;
}

/** Sample: `- port: 16379` / `  protocol: TCP` / `  endPort: 16384`, or `- port: tcp-redis-bus`. */
function readPort(source: YamlSource, node: Node, list: Node | undefined): K8sPolicyPort {
  const portText = str(get(node, "port"));
  const numeric = toPort(portText);
  const endPort = toPort(str(get(node, "endPort")));
  const next = itemAfter(source, list, node);
  return {
    at: locate(source, node),
    protocol: protocolName(str(get(node, "protocol"))),
    ...(portText === undefined ? {} : { port: numeric ?? portText }),
    ...(endPort === undefined ? {} : { endPort }),
    ...(next ? { next } : {}),
  };
}

/** Sample: `- podSelector: {matchLabels: {app: redis}}`, `- ipBlock: {cidr: 10.0.0.0/16}`. */
function readPeer(source: YamlSource, node: Node): K8sPeer | undefined {
  const at = locate(source, node);
  const ipBlock = get(node, "ipBlock");
  if (ipBlock) {
    return {
      kind: "ipBlock",
      at,
      cidr: str(get(ipBlock, "cidr")) ?? "",
      except: items(get(ipBlock, "except")).flatMap((value) => str(value) ?? []),
    };
  }
  const podSelector = get(node, "podSelector");
  const namespaceSelector = get(node, "namespaceSelector");
  if (podSelector) {
    return {
      kind: "pods",
      at,
      podSelector: readSelector(podSelector),
      ...(namespaceSelector ? { namespaceSelector: readSelector(namespaceSelector) } : {}),
    };
  }
  if (namespaceSelector) return { kind: "namespaces", at, namespaceSelector: readSelector(namespaceSelector) };
  return undefined;
}

function readRule(source: YamlSource, node: Node, peerKey: "from" | "to"): K8sPolicyRule {
  const portsNode = get(node, "ports");
  const peerNodes = items(get(node, peerKey));
  const peers = peerNodes.flatMap((peer) => readPeer(source, peer) ?? []);
  return {
    at: locate(source, node),
    ...(portsNode === undefined ? {} : { ports: items(portsNode).map((port) => readPort(source, port, portsNode)) }),
    ...(peerNodes.length === 0 ? {} : { peers }),
  };
}

/**
 * Sample:
 * ```
 * spec:
 *   podSelector: {matchLabels: {app.kubernetes.io/name: redis-cluster}}
 *   policyTypes: [Ingress, Egress]
 *   ingress:
 *     - ports: [{port: 6379}, {port: 16379}]
 * ```
 */
export function readNetworkPolicy(source: YamlSource, doc: Node, name: string, namespace: string): K8sNetworkPolicy {
  const spec = get(doc, "spec");
  const ingressNode = get(spec, "ingress");
  const egressNode = get(spec, "egress");
  const declaredTypes = items(get(spec, "policyTypes")).flatMap((type) => str(type) ?? []);
  // Without policyTypes, Kubernetes infers Ingress always and Egress when egress rules exist.
  const types = declaredTypes.length > 0 ? declaredTypes : ["Ingress", ...(egressNode ? ["Egress"] : [])];
  const policy: K8sNetworkPolicy = {
    name,
    namespace,
    at: locate(source, doc),
    podSelector: readSelector(get(spec, "podSelector")),
    placements: {},
  };
  // A new rule goes after the list's last item, or under spec: with its key when there is no list.
  const placement = (list: Node | undefined, key: string): Placement | undefined => {
    const last = items(list)[items(list).length - 1];
    if (last) return itemAfter(source, list, last);
    const place = list === undefined || list === null ? after(source, spec) : undefined;
    return place ? { ...place, header: `${key}:` } : undefined;
  };
  if (types.includes("Ingress")) {
    policy.ingress = items(ingressNode).map((rule) => readRule(source, rule, "from"));
    const place = placement(ingressNode, "ingress");
    if (place) policy.placements.ingress = place;
  }
  if (types.includes("Egress")) {
    policy.egress = items(egressNode).map((rule) => readRule(source, rule, "to"));
    const place = placement(egressNode, "egress");
    if (place) policy.placements.egress = place;
  }
  return policy;
}

/** Whether a selector selects pods carrying `labels` (an empty selector selects every pod). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions) {
    const value = labels[expression.key];
    switch (expression.operator) {
      case "In":
        if (value === undefined || !expression.values.includes(value)) return false;
        break;
      case "NotIn":
        if (value !== undefined && expression.values.includes(value)) return false;
        break;
      case "Exists":
        if (value === undefined) return false;
        break;
      case "DoesNotExist":
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

export function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions) parts.push(`${expression.key} ${expression.operator} (${expression.values.join(",")})`);
  return parts.length === 0 ? "all pods" : parts.join(",");
}
