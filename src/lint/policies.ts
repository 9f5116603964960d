// Every layer lint judges, as chains of the firewall engine: host firewall tables as they are, and
// the rule sets of security groups, NetworkPolicies, GCP firewalls and Azure NSGs as one base chain
// each (allows that add up are a chain of accepts ending in a drop policy).
import { parseAddressRange } from "../firewall/addresses.js";
import type { AddressRange, Condition, FirewallChain, HostGroup, Hook, IpVersion, Location, Ruleset, Verdict } from "../firewall/model.js";
import type { Direction, DirectionPolicy, FilterRule, LintRule, Placement, Policy, RuleSyntax } from "./model.js";

const HOOKS: Record<Direction, Hook[]> = { in: ["prerouting", "input"], out: ["output", "postrouting"] };
/** Shared by every cloud and Kubernetes layer (never changed). */
const CLOUD_HOOKS: Record<Direction, Hook[]> = { in: ["input"], out: ["output"] };
const IPV4_ONLY: IpVersion[] = [4];
const ACCEPT: Verdict = { kind: "accept" };
const DROP: Verdict = { kind: "drop" };

/** Conditions every rule of a protocol shares (immutable): a render of thousands of policies holds one each. */
const PROTOCOL_CONDITIONS: Record<Exclude<FilterRule["protocol"], "any">, Condition> = {
  tcp: { kind: "protocol", negated: false, protocols: ["tcp"] },
  udp: { kind: "protocol", negated: false, protocols: ["udp"] },
  other: { kind: "protocol", negated: false, protocols: ["other"] },
};

/** A reader's rule as chain conditions: protocol, destination ports, peers on the far side. */
function conditionsOf(rule: FilterRule, direction: Direction): Condition[] {
  const conditions: Condition[] = [];
  if (rule.protocol !== "any") conditions.push(PROTOCOL_CONDITIONS[rule.protocol]);
  if (rule.ports.kind === "ranges") {
    conditions.push({ kind: "port", field: "dport", protocol: rule.protocol === "any" ? "th" : rule.protocol, negated: false, ranges: rule.ports.ranges });
  } else if (rule.ports.kind === "unresolved") {
    conditions.push({ kind: "unknown", text: rule.ports.names.join(", "), about: "port" });
  }
  if (rule.peers.some((peer) => peer.kind === "any")) return conditions;
  const ranges: AddressRange[] = [];
  const groups: HostGroup[] = [];
  for (const peer of rule.peers) {
    if (peer.kind === "cidr") {
      const range = parseAddressRange(peer.cidr);
      if (range) ranges.push(range);
      else groups.push({ name: peer.cidr, self: false, internet: false });
    } else if (peer.kind === "self") groups.push({ name: peer.label, self: true, internet: false });
    else if (peer.kind === "internet") groups.push({ name: peer.label, self: false, internet: true });
    else if (peer.kind === "ref") groups.push({ name: peer.ref, self: false, internet: false });
  }
  conditions.push({ kind: "address", field: direction === "in" ? "saddr" : "daddr", version: null, negated: false, ranges, groups, written: rule.peerSource });
  return conditions;
}

export function lintRuleOf(rule: FilterRule, direction: Direction): LintRule {
  return {
    at: rule.at,
    // Cloud and Kubernetes rules are named by where they are written.
    ref: "",
    handle: null,
    text: rule.peerSource.length === 0 ? "" : rule.peerSource.join(", "),
    conditions: conditionsOf(rule, direction),
    verdict: rule.verdict === "allow" ? ACCEPT : DROP,
    syntax: rule.syntax,
    peers: rule.peers,
    peerSource: rule.peerSource,
    ...(rule.note === undefined ? {} : { note: rule.note }),
    ...(rule.next === undefined ? {} : { next: rule.next }),
  };
}

function versionsOf(chains: readonly FirewallChain[]): IpVersion[] {
  const versions = new Set<IpVersion>();
  let inet = false;
  for (const chain of chains) {
    if (chain.family === "ip") versions.add(4);
    else if (chain.family === "ip6") versions.add(6);
    else inet = true;
    if (!inet) continue;
    for (const rule of chain.rules) {
      for (const condition of rule.conditions) {
        if (condition.kind === "address" && (condition.version === 6 || condition.ranges.some((range) => range.version === 6))) versions.add(6);
        if (condition.kind === "family" && condition.versions.includes(6)) versions.add(6);
      }
    }
  }
  if (inet) versions.add(4);
  return [...versions].sort();
}

export interface RuleSetInput {
  name: string;
  at: Location;
  direction: Direction;
  rules: FilterRule[];
  /** First match wins (NSG and GCP priorities); otherwise the allows add up and order does not matter. */
  fallback: "allow" | "deny";
  syntax: RuleSyntax;
  incomplete: boolean;
  placement?: Placement;
}

/** One direction of a cloud or Kubernetes layer, its rules in the order they decide. */
export function ruleSetDirection(input: RuleSetInput): DirectionPolicy {
  const chain: FirewallChain<LintRule> = {
    source: "cloud",
    family: "inet",
    table: input.name,
    name: input.direction === "in" ? "ingress" : "egress",
    at: input.at,
    handle: null,
    hook: input.direction === "in" ? "input" : "output",
    priority: 0,
    policy: input.fallback === "allow" ? "accept" : "drop",
    rules: input.rules.map((rule) => lintRuleOf(rule, input.direction)),
  };
  const versions = versionsOf([chain]);
  return {
    chains: [chain],
    hooks: input.direction === "in" ? CLOUD_HOOKS.in : CLOUD_HOOKS.out,
    versions: versions.length === 1 && versions[0] === 4 ? IPV4_ONLY : versions,
    syntax: input.syntax,
    incomplete: input.incomplete,
    ...(input.placement ? { placement: input.placement } : {}),
  };
}

/** What a host firewall file is, for the syntax of the rules a fix adds to it. */
export type HostForm =
  | "iptables-save"
  | "iptables-command"
  | "nft-file"
  | "nft-command"
  | "nft-json"
  | "firewalld-xml"
  | "firewalld-command"
  | "ufw-status"
  | "ufw-command"
  | "ansible-firewalld"
  | "ansible-ufw"
  | "ansible-iptables";

function syntaxOf(form: HostForm, chain: FirewallChain, moduleName: string): RuleSyntax {
  switch (form) {
    case "iptables-save":
    case "iptables-command":
      return {
        syntax: "iptables",
        table: chain.table,
        chain: chain.name,
        form: form === "iptables-save" ? "save" : "command",
        tool: chain.family === "ip6" ? "ip6tables" : "iptables",
      };
    case "nft-file":
    case "nft-command":
      return { syntax: "nft", family: chain.family, table: chain.table, chain: chain.name, form: form === "nft-file" ? "file" : "command" };
    case "nft-json":
      return { syntax: "nft-json", family: chain.family, table: chain.table, chain: chain.name };
    case "firewalld-xml":
    case "firewalld-command":
      return { syntax: "firewalld", zone: chain.name.replace(/^zone /, ""), form: form === "firewalld-xml" ? "xml" : "command" };
    case "ufw-status":
    case "ufw-command":
      return { syntax: "ufw", form: form === "ufw-status" ? "status" : "command" };
    case "ansible-firewalld":
    case "ansible-ufw":
    case "ansible-iptables":
      return {
        syntax: "ansible",
        module: form.slice("ansible-".length) as "firewalld" | "ufw" | "iptables",
        moduleName,
        zone: chain.name.replace(/^zone /, ""),
        chain: chain.name,
        ipVersion: chain.family === "ip6" ? 6 : 4,
      };
  }
}

/** "nft table inet filter", "iptables filter table", "firewalld zone internal", "ufw". */
function layerName(chain: FirewallChain): string {
  switch (chain.source) {
    case "nftables":
      return `nft table ${chain.family} ${chain.table}`;
    case "iptables":
      return `${chain.family === "ip6" ? "ip6tables" : "iptables"} ${chain.table} table`;
    case "firewalld":
      return `firewalld ${chain.name}`;
    case "ufw":
      return "ufw";
    case "cloud":
      return chain.table;
  }
}

/** Lines of the file, so fixes take the indentation of the line they go next to. */
export type IndentOf = (line: number) => string;

/**
 * A host firewall ruleset as lint layers: one per table (its base chains and the chains they jump
 * to), each direction with the hooks a connection in that direction passes.
 */
export function hostPolicies(
  ruleset: Ruleset,
  form: HostForm,
  indentOf: IndentOf,
  options: { moduleName?: string; placement?: Placement | undefined } = {},
): Policy[] {
  const moduleName = options.moduleName ?? "";
  const tables = new Map<string, FirewallChain[]>();
  for (const chain of ruleset.chains) {
    const key = `${chain.family} ${chain.table}`;
    const list = tables.get(key) ?? [];
    list.push(chain);
    tables.set(key, list);
  }
  const policies: Policy[] = [];
  for (const chains of tables.values()) {
    const lintChains: FirewallChain<LintRule>[] = chains.map((chain) => {
      const syntax = syntaxOf(form, chain, moduleName);
      return { ...chain, rules: chain.rules.map((rule): LintRule => ({ ...rule, syntax, indent: indentOf(rule.at.line) })) };
    });
    const first = lintChains[0] as FirewallChain<LintRule>;
    const policy: Policy = { name: layerName(first), at: first.at };
    for (const direction of ["in", "out"] as const) {
      const base = lintChains.filter((chain) => chain.hook !== null && HOOKS[direction].includes(chain.hook));
      const main = base.find((chain) => chain.hook === (direction === "in" ? "input" : "output")) ?? base[0];
      if (main === undefined) continue;
      const rules = main.rules;
      const placementIndent =
        rules.length > 0
          ? (rules[0]?.indent ?? "")
          : main.end
            ? `${indentOf(main.end.line)}${form === "nft-file" ? "\t" : form === "firewalld-xml" ? "  " : ""}`
            : "";
      const placement = options.placement ?? (main.end ? { at: main.end, indent: placementIndent } : undefined);
      policy[direction] = {
        chains: lintChains,
        hooks: HOOKS[direction],
        versions: versionsOf(lintChains),
        syntax: syntaxOf(form, main, moduleName),
        incomplete: false,
        ...(placement ? { placement } : {}),
      };
    }
    if (policy.in || policy.out) policies.push(policy);
  }
  return policies;
}
