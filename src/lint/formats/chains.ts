// Host firewall chains (iptables, nftables): ordered rules with jumps, turned into the first-match
// DirectionPolicy the lint rules read. Shared by iptables-save, `nft list ruleset` and `nft -j`.
import type { DirectionPolicy, FilterRule, Location, Peer, PortMatch, PortRange, Protocol, RuleSyntax } from "../model.js";

export type ChainAction =
  | { kind: "accept" }
  | { kind: "drop" }
  | { kind: "jump"; chain: string }
  | { kind: "return" }
  /** counter, log, comment...: matches but decides nothing. */
  | { kind: "none" };

export interface ChainRule {
  at: Location;
  protocol: Protocol;
  dports: PortMatch;
  /** Source addresses (input) or undefined for any; `addressSource` is how the file wrote them. */
  saddr?: string[];
  daddr?: string[];
  saddrSource?: string;
  daddrSource?: string;
  /** Interface condition other than loopback, kept as a peer the nodes may be behind. */
  iface?: string;
  /** Matches only packets that can never open a bus connection: established/related, loopback, source port. */
  irrelevant: boolean;
  /** A condition busdoctor does not model (tcp flags, fib, marks...). */
  unmodelled?: string;
  action: ChainAction;
}

export interface Chain {
  name: string;
  at: Location;
  /** Base chains only. */
  hook?: string;
  policy?: "accept" | "drop";
  rules: ChainRule[];
}

function intersectRanges(a: PortRange[], b: PortRange[]): PortRange[] {
  const result: PortRange[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) result.push({ from, to });
    }
  }
  return result;
}

function intersectPorts(outer: PortMatch, inner: PortMatch): PortMatch {
  if (outer.kind === "any") return inner;
  if (inner.kind === "any") return outer;
  if (outer.kind === "unresolved") return outer;
  if (inner.kind === "unresolved") return inner;
  return { kind: "ranges", ranges: intersectRanges(outer.ranges, inner.ranges) };
}

function intersectProtocol(outer: Protocol, inner: Protocol): Protocol {
  return outer === "any" ? inner : outer;
}

/** A jump's conditions apply to every rule of the chain it jumps to. */
function narrow(outer: ChainRule, inner: ChainRule): ChainRule {
  const rule: ChainRule = {
    ...inner,
    protocol: intersectProtocol(outer.protocol, inner.protocol),
    dports: intersectPorts(outer.dports, inner.dports),
    irrelevant: outer.irrelevant || inner.irrelevant,
  };
  if (!inner.saddr && outer.saddr) Object.assign(rule, { saddr: outer.saddr, saddrSource: outer.saddrSource });
  if (!inner.daddr && outer.daddr) Object.assign(rule, { daddr: outer.daddr, daddrSource: outer.daddrSource });
  if (!inner.iface && outer.iface) rule.iface = outer.iface;
  const unmodelled = outer.unmodelled ?? inner.unmodelled;
  if (unmodelled) rule.unmodelled = unmodelled;
  return rule;
}

/** Inlines jumps into user chains (a return ends the inlined chain), depth-limited against loops. */
function flattenChain(chain: Chain, chains: Map<string, Chain>, depth = 0): ChainRule[] {
  const flat: ChainRule[] = [];
  for (const rule of chain.rules) {
    if (rule.action.kind === "jump") {
      const target = chains.get(rule.action.chain);
      if (!target || depth > 8) continue;
      for (const inner of flattenChain(target, chains, depth + 1)) flat.push(narrow(rule, inner));
      continue;
    }
    if (rule.action.kind === "return") {
      if (!rule.unmodelled && rule.dports.kind === "any" && !rule.saddr && !rule.daddr && !rule.iface) break;
      continue;
    }
    flat.push(rule);
  }
  return flat;
}

function peersOf(rule: ChainRule, direction: "in" | "out"): { peers: Peer[]; source: string[] } {
  const addresses = direction === "in" ? rule.saddr : rule.daddr;
  const written = direction === "in" ? rule.saddrSource : rule.daddrSource;
  const peers: Peer[] = addresses ? addresses.map((cidr) => ({ kind: "cidr", cidr })) : [];
  const source = written ? [written] : [];
  if (rule.iface) {
    peers.push({ kind: "ref", ref: rule.iface });
    source.push(rule.iface);
  }
  if (rule.unmodelled) {
    peers.push({ kind: "ref", ref: rule.unmodelled });
    source.push(rule.unmodelled);
  }
  return { peers: peers.length > 0 ? peers : [{ kind: "any" }], source };
}

/** A base chain as a first-match policy for one direction. */
export function chainPolicy(
  chain: Chain,
  chains: Map<string, Chain>,
  direction: "in" | "out",
  syntax: RuleSyntax,
): DirectionPolicy {
  const rules: FilterRule[] = [];
  for (const rule of flattenChain(chain, chains)) {
    if (rule.irrelevant || rule.action.kind === "none" || rule.action.kind === "jump" || rule.action.kind === "return") continue;
    // An unmodelled condition on a drop might not match our traffic: only trust it when it accepts.
    if (rule.unmodelled && rule.action.kind === "drop") continue;
    const { peers, source } = peersOf(rule, direction);
    rules.push({
      at: rule.at,
      verdict: rule.action.kind === "accept" ? "allow" : "deny",
      protocol: rule.protocol,
      ports: rule.dports,
      peers,
      peerSource: source,
      syntax,
    });
  }
  return { ordered: true, fallback: chain.policy === "drop" ? "deny" : "allow", rules, syntax, incomplete: false };
}
