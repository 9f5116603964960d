// Joins the Kubernetes objects of one scope: NetworkPolicies with the pods they select (named ports,
// "self"), Services with the pods' named ports, containers with their mounted redis.conf. Selectors
// are matched through an index of pod labels, so a render of thousands of releases stays linear.
import { describeSelector, selectorMatches } from "../formats/k8s/networkPolicy.js";
import type { K8sConfigMapConf, K8sManifest, K8sNetworkPolicy, K8sPolicyRule, K8sWorkload, LabelSelector } from "../formats/k8s/types.js";
import { mergeFacts } from "../formats/redisConf.js";
import type { EvidenceItem, FilterRule, Peer, PodGroup, Policy, PublishedContainer, RedisNodeFacts, RuleSyntax, ScopeModel, ServiceFacts } from "../model.js";
import { LabelIndex } from "../labels.js";
import { ruleSetDirection } from "../policies.js";

function sameNamespace(a: string, b: string): boolean {
  return a === "" || b === "" || a === b;
}

/** ConfigMaps by name, from this scope first and then from the whole tree (a kustomize base next door). */
export type ConfigMapLookup = (namespace: string, name: string) => K8sConfigMapConf | undefined;

/** The redis.conf of the ConfigMaps a workload mounts, as the base of its containers' facts. */
function mountedConf(workload: K8sWorkload, lookup: ConfigMapLookup): RedisNodeFacts | undefined {
  for (const name of workload.configMaps) {
    const conf = lookup(workload.namespace, name);
    if (conf && !conf.facts.sentinel) return conf.facts;
  }
  return undefined;
}

function podGroup(workload: K8sWorkload, lookup: ConfigMapLookup): { pod: PodGroup; containers: PublishedContainer[] } {
  const base = mountedConf(workload, lookup);
  const containers: PublishedContainer[] = [];
  for (const { published, at } of workload.containers) {
    if (published === undefined) continue;
    const node = base ? mergeFacts(base, published.node) : published.node;
    // A config file read from a ConfigMap completes what the command line shows.
    if (base && node.clusterEnabled === undefined && !node.sentinel && !node.standalone) node.standalone = at;
    containers.push({ ...published, node, pod: { labels: workload.labels, namespace: workload.namespace } });
  }
  const namedPorts: Record<string, number> = {};
  for (const container of workload.containers) Object.assign(namedPorts, container.namedPorts);
  const owner = `${workload.kind} ${workload.name}`;
  return {
    pod: {
      name: owner,
      namespace: workload.namespace,
      at: workload.at,
      labels: workload.labels,
      namedPorts,
      containerPorts: workload.containers.flatMap((container) => container.containerPorts),
      redis: containers.length > 0,
      node: containers[0]?.node ?? base ?? { origin: owner, at: workload.at },
    },
    containers,
  };
}

/** Pods by label, so a selector is checked against the pods carrying its rarest label only. */
class PodIndex {
  private readonly index: LabelIndex<PodGroup>;

  constructor(readonly pods: readonly PodGroup[]) {
    this.index = new LabelIndex(pods, (pod) => pod.labels);
  }

  matching(selector: LabelSelector, namespace: string): PodGroup[] {
    return this.index.candidates(selector.matchLabels).filter((pod) => sameNamespace(namespace, pod.namespace) && selectorMatches(selector, pod.labels));
  }
}

/** Who the rule's peers are, "self" when they include the policy's own pods. */
function peersOf(rule: K8sPolicyRule, isSelf: (selector: LabelSelector) => boolean): Peer[] {
  if (!rule.peers) return [{ kind: "any" }];
  return rule.peers.map((peer): Peer => {
    if (peer.kind === "ipBlock") return { kind: "cidr", cidr: peer.cidr };
    if (peer.kind === "namespaces") return { kind: "ref", ref: `namespaceSelector ${describeSelector(peer.namespaceSelector)}` };
    const anyNamespace = !peer.namespaceSelector || describeSelector(peer.namespaceSelector) === "all pods";
    const label = `podSelector ${describeSelector(peer.podSelector)}`;
    return anyNamespace && isSelf(peer.podSelector) ? { kind: "self", label } : { kind: "ref", ref: label };
  });
}

interface Target {
  name: string;
  /** Known pods: their labels and named ports. */
  pod?: PodGroup;
  selector: LabelSelector;
}

/** One FilterRule per port entry, so findings point at the exact `- port:` item. */
function convertRule(rule: K8sPolicyRule, target: Target, syntax: RuleSyntax): FilterRule[] {
  const isSelf = (selector: LabelSelector): boolean =>
    target.pod
      ? selectorMatches(selector, target.pod.labels)
      : selector.matchExpressions.length === 0 && Object.entries(selector.matchLabels).every(([key, value]) => target.selector.matchLabels[key] === value);
  const peers = peersOf(rule, isSelf);
  const base = { verdict: "allow" as const, peers, peerSource: [], syntax };
  if (!rule.ports) return [{ ...base, at: rule.at, protocol: "any", ports: { kind: "any" } }];
  return rule.ports.map((port): FilterRule => {
    const protocol = port.protocol === "TCP" ? "tcp" : port.protocol === "UDP" ? "udp" : "other";
    const common = { ...base, at: port.at, protocol, ...(port.next ? { next: port.next } : {}) } as const;
    if (port.port === undefined) return { ...common, ports: { kind: "any" } };
    if (typeof port.port === "number") return { ...common, ports: { kind: "ranges", ranges: [{ from: port.port, to: port.endPort ?? port.port }] } };
    if (!target.pod) return { ...common, ports: { kind: "unresolved", names: [port.port] } };
    const resolved = target.pod.namedPorts[port.port];
    if (resolved !== undefined) return { ...common, ports: { kind: "ranges", ranges: [{ from: resolved, to: resolved }] } };
    return { ...common, ports: { kind: "ranges", ranges: [] }, note: `named port "${port.port}" is not declared by any container of ${target.pod.name}` };
  });
}

function layer(target: Target, members: K8sNetworkPolicy[]): Policy {
  const names = members.map((policy) => policy.name).join(", ");
  const syntax: RuleSyntax = { syntax: "k8s-networkpolicy", policyName: names, podLabels: target.pod?.labels ?? target.selector.matchLabels };
  const first = members[0] as K8sNetworkPolicy;
  const policy: Policy = { name: `NetworkPolicy ${names} (${target.name})`, at: first.at };
  for (const [key, direction] of [
    ["ingress", "in"],
    ["egress", "out"],
  ] as const) {
    const restricting = members.filter((member) => member[key] !== undefined);
    if (restricting.length === 0) continue;
    const rules: FilterRule[] = [];
    for (const member of restricting) for (const rule of member[key] ?? []) for (const converted of convertRule(rule, target, syntax)) rules.push(converted);
    const placement = restricting.map((member) => member.placements[key]).find((candidate) => candidate !== undefined);
    policy[direction] = ruleSetDirection({
      name: policy.name,
      at: policy.at,
      direction,
      rules,
      fallback: "deny",
      syntax,
      incomplete: false,
      ...(placement ? { placement } : {}),
    });
  }
  return policy;
}

/** NetworkPolicies add up per selected pod: every policy selecting the Redis pods forms one layer. */
function networkPolicies(policies: K8sNetworkPolicy[], index: PodIndex): Policy[] {
  const redisPods = index.pods.filter((pod) => pod.redis);
  if (redisPods.length > 0) {
    const selecting = new Map<PodGroup, K8sNetworkPolicy[]>();
    for (const policy of policies) {
      for (const pod of index.matching(policy.podSelector, policy.namespace)) {
        if (!pod.redis) continue;
        const list = selecting.get(pod) ?? [];
        list.push(policy);
        selecting.set(pod, list);
      }
    }
    const layers: Policy[] = [];
    for (const pod of redisPods) {
      const members = selecting.get(pod);
      if (members) layers.push(layer({ name: pod.name, pod, selector: { matchLabels: pod.labels, matchExpressions: [] } }, members));
    }
    return layers;
  }
  const isEmpty = (policy: K8sNetworkPolicy) => describeSelector(policy.podSelector) === "all pods";
  const everyPod = policies.filter(isEmpty);
  const keys = new Map<string, K8sNetworkPolicy[]>();
  for (const policy of policies) {
    if (isEmpty(policy)) continue;
    const key = `${policy.namespace}/${describeSelector(policy.podSelector)}`;
    const list = keys.get(key) ?? [];
    list.push(policy);
    keys.set(key, list);
  }
  const layers: Policy[] = [];
  for (const members of keys.values()) {
    const first = members[0] as K8sNetworkPolicy;
    layers.push(layer({ name: `pods ${describeSelector(first.podSelector)}`, selector: first.podSelector }, [...members, ...everyPod]));
  }
  if (keys.size === 0 && everyPod.length > 0) layers.push(layer({ name: "all pods", selector: { matchLabels: {}, matchExpressions: [] } }, everyPod));
  return layers;
}

/** Resolves named `targetPort`s through the pods a Service selects. */
function resolveServicePorts(service: ServiceFacts, index: PodIndex): ServiceFacts {
  if (!service.ports.some((port) => typeof port.targetPort === "string") || Object.keys(service.selector).length === 0) return service;
  const selected = index.matching({ matchLabels: service.selector, matchExpressions: [] }, service.namespace);
  return {
    ...service,
    ports: service.ports.map((port) => {
      if (typeof port.targetPort !== "string") return port;
      const resolved = selected.map((pod) => pod.namedPorts[port.targetPort as string]).find((value) => value !== undefined);
      return resolved === undefined ? port : { ...port, targetPort: resolved };
    }),
  };
}

export function assembleK8s(
  manifests: readonly K8sManifest[],
  lookup: ConfigMapLookup,
): Pick<ScopeModel, "policies" | "nodes" | "containers" | "services" | "pods" | "evidence"> {
  const pods: PodGroup[] = [];
  const containers: PublishedContainer[] = [];
  const nodes: ScopeModel["nodes"] = [];
  const evidence: EvidenceItem[] = [];
  const policies: K8sNetworkPolicy[] = [];
  const services: ServiceFacts[] = [];
  for (const manifest of manifests) {
    for (const config of manifest.configs) nodes.push(config.facts);
    for (const item of manifest.evidence) evidence.push(item);
    for (const policy of manifest.networkPolicies) policies.push(policy);
    for (const service of manifest.services) services.push(service);
    // Workloads are taken out as they become pods: a render of thousands of releases is not held twice.
    const workloads = manifest.workloads.splice(0).reverse();
    for (let workload = workloads.pop(); workload !== undefined; workload = workloads.pop()) {
      const built = podGroup(workload, lookup);
      pods.push(built.pod);
      for (const container of built.containers) containers.push(container);
      if (built.pod.redis) nodes.push(built.pod.node);
    }
  }
  const index = new PodIndex(pods);
  return {
    pods,
    containers,
    services: services.map((service) => resolveServicePorts(service, index)),
    policies: networkPolicies(policies, index),
    nodes,
    evidence,
  };
}
