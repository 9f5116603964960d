// Pure: would the firewall let one new TCP connection through? The packet is walked through the base
// chains of every hook it passes, in priority order, as the kernel does: `accept` ends a base chain
// (the next base chain still sees the packet), `drop`/`reject` end everything, a chain's policy applies
// when its rules fall through. `jump` comes back after the chain it enters, `goto` does not (when the
// chain it entered ends, so does the chain that jumped to the one holding the goto), `return` goes
// back to the caller. What a rule matches on that cannot be known here (an interface name, a mark, an
// address not given) "may" match: a drop behind such a match, or behind an accept that may match, is
// only a possible block. Three answers: blocked for certain, possibly blocked, not blocked.
//
// Each chain is walked at most once per (certainty, depth) and flow, so time is linear in the ruleset;
// the walk recurses only through jumps, cut at MAX_JUMP_DEPTH, so the stack stays small whatever the input.
import ipaddr from "ipaddr.js";
import { isWholeSpace, packetAddress, rangeContains, type AddressValue } from "./addresses.js";
import type { AddressRange, Condition, FirewallChain, FirewallRule, Hook, IpVersion, PortRange, Verdict } from "./model.js";

type Match = "yes" | "no" | "maybe";

/** Where the packet's interface is, seen from this host: loopback (both ends here), another one, or unknown. */
export type InterfaceKind = "lo" | "other" | null;

/** One of the cluster's own nodes whose address is not known: inside every `self` group, maybe inside any range. */
export const CLUSTER_NODE = { kind: "cluster-node" } as const;

/**
 * Some host of the internet at large: inside 0.0.0.0/0 and the `internet` groups, outside private and
 * special-purpose ranges and outside the cluster's own nodes; maybe inside other public ranges.
 */
export const INTERNET_HOST = { kind: "internet-host" } as const;

/** An address, a cluster node, an internet host, or null: not known at all. */
export type Endpoint = string | null | typeof CLUSTER_NODE | typeof INTERNET_HOST;

export interface Flow {
  version: IpVersion;
  saddr: Endpoint;
  daddr: Endpoint;
  dport: number;
  iface: InterfaceKind;
  /** The hooks the packet passes, in order. */
  hooks: readonly Hook[];
}

export interface Blocker<R extends FirewallRule = FirewallRule> {
  chain: FirewallChain<R>;
  /** null: the chain's policy drop. */
  rule: R | null;
  certain: boolean;
}

export interface Acceptor<R extends FirewallRule = FirewallRule> {
  chain: FirewallChain<R>;
  /** null: the base chain ended without a verdict and its policy (or the kernel's default) accepts. */
  rule: R | null;
  certain: boolean;
}

export interface FlowOutcome<R extends FirewallRule = FirewallRule> {
  blocked: "certain" | "possible" | "no";
  /** Every rule or policy met that drops the flow, surely or maybe, in the order met. */
  blockers: Blocker<R>[];
  /** Every rule met that accepts it, surely or maybe, in the order met; and base chains whose policy accepts it. */
  acceptors: Acceptor<R>[];
  /** What made the walk guess: a jump to a chain that is not there, jumps nested past the limit. */
  gaps: string[];
}

export const MAX_JUMP_DEPTH = 16;
/** Linux' default ip_local_port_range: the source ports a new outgoing connection uses. */
const EPHEMERAL_PORTS: PortRange = { from: 32768, to: 60999 };
const RECEIVING_HOOKS: ReadonlySet<Hook> = new Set(["prerouting", "input", "forward", "ingress"]);
const SENDING_HOOKS: ReadonlySet<Hook> = new Set(["output", "postrouting", "forward", "egress"]);

function negate(match: Match, negated: boolean): Match {
  if (!negated || match === "maybe") return match;
  return match === "yes" ? "no" : "yes";
}

function portsContain(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some((range) => port >= range.from && port <= range.to);
}

function interfaceMatch(names: readonly string[], iface: InterfaceKind | "none"): Match {
  if (iface === "none") return "no";
  if (iface === null) return "maybe";
  const isLo = (name: string): boolean => name === "lo" || name === "lo*" || name === "lo+" || name === "1";
  if (iface === "lo") return names.some((name) => isLo(name) || name === "*" || name === "+") ? "yes" : "no";
  return names.every((name) => name === "lo" || name === "1") ? "no" : "maybe";
}

/** The source port of a new connection is an ephemeral one: known to be in the range, not which. */
function sourcePortMatch(ranges: readonly PortRange[]): Match {
  if (ranges.some((range) => range.from <= EPHEMERAL_PORTS.from && range.to >= EPHEMERAL_PORTS.to)) return "yes";
  return ranges.some((range) => range.to >= EPHEMERAL_PORTS.from && range.from <= EPHEMERAL_PORTS.to) ? "maybe" : "no";
}

type EndpointValue = AddressValue | null | typeof CLUSTER_NODE | typeof INTERNET_HOST;

function isClusterNode(endpoint: unknown): endpoint is typeof CLUSTER_NODE {
  return endpoint === CLUSTER_NODE;
}

function isInternetHost(endpoint: unknown): endpoint is typeof INTERNET_HOST {
  return endpoint === INTERNET_HOST;
}

/** Whether a range is only private or special-purpose addresses (RFC 1918, loopback, link-local, ULA...). */
function isPrivateRange(range: AddressRange): boolean {
  const first = range.version === 4 ? ipaddr.fromByteArray(toBytes(range.from, 4)) : ipaddr.fromByteArray(toBytes(range.from, 16));
  const last = range.version === 4 ? ipaddr.fromByteArray(toBytes(range.to, 4)) : ipaddr.fromByteArray(toBytes(range.to, 16));
  return first.range() !== "unicast" && first.range() === last.range();
}

function toBytes(value: bigint, length: number): number[] {
  const bytes: number[] = [];
  for (let i = length - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return bytes;
}

function internetHostMatch(condition: Extract<Condition, { kind: "address" }>, ranges: readonly AddressRange[]): Match {
  if (ranges.some(isWholeSpace) || condition.groups.some((group) => group.internet)) return "yes";
  const maybe = ranges.some((range) => !isPrivateRange(range)) || condition.groups.some((group) => !group.self && !group.internet);
  return maybe ? "maybe" : "no";
}

function addressMatch(condition: Extract<Condition, { kind: "address" }>, endpoint: EndpointValue, version: IpVersion): Match {
  // `ip saddr` never matches an IPv6 packet, negated or not: the header is not there.
  if (condition.version !== null && condition.version !== version) return "no";
  const ranges = condition.ranges.filter((range) => range.version === version);
  let inside: Match;
  if (isInternetHost(endpoint)) {
    inside = internetHostMatch(condition, ranges);
  } else if (endpoint !== null && !isClusterNode(endpoint)) {
    inside = ranges.some((range) => rangeContains(range, endpoint)) ? "yes" : condition.groups.length > 0 ? "maybe" : "no";
  } else if (ranges.some(isWholeSpace) || (isClusterNode(endpoint) && condition.groups.some((group) => group.self))) {
    inside = "yes";
  } else {
    const groups = isClusterNode(endpoint) ? condition.groups.filter((group) => !group.internet) : condition.groups;
    inside = ranges.length > 0 || groups.length > 0 ? "maybe" : "no";
  }
  return negate(inside, condition.negated);
}

function resolveEndpoint(endpoint: Endpoint): EndpointValue {
  if (endpoint === null || isClusterNode(endpoint) || isInternetHost(endpoint)) return endpoint;
  return packetAddress(endpoint);
}

/** A port map's verdict for this flow's port; `none` when no entry has it. */
function resolveVerdict(verdict: Verdict, port: number): Verdict {
  if (verdict.kind !== "port-map") return verdict;
  if (verdict.protocol !== "tcp" && verdict.protocol !== "th") return { kind: "none" };
  return verdict.entries.find((entry) => portsContain(entry.ranges, port))?.verdict ?? { kind: "none" };
}

function familyApplies(family: string, version: IpVersion): boolean {
  if (family === "inet") return true;
  if (family === "ip") return version === 4;
  if (family === "ip6") return version === 6;
  return false;
}

interface ChainEnd {
  end: "accept" | "drop" | "return" | "fallthrough";
  /** False once something that may have accepted (or sent elsewhere) the packet was passed. */
  certain: boolean;
}

const chainKey = (chain: FirewallChain): string => `${chain.source}\u0000${chain.family}\u0000${chain.table}\u0000${chain.name}`;

/** One walk of one flow: the records of what was met, and chain results already computed. */
class Walk<R extends FirewallRule> {
  readonly blockers = new Map<R | FirewallChain<R>, Blocker<R>>();
  readonly acceptors = new Map<R | FirewallChain<R>, Acceptor<R>>();
  readonly gaps = new Set<string>();
  private readonly memo = new Map<FirewallChain<R>, Map<number, ChainEnd>>();
  private readonly saddr: EndpointValue;
  private readonly daddr: EndpointValue;

  constructor(
    private readonly chains: ReadonlyMap<string, FirewallChain<R>>,
    private readonly flow: Flow,
    private hook: Hook,
  ) {
    this.saddr = resolveEndpoint(flow.saddr);
    this.daddr = resolveEndpoint(flow.daddr);
  }

  enterHook(hook: Hook): void {
    this.hook = hook;
    this.memo.clear();
  }

  block(chain: FirewallChain<R>, rule: R | null, certain: boolean): void {
    const key = rule ?? chain;
    const known = this.blockers.get(key);
    if (known === undefined) this.blockers.set(key, { chain, rule, certain });
    else known.certain ||= certain;
  }

  accept(chain: FirewallChain<R>, rule: R | null, certain: boolean): void {
    const key = rule ?? chain;
    const known = this.acceptors.get(key);
    if (known === undefined) this.acceptors.set(key, { chain, rule, certain });
    else known.certain ||= certain;
  }

  private conditionMatch(condition: Condition): Match {
    const flow = this.flow;
    switch (condition.kind) {
      case "protocol":
        return negate(condition.protocols.some((name) => name === "tcp" || name === "6") ? "yes" : "no", condition.negated);
      case "family":
        return condition.versions.includes(flow.version) ? "yes" : "no";
      case "address":
        return addressMatch(condition, condition.field === "saddr" ? this.saddr : this.daddr, flow.version);
      case "port":
        if (condition.protocol !== "tcp" && condition.protocol !== "th") return "no";
        if (condition.field === "sport") return negate(sourcePortMatch(condition.ranges), condition.negated);
        return negate(portsContain(condition.ranges, flow.dport) ? "yes" : "no", condition.negated);
      case "ctstate":
        return negate(condition.states.includes("new") ? "yes" : "no", condition.negated);
      case "interface": {
        const present = condition.direction === "in" ? RECEIVING_HOOKS.has(this.hook) : SENDING_HOOKS.has(this.hook);
        return negate(interfaceMatch(condition.names, present ? flow.iface : "none"), condition.negated);
      }
      case "unknown":
        return "maybe";
    }
  }

  private ruleMatch(rule: R): Match {
    let result: Match = "yes";
    for (const condition of rule.conditions) {
      const match = this.conditionMatch(condition);
      if (match === "no") return "no";
      if (match === "maybe") result = "maybe";
    }
    return result;
  }

  /**
   * A rule that surely matches ends the walk with its verdict (or enters its chain); whether that
   * verdict is certain depends on whether anything before it may already have taken the packet.
   * A rule that may match only makes what follows uncertain, and a drop in it a possible block.
   */
  walk(chain: FirewallChain<R>, startCertain: boolean, depth: number): ChainEnd {
    let certain = startCertain;
    for (const rule of chain.rules) {
      const match = this.ruleMatch(rule);
      if (match === "no") continue;
      const verdict = resolveVerdict(rule.verdict, this.flow.dport);
      if (verdict.kind === "none") continue;
      if (match === "maybe") {
        if (verdict.kind === "drop" || verdict.kind === "reject") {
          this.block(chain, rule, false);
          continue;
        }
        if (verdict.kind === "accept") this.accept(chain, rule, false);
        else if (verdict.kind === "jump" || verdict.kind === "goto") this.enter(chain, verdict.target, false, depth);
        certain = false;
        continue;
      }
      switch (verdict.kind) {
        case "accept":
          this.accept(chain, rule, certain);
          return { end: "accept", certain };
        case "drop":
        case "reject":
          this.block(chain, rule, certain);
          return { end: "drop", certain };
        case "return":
          return { end: "return", certain };
        case "jump":
        case "goto": {
          const inner = this.enter(chain, verdict.target, certain, depth);
          if (inner.end === "accept" || inner.end === "drop") return inner;
          // A goto does not come back: when its chain ends, so does this one.
          if (verdict.kind === "goto") return { end: "return", certain: inner.certain };
          certain = inner.certain;
          break;
        }
        case "port-map":
        case "unknown":
          certain = false;
          break;
      }
    }
    return { end: "fallthrough", certain };
  }

  /** A jump's or goto's chain; one that is missing (or nested past the depth limit) may do anything. */
  private enter(from: FirewallChain<R>, name: string, certain: boolean, depth: number): ChainEnd {
    const next = this.chains.get(chainKey({ ...from, name }));
    if (next === undefined || depth + 1 > MAX_JUMP_DEPTH) {
      this.gaps.add(
        next === undefined ? `${from.name} jumps to ${name}, which is not defined` : `jumps nested deeper than ${MAX_JUMP_DEPTH} at ${from.name} -> ${name}`,
      );
      return { end: "fallthrough", certain: false };
    }
    let results = this.memo.get(next);
    if (results === undefined) {
      results = new Map();
      this.memo.set(next, results);
    }
    const key = (depth + 1) * 2 + (certain ? 1 : 0);
    const known = results.get(key);
    if (known !== undefined) return known;
    const result = this.walk(next, certain, depth + 1);
    results.set(key, result);
    return result;
  }
}

/** A ruleset prepared once (chains by name, base chains per hook) and asked about many flows. */
export class FirewallEvaluator<R extends FirewallRule = FirewallRule> {
  private readonly byName = new Map<string, FirewallChain<R>>();
  private readonly baseChains = new Map<string, FirewallChain<R>[]>();

  constructor(readonly chains: readonly FirewallChain<R>[]) {
    for (const chain of chains) {
      this.byName.set(chainKey(chain), chain);
      if (chain.hook === null) continue;
      const list = this.baseChains.get(chain.hook) ?? [];
      list.push(chain);
      this.baseChains.set(chain.hook, list);
    }
    for (const list of this.baseChains.values()) list.sort((a, b) => a.priority - b.priority || a.table.localeCompare(b.table));
  }

  evaluate(flow: Flow): FlowOutcome<R> {
    const walk = new Walk(this.byName, flow, flow.hooks[0] ?? "input");
    let certain = true;
    let blocked: FlowOutcome<R>["blocked"] | undefined;
    for (const hook of flow.hooks) {
      walk.enterHook(hook);
      for (const chain of this.baseChains.get(hook) ?? []) {
        if (!familyApplies(chain.family, flow.version)) continue;
        const result = walk.walk(chain, certain, 0);
        if (result.end === "drop" && result.certain) blocked = "certain";
        else if (result.end !== "accept" && result.end !== "drop") {
          if (chain.policy === "drop") {
            walk.block(chain, null, result.certain);
            if (result.certain) blocked = "certain";
          } else {
            walk.accept(chain, null, result.certain);
          }
        }
        if (blocked !== undefined) break;
        // What may have been accepted or dropped here leaves every later verdict uncertain.
        certain = certain && result.certain;
      }
      if (blocked !== undefined) break;
    }
    return {
      blocked: blocked ?? (walk.blockers.size > 0 ? "possible" : "no"),
      blockers: [...walk.blockers.values()],
      acceptors: [...walk.acceptors.values()],
      gaps: [...walk.gaps],
    };
  }
}

export function evaluateFlow<R extends FirewallRule>(chains: readonly FirewallChain<R>[], flow: Flow): FlowOutcome<R> {
  return new FirewallEvaluator(chains).evaluate(flow);
}
