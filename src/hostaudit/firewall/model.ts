// One model for both firewalls a host may have (nftables, iptables), so one evaluator decides what
// blocks the client and bus ports. Parsers fill it; nothing here does I/O.

export type IpVersion = 4 | 6;

/** An address, a prefix (10.0.0.0/8) or a range (10.0.0.1-10.0.0.9), as integers inclusive. */
export interface AddressRange {
  version: IpVersion;
  from: bigint;
  to: bigint;
}

export interface PortRange {
  from: number;
  to: number;
}

/** What a rule matches on. What the evaluator cannot tell for a flow is `unknown`: it may match. */
export type Condition =
  | { kind: "protocol"; negated: boolean; protocols: string[] }
  | { kind: "family"; versions: IpVersion[] }
  | { kind: "address"; field: "saddr" | "daddr"; version: IpVersion | null; negated: boolean; ranges: AddressRange[] }
  /** `protocol` is the header the port is read from: tcp, udp, th (any transport header)... */
  | { kind: "port"; field: "dport" | "sport"; protocol: string; negated: boolean; ranges: PortRange[] }
  | { kind: "ctstate"; negated: boolean; states: string[] }
  /** Interface names; a trailing `*` (nft) or `+` (iptables) is a prefix wildcard. */
  | { kind: "interface"; direction: "in" | "out"; negated: boolean; names: string[] }
  | { kind: "unknown"; text: string };

export type Verdict =
  | { kind: "accept" }
  | { kind: "drop" }
  | { kind: "reject"; text: string }
  | { kind: "return" }
  | { kind: "jump"; target: string }
  | { kind: "goto"; target: string }
  /** `tcp dport vmap { 6379 : accept, 16379 : drop }`: the verdict depends on the port. */
  | { kind: "port-map"; protocol: string; entries: Array<{ ranges: PortRange[]; verdict: Verdict }> }
  /** counter, log...: the packet goes on to the next rule. */
  | { kind: "none" }
  /** A verdict this evaluator does not model (a map on another key, a queue...). */
  | { kind: "unknown"; text: string };

export interface FirewallRule {
  /** How an operator names it: "handle 17" (nft -a), "rule 3" (iptables -L --line-numbers). */
  ref: string;
  handle: number | null;
  text: string;
  conditions: Condition[];
  verdict: Verdict;
}

export type Hook = "prerouting" | "input" | "forward" | "output" | "postrouting" | "ingress" | "egress";

export type FirewallSource = "nftables" | "iptables";

export interface FirewallChain {
  source: FirewallSource;
  /** nft family (inet, ip, ip6, ...); iptables rules are `ip` (iptables-save reads IPv4 only). */
  family: string;
  table: string;
  name: string;
  handle: number | null;
  /** Base chains only; a regular chain is entered by jump or goto. */
  hook: Hook | null;
  priority: number;
  policy: "accept" | "drop" | null;
  rules: FirewallRule[];
}

export interface Ruleset {
  source: FirewallSource;
  chains: FirewallChain[];
}
