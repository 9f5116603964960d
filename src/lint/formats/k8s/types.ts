// What the Kubernetes parser reads from manifests, before the objects of a scope are joined
// (NetworkPolicies need the pods they select to resolve named ports and "self").
import type { EvidenceItem, Location, Placement, PublishedContainer, RedisNodeFacts, ServiceFacts } from "../../model.js";

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export interface K8sPolicyPort {
  at: Location;
  protocol: string;
  /** Undefined: every port of the protocol. */
  port?: number | string;
  endPort?: number;
  next?: Placement;
}

export type K8sPeer =
  | { kind: "pods"; at: Location; podSelector: LabelSelector; namespaceSelector?: LabelSelector }
  | { kind: "namespaces"; at: Location; namespaceSelector: LabelSelector }
  | { kind: "ipBlock"; at: Location; cidr: string; except: string[] };

export interface K8sPolicyRule {
  at: Location;
  /** Undefined: `ports` absent, every port. */
  ports?: K8sPolicyPort[];
  /** Undefined: `from`/`to` absent or empty, every peer. */
  peers?: K8sPeer[];
}

export interface K8sNetworkPolicy {
  name: string;
  namespace: string;
  at: Location;
  podSelector: LabelSelector;
  ingress?: K8sPolicyRule[];
  egress?: K8sPolicyRule[];
  /** Where a new ingress/egress rule goes: after the list's last item, or under `spec:` with the key. */
  placements: { ingress?: Placement; egress?: Placement };
}

export interface K8sContainer {
  name: string;
  at: Location;
  /** Only for containers that run Redis: the others matter for their ports alone. */
  published?: PublishedContainer;
  namedPorts: Record<string, number>;
  containerPorts: number[];
}

export interface K8sWorkload {
  kind: string;
  name: string;
  namespace: string;
  at: Location;
  labels: Record<string, string>;
  hostNetwork: boolean;
  containers: K8sContainer[];
  /** ConfigMaps mounted as volumes: their redis.conf applies to the containers. */
  configMaps: string[];
}

export interface K8sConfigMapConf {
  configMap: string;
  namespace: string;
  key: string;
  facts: RedisNodeFacts;
}

export interface K8sManifest {
  networkPolicies: K8sNetworkPolicy[];
  services: ServiceFacts[];
  workloads: K8sWorkload[];
  configs: K8sConfigMapConf[];
  /** Operator resources and chart labels that say what kind of Redis this is. */
  evidence: EvidenceItem[];
}
