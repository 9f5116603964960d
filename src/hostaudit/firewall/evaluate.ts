// Pure: would the host's firewall let one new TCP connection through? The packet is walked through the
// base chains of every hook it passes, in priority order, as the kernel does: `accept` ends a base
// chain (the next base chain still sees the packet), `drop`/`reject` end everything, a chain's policy
// applies when its rules fall through. What a rule matches on that cannot be known here (an interface
// name, a mark) "may" match: a drop behind such a match, or behind an accept that may match, is only
// a possible block.
import { addressValue, rangeContains } from "./addresses.js";
import type { Condition, FirewallChain, FirewallRule, Hook, IpVersion, PortRange, Verdict } from "./model.js";

type Match = "yes" | "no" | "maybe";

/** Where the packet's interface is, seen from this host: loopback (both ends here), another one, or unknown. */
export type InterfaceKind = "lo" | "other" | null;

export interface Flow {
  version: IpVersion;
  /** null when not known (any source): address matches then "may" apply. */
  saddr: string | null;
  daddr: string | null;
  dport: number;
  iface: InterfaceKind;
  /** The hooks the packet passes, in order. */
  hooks: Hook[];
}

export interface Blocker {
  chain: FirewallChain;
  /** null: the chain's policy drop. */
  rule: FirewallRule | null;
  certain: boolean;
}

export interface FlowOutcome {
  blocked: "certain" | "possible" | "no";
  blockers: Blocker[];
}

const MAX_JUMP_DEPTH = 16;
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
  const isLo = (name: string): boolean => name === "lo" || name === "lo*" || name === "lo+";
  if (iface === "lo") return names.some((name) => isLo(name) || name === "*" || name === "+") ? "yes" : "no";
  return names.every((name) => name === "lo") ? "no" : "maybe";
}

function conditionMatch(condition: Condition, flow: Flow, hook: Hook): Match {
  switch (condition.kind) {
    case "protocol":
      return negate(condition.protocols.some((name) => name === "tcp" || name === "6") ? "yes" : "no", condition.negated);
    case "family":
      return condition.versions.includes(flow.version) ? "yes" : "no";
    case "address": {
      // `ip saddr` never matches an IPv6 packet, negated or not: the header is not there.
      if (condition.version !== null && condition.version !== flow.version) return "no";
      const text = condition.field === "saddr" ? flow.saddr : flow.daddr;
      const address = text === null ? null : addressValue(text);
      if (address === null) return "maybe";
      return negate(condition.ranges.some((range) => rangeContains(range, address)) ? "yes" : "no", condition.negated);
    }
    case "port":
      if (condition.protocol !== "tcp" && condition.protocol !== "th") return "no";
      // The source port of a new connection is an ephemeral one nobody can predict.
      if (condition.field === "sport") return "maybe";
      return negate(portsContain(condition.ranges, flow.dport) ? "yes" : "no", condition.negated);
    case "ctstate":
      return negate(condition.states.includes("new") ? "yes" : "no", condition.negated);
    case "interface": {
      const present = condition.direction === "in" ? RECEIVING_HOOKS.has(hook) : SENDING_HOOKS.has(hook);
      return negate(interfaceMatch(condition.names, present ? flow.iface : "none"), condition.negated);
    }
    case "unknown":
      return "maybe";
  }
}

function ruleMatch(rule: FirewallRule, flow: Flow, hook: Hook): Match {
  let result: Match = "yes";
  for (const condition of rule.conditions) {
    const match = conditionMatch(condition, flow, hook);
    if (match === "no") return "no";
    if (match === "maybe") result = "maybe";
  }
  return result;
}

/** A port map's verdict for this flow's port; `none` when no entry has it. */
function resolveVerdict(verdict: Verdict, flow: Flow): Verdict {
  if (verdict.kind !== "port-map") return verdict;
  if (verdict.protocol !== "tcp" && verdict.protocol !== "th") return { kind: "none" };
  return verdict.entries.find((entry) => portsContain(entry.ranges, flow.dport))?.verdict ?? { kind: "none" };
}

interface Walk {
  end: "accept" | "drop" | "return" | "fallthrough";
  /** False once something that may have accepted the packet was passed. */
  certain: boolean;
  blockers: Blocker[];
}

class Walker {
  constructor(
    private readonly chains: readonly FirewallChain[],
    private readonly flow: Flow,
    private readonly hook: Hook,
  ) {}

  private target(from: FirewallChain, name: string): FirewallChain | undefined {
    return this.chains.find((chain) => chain.source === from.source && chain.family === from.family && chain.table === from.table && chain.name === name);
  }

  /**
   * A rule that surely matches ends the walk with its verdict (or enters its chain); whether that
   * verdict is certain depends on whether anything before it may already have accepted the packet.
   * A rule that may match only makes what follows uncertain, and a drop in it a possible block.
   */
  walk(chain: FirewallChain, startCertain: boolean, depth: number): Walk {
    let certain = startCertain;
    const blockers: Blocker[] = [];
    for (const rule of chain.rules) {
      const match = ruleMatch(rule, this.flow, this.hook);
      if (match === "no") continue;
      const verdict = resolveVerdict(rule.verdict, this.flow);
      if (verdict.kind === "none") continue;
      if (match === "maybe") {
        if (verdict.kind === "drop" || verdict.kind === "reject") blockers.push({ chain, rule, certain: false });
        else if (verdict.kind === "jump" || verdict.kind === "goto") blockers.push(...this.enter(chain, verdict.target, false, depth).blockers);
        if (verdict.kind !== "drop" && verdict.kind !== "reject") certain = false;
        continue;
      }
      switch (verdict.kind) {
        case "accept":
          return { end: "accept", certain, blockers };
        case "drop":
        case "reject":
          blockers.push({ chain, rule, certain });
          return { end: "drop", certain, blockers };
        case "return":
          return { end: "return", certain, blockers };
        case "jump":
        case "goto": {
          const inner = this.enter(chain, verdict.target, certain, depth);
          blockers.push(...inner.blockers);
          if (inner.end === "accept" || inner.end === "drop") return { ...inner, blockers };
          // A goto does not come back: when its chain ends, so does this one.
          if (verdict.kind === "goto") return { end: "return", certain: inner.certain, blockers };
          certain = inner.certain;
          break;
        }
        case "port-map":
        case "unknown":
          certain = false;
          break;
      }
    }
    return { end: "fallthrough", certain, blockers };
  }

  /** A jump's or goto's chain; one that is missing (or a loop past the depth limit) may do anything. */
  private enter(from: FirewallChain, name: string, certain: boolean, depth: number): Walk {
    const next = this.target(from, name);
    if (next === undefined || depth >= MAX_JUMP_DEPTH) return { end: "fallthrough", certain: false, blockers: [] };
    return this.walk(next, certain, depth + 1);
  }
}

function familyApplies(family: string, version: IpVersion): boolean {
  if (family === "inet") return true;
  if (family === "ip") return version === 4;
  if (family === "ip6") return version === 6;
  return false;
}

export function evaluateFlow(chains: readonly FirewallChain[], flow: Flow): FlowOutcome {
  const blockers: Blocker[] = [];
  let certain = true;
  for (const hook of flow.hooks) {
    const base = chains
      .filter((chain) => chain.hook === hook && familyApplies(chain.family, flow.version))
      .sort((a, b) => a.priority - b.priority || a.table.localeCompare(b.table));
    const walker = new Walker(chains, flow, hook);
    for (const chain of base) {
      const result = walker.walk(chain, certain, 0);
      blockers.push(...result.blockers);
      if (result.end === "drop" && result.certain) return { blocked: "certain", blockers };
      if (result.end !== "accept" && chain.policy === "drop") {
        blockers.push({ chain, rule: null, certain: result.certain });
        if (result.certain) return { blocked: "certain", blockers };
      }
      // What may have been accepted or dropped here leaves every later verdict uncertain.
      certain = certain && result.certain;
    }
  }
  return { blocked: blockers.length > 0 ? "possible" : "no", blockers };
}
