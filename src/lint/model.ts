// The common model every format reader produces and every lint rule reads: the layers of network
// policy as firewall-engine chains (src/firewall), which ports a Redis node uses, which ports a
// container publishes, and what says whether this Redis runs in cluster mode. Plain data only, each
// fact with the position the parser read it at.
import type { FirewallChain, FirewallRule, Hook, IpVersion, Location } from "../firewall/model.js";

export type { Location } from "../firewall/model.js";

export type LintSeverity = "error" | "warning" | "note";

/** Replace the text from `start` up to (not including) `end` with `text`; an insertion when they are equal. 1-based. */
export interface TextEdit {
  file: string;
  start: { line: number; column: number };
  end: { line: number; column: number };
  text: string;
}

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
  /** Why busdoctor believes this Redis runs in cluster mode, or that it could not tell. */
  evidence: string;
  /** The fix as edits of the file, where busdoctor can place it. */
  edits?: TextEdit[];
}

/** A file (or a folder: a Helm chart) that was not linted, and why. */
export interface NotRead {
  file: string;
  reason: string;
  line?: number;
  column?: number;
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
  /** Another group the nodes may or may not belong to: a security group, pod selector, network tag, interface. */
  | { kind: "ref"; ref: string }
  /** Public addresses only, not the private network the nodes are in (Azure's `Internet` tag). */
  | { kind: "internet"; label: string };

export type Protocol = "tcp" | "udp" | "any" | "other";

export type Direction = "in" | "out";

/** Where a new line or block goes in a file, and the indentation it takes. */
export interface Placement {
  at: Location;
  indent: string;
  /** A key line to write before the new items (`ports:`, `ingress:`), the items indented below it. */
  header?: string;
  /** Inside a line (the end of a command string): the text goes there as is, no line of its own. */
  inline?: boolean;
}

/** How to write a new rule in the file's own syntax; fix writers read it (src/lint/fix). */
export type RuleSyntax =
  | { syntax: "k8s-networkpolicy"; policyName: string; podLabels: Record<string, string> }
  | { syntax: "aws-sg-inline"; securityGroup: string }
  | { syntax: "aws-sg-rule"; resourceName: string; securityGroupExpr: string }
  | { syntax: "aws-vpc-sg-rule"; resourceName: string; securityGroupExpr: string }
  | { syntax: "gcp-firewall"; resourceName: string; networkExpr: string; targetTags: string[]; priority: number }
  | { syntax: "azure-nsg-rule"; resourceName: string; nsgExpr: string; resourceGroupExpr: string; priority: number }
  /** `save`: an iptables-save / ufw user.rules line; `command`: an `iptables ...` line of a script. */
  | { syntax: "iptables"; table: string; chain: string; form: "save" | "command"; tool: "iptables" | "ip6tables" }
  | { syntax: "nft"; family: string; table: string; chain: string; form: "file" | "command" }
  | { syntax: "nft-json"; family: string; table: string; chain: string }
  | { syntax: "firewalld"; zone: string; form: "xml" | "command" }
  | { syntax: "ufw"; form: "status" | "command" }
  /** A new task for the module the play uses, spelled as it spells it (`ansible.posix.firewalld` or `firewalld`). */
  | { syntax: "ansible"; module: "firewalld" | "ufw" | "iptables"; moduleName: string; zone: string; chain: string; ipVersion: 4 | 6 };

/** A rule as the cloud and Kubernetes readers describe it, before it becomes a chain rule. */
export interface FilterRule {
  at: Location;
  verdict: "allow" | "deny";
  protocol: Protocol;
  ports: PortMatch;
  /** Sources for inbound rules, destinations for outbound ones. `[{kind:"any"}]` when unrestricted. */
  peers: Peer[];
  /** The peer conditions as written in the file (e.g. `cidr_blocks = ["10.0.0.0/16"]`), reused by fixes. */
  peerSource: string[];
  syntax: RuleSyntax;
  /** Something the reader should know about this rule, e.g. a named port no container declares. */
  note?: string;
  /** Where a new rule written next to this one goes (after its block or list item). */
  next?: Placement;
}

/** A chain rule of the engine, with what lint needs to write a fix next to it. */
export interface LintRule extends FirewallRule {
  syntax: RuleSyntax;
  note?: string;
  /** Where a rule written after this one goes; a rule written before it goes at `at`'s line. */
  next?: Placement;
  /** The indentation of the rule's first line, for a rule written before it. */
  indent?: string;
  /** Cloud and Kubernetes rules: the peers as read; host firewall rules derive them from their conditions. */
  peers?: Peer[];
  /** As for peers: the peer conditions as written. */
  peerSource?: string[];
}

export interface DirectionPolicy {
  /** The chains of this layer (a table, a security group as one chain of allows, a zone). */
  chains: FirewallChain<LintRule>[];
  /** The hooks a connection in this direction passes. */
  hooks: Hook[];
  versions: IpVersion[];
  /** Where a new rule for this direction goes, in which syntax, when no rule can serve as a model. */
  syntax: RuleSyntax;
  placement?: Placement;
  /** Something in this direction could not be read (a `dynamic` block, a port from an unknown variable). */
  incomplete: boolean;
}

/** One layer of network policy: a security group, a NetworkPolicy set, a host firewall table. */
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
  /** Where the value itself is written, when a fix may replace it in place (a compose environment value). */
  valueAt?: { start: Location; end: Location };
}

/** What a Redis node's configuration (redis.conf, command-line flags, env) says about its ports and mode. */
export interface RedisNodeFacts {
  /** Where these facts come from, for messages: "redis.conf", "compose service redis-1"... */
  origin: string;
  at: Location;
  port?: Sourced<number>;
  tlsPort?: Sourced<number>;
  tlsCluster?: boolean;
  clusterPort?: Sourced<number>;
  clusterEnabled?: Sourced<boolean>;
  /** Only set when the address is known when the file is read (not `$(hostname -i)`, not a pod IP). */
  announceIp?: Sourced<string>;
  announcePort?: Sourced<number>;
  announceBusPort?: Sourced<number>;
  /** A Sentinel configuration: a replication setup, not a cluster. */
  sentinel?: Sourced<boolean>;
  /** redis-server started with its whole configuration visible here and no cluster-enabled: standalone. */
  standalone?: Location;
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

/** Where and how a node's settings are written, so a fix adds a setting the same way. */
export type SettingStyle = "compose-env-list" | "compose-env-map" | "compose-command-list" | "compose-command-string" | "k8s-env" | "k8s-args";

export interface Publication {
  at: Location;
  /** Undefined when the host side is ephemeral (`- "6379"`). */
  host?: PortRange;
  container: PortRange;
  protocol: Protocol;
  next?: Placement;
}

/** A container whose ports are mapped to host ports (compose `ports`, Kubernetes `hostPort`). */
export interface PublishedContainer {
  /** "compose service redis-1", "container redis of StatefulSet redis-cluster". */
  name: string;
  at: Location;
  syntax: "compose" | "k8s";
  settings: SettingStyle;
  /** Where a new setting goes (an env entry, a command word), when busdoctor can place one. */
  settingPlacement?: Placement;
  /** Where a new port mapping goes when none exists. */
  portsPlacement?: Placement;
  /** `network_mode: host` / `hostNetwork: true`: no mapping, every port is the host's. */
  hostNetwork: boolean;
  node: RedisNodeFacts;
  publications: Publication[];
  /** Kubernetes: the labels and namespace of its pods, which Services select. */
  pod?: { labels: Record<string, string>; namespace: string };
}

export interface ServicePort {
  at: Location;
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  next?: Placement;
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
  /** Where `spec:`'s entries start, for fixes that add a key. */
  specPlacement?: Placement;
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

/** Something in the files that says a Redis runs in cluster mode, or that it does not. */
export interface EvidenceItem {
  stance: "cluster" | "not-cluster";
  /** "cluster-enabled yes", "redis-cli --cluster create", "Sentinel port 26379 opened"... */
  what: string;
  at: Location;
}

/** Everything one scope (a folder, an Ansible role, a module call) says. */
export interface ScopeModel {
  dir: string;
  policies: Policy[];
  nodes: RedisNodeFacts[];
  containers: PublishedContainer[];
  services: ServiceFacts[];
  pods: PodGroup[];
  evidence: EvidenceItem[];
}
