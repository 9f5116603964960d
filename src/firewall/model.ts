// One model for every host firewall busdoctor reads (iptables, nftables, firewalld, ufw) and for the
// cloud rule sets lint turns into chains: rules with conditions and verdicts, in chains hooked to the
// kernel's hooks, each with the position it was read at. Parsers fill it; evaluate.ts decides with it.

/** A position in a file, 1-based, as the parser read it. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

export type IpVersion = 4 | 6;

/** An address, a prefix (10.0.0.0/8) or a range (10.0.0.1-10.0.0.9), as integers inclusive. */
export interface AddressRange {
  version: IpVersion;
  from: bigint;
  to: bigint;
  /** As written: "10.0.0.0/16", "10.0.0.1-10.0.0.9". */
  text: string;
}

export interface PortRange {
  from: number;
  to: number;
}

/**
 * A set of hosts known only by name: a security group, a pod selector, a network tag, an nft set
 * whose elements are not in the file. `self`: the cluster's own nodes are in it (`self = true`, a
 * selector matching the Redis pods); `internet`: public addresses only (Azure's `Internet` tag).
 */
export interface HostGroup {
  name: string;
  self: boolean;
  internet: boolean;
}

/** What a rule matches on. What the evaluator cannot tell for a flow "may" match. */
export type Condition =
  /** Lower-case protocol names or numbers (`tcp`, `6`); no condition at all means every protocol. */
  | { kind: "protocol"; negated: boolean; protocols: string[] }
  | { kind: "family"; versions: IpVersion[] }
  /**
   * The packet's source or destination is in one of `ranges` or `groups`. `version` is the header the
   * address is read from (`ip saddr`: 4); null when the rule lists both families. `written` is the
   * condition as the file wrote it (`-s 10.0.0.0/16`, `cidr_blocks = ["10.0.0.0/16"]`), for fixes.
   */
  | { kind: "address"; field: "saddr" | "daddr"; version: IpVersion | null; negated: boolean; ranges: AddressRange[]; groups: HostGroup[]; written: string[] }
  /** `protocol` is the header the port is read from: tcp, udp, th (any transport header)... */
  | { kind: "port"; field: "dport" | "sport"; protocol: string; negated: boolean; ranges: PortRange[] }
  | { kind: "ctstate"; negated: boolean; states: string[] }
  /** Interface names; a trailing `*` (nft) or `+` (iptables) is a prefix wildcard. */
  | { kind: "interface"; direction: "in" | "out"; negated: boolean; names: string[]; written: string }
  /** Something this model does not read (a mark, tcp flags, a port only known at run time). */
  | { kind: "unknown"; text: string; about: "port" | "other" };

export type Verdict =
  | { kind: "accept" }
  | { kind: "drop" }
  | { kind: "reject"; text: string }
  | { kind: "return" }
  | { kind: "jump"; target: string }
  | { kind: "goto"; target: string }
  /** `tcp dport vmap { 6379 : accept, 16379 : drop }`: the verdict depends on the port. */
  | { kind: "port-map"; protocol: string; entries: Array<{ ranges: PortRange[]; verdict: Verdict }> }
  /** counter, log, comment...: the packet goes on to the next rule. */
  | { kind: "none" }
  /** A verdict this evaluator does not model (a map on another key, a queue...). */
  | { kind: "unknown"; text: string };

export interface FirewallRule {
  at: Location;
  /** How an operator names it: "handle 17" (nft -a), "rule 3" (iptables -L --line-numbers), "line 12". */
  ref: string;
  handle: number | null;
  /** The rule as the tool prints it or the file wrote it. */
  text: string;
  conditions: Condition[];
  verdict: Verdict;
}

export type Hook = "prerouting" | "input" | "forward" | "output" | "postrouting" | "ingress" | "egress";

export type FirewallSource = "nftables" | "iptables" | "firewalld" | "ufw" | "cloud";

export interface FirewallChain<R extends FirewallRule = FirewallRule> {
  source: FirewallSource;
  /** nft family (inet, ip, ip6...); iptables: ip, ip6tables: ip6; firewalld, ufw and cloud sets: inet. */
  family: string;
  table: string;
  name: string;
  at: Location;
  handle: number | null;
  /** Base chains only; a regular chain is entered by jump or goto. */
  hook: Hook | null;
  priority: number;
  policy: "accept" | "drop" | null;
  rules: R[];
  /** Where a rule appended to this chain would be written (a COMMIT line, a closing brace, after a script's last command). */
  end?: Location;
}

export interface Ruleset<R extends FirewallRule = FirewallRule> {
  source: FirewallSource;
  chains: FirewallChain<R>[];
}

/** A firewall file or dump that cannot be read, with the position and the parser's own words. */
export class FirewallParseError extends Error {
  constructor(
    readonly reason: string,
    readonly position?: { line: number; column: number },
  ) {
    super(position ? `line ${position.line}: ${reason}` : reason);
    this.name = "FirewallParseError";
  }
}
