// Joins the Kubernetes objects of one directory: NetworkPolicies with the pods they select (named
// ports, "self"), Services with the pods' named ports, containers with their mounted redis.conf.
import { describeSelector, selectorMatches } from "../formats/k8s/networkPolicy.js";
import type { K8sConfigMapConf, K8sManifest, K8sNetworkPolicy, K8sPolicyRule, K8sWorkload, LabelSelector } from "../formats/k8s/types.js";
import { mergeFacts } from "../formats/redisConf.js";
import type { DirectionPolicy, FilterRule, Peer, PodGroup, Policy, PublishedContainer, RedisNodeFacts, RuleSyntax, ScopeModel, ServiceFacts } from "../model.js";

function sameNamespace(a: string, b: string): boolean {
  return a === "" || b === "" || a === b;
}

/** The redis.conf of the ConfigMaps a workload mounts, as the base of its containers' facts. */
function mountedConf(workload: K8sWorkload, configs: K8sConfigMapConf[]): RedisNodeFacts | undefined {
  const conf = configs.find((config) => !config.facts.sentinel && workload.configMaps.includes(config.configMap) && sameNamespace(config.namespace, workload.namespace));
  return conf?.facts;
}

function podGroup(workload: K8sWorkload, configs: K8sConfigMapConf[]): { pod: PodGroup; containers: PublishedContainer[] } {
  const base = mountedConf(workload, configs);
  const containers = workload.containers
    .filter((container) => container.redis)
    .map((container) => ({ ...container.published, node: base ? mergeFacts(base, container.published.node) : container.published.node }));
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
    const common = { ...base, at: port.at, protocol } as const;
    if (port.port === undefined) return { ...common, ports: { kind: "any" } };
    if (typeof port.port === "number") return { ...common, ports: { kind: "ranges", ranges: [{ from: port.port, to: port.endPort ?? port.port }] } };
    if (!target.pod) return { ...common, ports: { kind: "unresolved", names: [port.port] } };
    const resolved = target.pod.namedPorts[port.port];
    if (resolved !== undefined) return { ...common, ports: { kind: "ranges", ranges: [{ from: resolved, to: resolved }] } };
    return { ...common, ports: { kind: "ranges", ranges: [] }, note: `named port "${port.port}" is not declared by any container of ${target.pod.name}` };
  });
}

function direction(policies: K8sNetworkPolicy[], key: "ingress" | "egress", target: Target, syntax: RuleSyntax): DirectionPolicy | undefined {
  const restricting = policies.filter((policy) => policy[key] !== undefined);
  if (restricting.length === 0) return undefined;
  const rules = restricting.flatMap((policy) => (policy[key] ?? []).flatMap((rule) => convertRule(rule, target, syntax)));
  return { ordered: false, fallback: "deny", rules, syntax, incomplete: false };
}

/** NetworkPolicies add up per selected pod: every policy selecting the Redis pods forms one layer. */
function networkPolicies(policies: K8sNetworkPolicy[], pods: PodGroup[]): Policy[] {
  const groups: { target: Target; policies: K8sNetworkPolicy[] }[] = [];
  const redisPods = pods.filter((pod) => pod.redis);
  if (redisPods.length > 0) {
    for (const pod of redisPods) {
      const selecting = policies.filter((policy) => sameNamespace(policy.namespace, pod.namespace) && selectorMatches(policy.podSelector, pod.labels));
      if (selecting.length > 0) groups.push({ target: { name: pod.name, pod, selector: { matchLabels: pod.labels, matchExpressions: [] } }, policies: selecting });
    }
  } else {
    const isEmpty = (policy: K8sNetworkPolicy) => describeSelector(policy.podSelector) === "all pods";
    const everyPod = policies.filter(isEmpty);
    const selective = policies.filter((policy) => !isEmpty(policy));
    const keys = new Map<string, K8sNetworkPolicy[]>();
    for (const policy of selective) {
      const key = `${policy.namespace}/${describeSelector(policy.podSelector)}`;
      keys.set(key, [...(keys.get(key) ?? []), policy]);
    }
    for (const members of keys.values()) {
      const first = members[0] as K8sNetworkPolicy;
      groups.push({ target: { name: `pods ${describeSelector(first.podSelector)}`, selector: first.podSelector }, policies: [...members, ...everyPod] });
    }
    if (keys.size === 0 && everyPod.length > 0) groups.push({ target: { name: "all pods", selector: { matchLabels: {}, matchExpressions: [] } }, policies: everyPod });
  }
  return groups.map(({ target, policies: members }) => {
    const names = members.map((policy) => policy.name).join(", ");
    const syntax: RuleSyntax = { syntax: "k8s-networkpolicy", policyName: names, podLabels: target.pod?.labels ?? target.selector.matchLabels };
    const policy: Policy = { name: `NetworkPolicy ${names} (${target.name})`, at: (members[0] as K8sNetworkPolicy).at };
    const inbound = direction(members, "ingress", target, syntax);
    const outbound = direction(members, "egress", target, syntax);
    if (inbound) policy.in = inbound;
    if (outbound) policy.out = outbound;
    return policy;
  });
}

/** Resolves named `targetPort`s through the pods a Service selects. */
function resolveServicePorts(service: ServiceFacts, pods: PodGroup[]): ServiceFacts {
  const selected = pods.filter((pod) => sameNamespace(pod.namespace, service.namespace) && Object.keys(service.selector).length > 0 && Object.entries(service.selector).every(([key, value]) => pod.labels[key] === value));
  return {
    ...service,
    ports: service.ports.map((port) => {
      if (typeof port.targetPort !== "string") return port;
      const resolved = selected.map((pod) => pod.namedPorts[port.targetPort as string]).find((value) => value !== undefined);
      return resolved === undefined ? port : { ...port, targetPort: resolved };
    }),
  };
}

export function assembleK8s(manifests: K8sManifest[]): Pick<ScopeModel, "policies" | "nodes" | "containers" | "services" | "pods"> {
  const configs = manifests.flatMap((manifest) => manifest.configs);
  const built = manifests.flatMap((manifest) => manifest.workloads).map((workload) => podGroup(workload, configs));
  const pods = built.map((entry) => entry.pod);
  return {
    pods,
    containers: built.flatMap((entry) => entry.containers),
    services: manifests.flatMap((manifest) => manifest.services).map((service) => resolveServicePorts(service, pods)),
    policies: networkPolicies(manifests.flatMap((manifest) => manifest.networkPolicies), pods),
    nodes: [...configs.map((config) => config.facts), ...pods.filter((pod) => pod.redis).map((pod) => pod.node)],
  };
}
