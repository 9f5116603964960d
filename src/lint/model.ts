// The common model every format parser produces and every lint rule reads: what a layer of network
// policy allows (per direction, per port, from which peers), which ports a Redis node uses, and which
// ports a container publishes. Plain data only, each fact with the position the parser read it at.

export type LintSeverity = "error" | "warning" | "note";

/** One finding of `busdoctor lint`: the public JSON contract (`{"findings": [...]}`). */
export interface LintFinding {
  ruleId: string;
  severity: LintSeverity;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
  /** A snippet in the file's own syntax that fixes it. */
  fix: string;
}

/** A position in a file, 1-based, as the parser reported it. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/** Inclusive. */
export interface PortRange {
  from: number;
  to: number;
}

export type PortMatch =
  | { kind: "any" }
  | { kind: "ranges"; ranges: PortRange[] }
  /** Ports the parser could not resolve (a named port no container declares, a variable without default). */
  | { kind: "unresolved"; names: string[] };

export type Peer =
  | { kind: "any" }
  /** "0.0.0.0/0" and "::/0" are the whole internet. */
  | { kind: "cidr"; cidr: string }
  /** The cluster's own nodes: `self = true`, a pod selector matching the Redis pods, Azure VirtualNetwork. */
  | { kind: "self"; label: string }
  /** Another group the nodes may or may not belong to: a security group, pod selector, network tag. */
  | { kind: "ref"; ref: string }
  /** Public addresses only, not the private network the nodes are in (Azure's `Internet` tag). */
  | { kind: "internet"; label: string };

export type Protocol = "tcp" | "udp" | "any" | "other";

export type Direction = "in" | "out";

/** How to write a new rule in the file's own syntax; fix writers read it (src/lint/fix). */
export type RuleSyntax =
  | { syntax: "k8s-networkpolicy"; policyName: string; podLabels: Record<string, string> }
  | { syntax: "aws-sg-inline"; securityGroup: string }
  | { syntax: "aws-sg-rule"; resourceName: string; securityGroupExpr: string }
  | { syntax: "aws-vpc-sg-rule"; resourceName: string; securityGroupExpr: string }
  | { syntax: "gcp-firewall"; resourceName: string; networkExpr: string; targetTags: string[] }
  | { syntax: "azure-nsg-rule"; resourceName: string; nsgExpr: string; resourceGroupExpr: string; priority: number }
  | { syntax: "iptables"; table: string; chain: string }
  | { syntax: "nft"; family: string; table: string; chain: string }
  | { syntax: "nft-json"; family: string; table: string; chain: string }
  | { syntax: "firewalld"; zone: string };

export interface FilterRule {
  at: Location;
  verdict: "allow" | "deny";
  protocol: Protocol;
  ports: PortMatch;
  /** Sources for inbound rules, destinations for outbound ones. `[{kind:"any"}]` when unrestricted. */
  peers: Peer[];
  /** The peer conditions as written in the file (e.g. `ip saddr 10.0.0.0/16`), reused by fixes. */
  peerSource: string[];
  syntax: RuleSyntax;
  /** Something the reader should know about this rule, e.g. a named port no container declares. */
  note?: string;
}

export interface DirectionPolicy {
  /** First match wins (iptables, nftables, NSG priorities); otherwise every allow rule adds up (SG, NetworkPolicy). */
  ordered: boolean;
  /** What happens to a connection no rule matched. */
  fallback: "allow" | "deny";
  rules: FilterRule[];
  /** Where a new rule for this direction goes, for fixes when no rule can serve as a model. */
  syntax: RuleSyntax;
  /** Something in this direction could not be read (a `dynamic` block, a port from an unknown variable). */
  incomplete: boolean;
}

/** One layer of network policy: a security group, a NetworkPolicy set, a host firewall chain pair. */
export interface Policy {
  /** e.g. `aws_security_group.redis`, `NetworkPolicy redis-cluster`, `nft table inet filter`. */
  name: string;
  at: Location;
  /** Set when the layer guards a managed service that opens only its client port (ElastiCache...). */
  managedService?: string;
  in?: DirectionPolicy;
  out?: DirectionPolicy;
}

/** A value read from a file, with where it was read. */
export interface Sourced<T> {
  value: T;
  at: Location;
}

/** What a Redis node's configuration (redis.conf, command-line flags, env) says about its ports. */
export interface RedisNodeFacts {
  /** Where these facts come from, for messages: "redis.conf", "compose service redis-1"... */
  origin: string;
  at: Location;
  port?: Sourced<number>;
  tlsPort?: Sourced<number>;
  tlsCluster?: boolean;
  clusterPort?: Sourced<number>;
  clusterEnabled?: Sourced<boolean>;
  announceIp?: Sourced<string>;
  announcePort?: Sourced<number>;
  announceBusPort?: Sourced<number>;
  /** A Sentinel configuration: a replication setup, not a cluster. */
  sentinel?: boolean;
}

/** The client port and the bus port of one cluster, and the bus port peers dial. */
export interface ClusterPorts {
  client: number;
  bus: number;
  /** `cluster-announce-bus-port` when set, else `bus`. */
  announcedBus: number;
  /** Where the pair was learned; undefined for the default 6379/16379. */
  learnedFrom?: Location;
}

/** Environment variables (list or map form, Bitnami-style images) or redis-server flags (list or one string). */
export type SettingStyle = "compose-env-list" | "compose-env-map" | "compose-command-list" | "compose-command-string" | "k8s-env" | "k8s-args";

export interface Publication {
  at: Location;
  /** Undefined when the host side is ephemeral (`- "6379"`). */
  host?: PortRange;
  container: PortRange;
  protocol: Protocol;
}

/** A container whose ports are mapped to host ports (compose `ports`, Kubernetes `hostPort`). */
export interface PublishedContainer {
  /** "compose service redis-1", "container redis of StatefulSet redis-cluster". */
  name: string;
  at: Location;
  syntax: "compose" | "k8s";
  /** How the node's settings are written, so a fix adds a setting the same way. */
  settings: SettingStyle;
  /** `network_mode: host` / `hostNetwork: true`: no mapping, every port is the host's. */
  hostNetwork: boolean;
  node: RedisNodeFacts;
  publications: Publication[];
}

export interface ServicePort {
  at: Location;
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceFacts {
  name: string;
  namespace: string;
  at: Location;
  type: string;
  headless: boolean;
  selector: Record<string, string>;
  ports: ServicePort[];
  /** Selects one pod (`statefulset.kubernetes.io/pod-name`): an address a node announces. */
  perPod: boolean;
  /** Set by a cloud annotation: the load balancer is not reachable from the internet. */
  internal: boolean;
  sourceRanges: string[];
  /** Where `ports:` starts, for fixes that add a port. */
  portsAt: Location;
}

/** A workload's pods, so Services and NetworkPolicies can be matched to the Redis pods. */
export interface PodGroup {
  name: string;
  namespace: string;
  at: Location;
  labels: Record<string, string>;
  /** Named container ports, resolved by NetworkPolicies and Services. */
  namedPorts: Record<string, number>;
  containerPorts: number[];
  redis: boolean;
  node: RedisNodeFacts;
}

/** Everything one directory (one module, one chart render, one compose project) says. */
export interface ScopeModel {
  dir: string;
  policies: Policy[];
  nodes: RedisNodeFacts[];
  containers: PublishedContainer[];
  services: ServiceFacts[];
  pods: PodGroup[];
}
