// Pure: a firewalld zone (from zone XML, `firewall-cmd` lines or Ansible's firewalld module) and the
// chain it stands for. firewalld runs a zone's rich rules of negative priority first, then at priority
// 0 its deny rules before its allow rules (rich accepts, ports, services), then positive priorities;
// what nothing accepts meets the zone's target (default: reject).
import { namedHosts, parseAddressRange } from "../addresses.js";
import type { AddressRange, Condition, FirewallChain, FirewallRule, HostGroup, Location, PortRange } from "../model.js";
import { portRange } from "../ports.js";

export interface ServicePort {
  protocol: string;
  ranges: PortRange[];
}

/** Services firewalld ships (services/*.xml) that matter here or commonly sit next to them. */
export const BUILTIN_SERVICES: ReadonlyMap<string, ServicePort[]> = new Map([
  ["redis", [{ protocol: "tcp", ranges: [{ from: 6379, to: 6379 }] }]],
  ["redis-sentinel", [{ protocol: "tcp", ranges: [{ from: 26379, to: 26379 }] }]],
  ["ssh", [{ protocol: "tcp", ranges: [{ from: 22, to: 22 }] }]],
  ["http", [{ protocol: "tcp", ranges: [{ from: 80, to: 80 }] }]],
  ["https", [{ protocol: "tcp", ranges: [{ from: 443, to: 443 }] }]],
  ["cockpit", [{ protocol: "tcp", ranges: [{ from: 9090, to: 9090 }] }]],
  ["dhcpv6-client", [{ protocol: "udp", ranges: [{ from: 546, to: 546 }] }]],
  ["mdns", [{ protocol: "udp", ranges: [{ from: 5353, to: 5353 }] }]],
]);

export interface RichRule {
  family: "ipv4" | "ipv6" | null;
  priority: number;
  source: { address: string; invert: boolean } | { ipset: string; invert: boolean } | null;
  port: { port: string; protocol: string } | null;
  service: string | null;
  action: "accept" | "reject" | "drop" | null;
}

export type ZoneElement =
  | { kind: "port"; at: Location; port: string; protocol: string }
  | { kind: "service"; at: Location; name: string }
  | { kind: "rule"; at: Location; rule: RichRule; text: string };

export interface FirewalldZone {
  name: string;
  at: Location;
  /** default, ACCEPT, DROP, %%REJECT%% (REJECT). */
  target: string;
  sources: string[];
  elements: ZoneElement[];
  /** Where a new element goes: before `</zone>`, or after a script's last firewall-cmd line. */
  end?: Location;
}

/** firewalld's own spelling of a rich rule, for messages: `rule family="ipv4" source address="10.0.0.0/8" port port="16379" protocol="tcp" accept`. */
export function formatRichRule(rule: RichRule): string {
  const parts = ["rule"];
  if (rule.family) parts.push(`family="${rule.family}"`);
  if (rule.priority !== 0) parts.push(`priority="${rule.priority}"`);
  if (rule.source) {
    const value = "address" in rule.source ? `address="${rule.source.address}"` : `ipset="${rule.source.ipset}"`;
    parts.push(`source${rule.source.invert ? " not" : ""} ${value}`);
  }
  if (rule.port) parts.push(`port port="${rule.port.port}" protocol="${rule.port.protocol}"`);
  if (rule.service) parts.push(`service name="${rule.service}"`);
  if (rule.action) parts.push(rule.action);
  return parts.join(" ");
}

function sourceCondition(addresses: readonly string[], written: string[], negated: boolean): Condition {
  const ranges: AddressRange[] = [];
  const groups: HostGroup[] = [];
  for (const address of addresses) {
    const range = parseAddressRange(address);
    if (range === null) groups.push(namedHosts(address));
    else ranges.push(range);
  }
  return { kind: "address", field: "saddr", version: null, negated, ranges, groups, written };
}

function portConditions(protocol: string, ranges: PortRange[] | undefined, text: string): Condition[] {
  const proto: Condition = { kind: "protocol", negated: false, protocols: [protocol.toLowerCase()] };
  if (ranges === undefined) return [proto, { kind: "unknown", text, about: "port" }];
  return [proto, { kind: "port", field: "dport", protocol: protocol.toLowerCase(), negated: false, ranges }];
}

/** Each port of a service, or an unknown port when the service is not defined anywhere busdoctor read. */
function serviceConditions(name: string, services: ReadonlyMap<string, ServicePort[]>): Condition[][] {
  const ports = services.get(name) ?? BUILTIN_SERVICES.get(name);
  if (ports === undefined) return [[{ kind: "unknown", text: `service ${name} (not defined in the files read)`, about: "port" }]];
  return ports.map((port) => portConditions(port.protocol, port.ranges, `service ${name}`));
}

function richRuleConditions(rule: RichRule, services: ReadonlyMap<string, ServicePort[]>): Condition[][] {
  const base: Condition[] = [];
  if (rule.family) base.push({ kind: "family", versions: [rule.family === "ipv6" ? 6 : 4] });
  if (rule.source && "address" in rule.source)
    base.push(sourceCondition([rule.source.address], [`source${rule.source.invert ? " not" : ""} address="${rule.source.address}"`], rule.source.invert));
  else if (rule.source) {
    base.push({
      kind: "address",
      field: "saddr",
      version: null,
      negated: rule.source.invert,
      ranges: [],
      groups: [{ name: `ipset ${rule.source.ipset}`, self: false, internet: false }],
      written: [`source ipset="${rule.source.ipset}"`],
    });
  }
  if (rule.port)
    return [
      [
        ...base,
        ...portConditions(
          rule.port.protocol,
          portRange(rule.port.port, "-") === undefined ? undefined : [portRange(rule.port.port, "-") as PortRange],
          `port ${rule.port.port}`,
        ),
      ],
    ];
  if (rule.service) return serviceConditions(rule.service, services).map((conditions) => [...base, ...conditions]);
  return [base];
}

/** The zone as a chain hooked to input: its rules in the order firewalld runs them, its target as policy. */
export function zoneChain(zone: FirewalldZone, services: ReadonlyMap<string, ServicePort[]>): FirewallChain {
  const early: Array<{ priority: number; rules: FirewallRule[] }> = [];
  const denies: FirewallRule[] = [];
  const allows: FirewallRule[] = [];
  const late: Array<{ priority: number; rules: FirewallRule[] }> = [];
  const zoneSource =
    zone.sources.length > 0
      ? [
          sourceCondition(
            zone.sources,
            zone.sources.map((source) => `<source address="${source}"/>`),
            false,
          ),
        ]
      : [];
  for (const element of zone.elements) {
    const at = element.at;
    const ref = `line ${at.line}`;
    if (element.kind === "rule") {
      const { rule } = element;
      if (rule.action === null) continue;
      const verdict =
        rule.action === "accept"
          ? ({ kind: "accept" } as const)
          : rule.action === "drop"
            ? ({ kind: "drop" } as const)
            : ({ kind: "reject", text: "reject" } as const);
      const rules = richRuleConditions(rule, services).map((conditions): FirewallRule => ({ at, ref, handle: null, text: element.text, conditions, verdict }));
      if (rule.priority < 0) early.push({ priority: rule.priority, rules });
      else if (rule.priority > 0) late.push({ priority: rule.priority, rules });
      else for (const made of rules) (rule.action === "accept" ? allows : denies).push(made);
      continue;
    }
    const alternatives =
      element.kind === "port"
        ? [
            portConditions(
              element.protocol,
              portRange(element.port, "-") === undefined ? undefined : [portRange(element.port, "-") as PortRange],
              `port ${element.port}`,
            ),
          ]
        : serviceConditions(element.name, services);
    const text = element.kind === "port" ? `<port protocol="${element.protocol}" port="${element.port}"/>` : `<service name="${element.name}"/>`;
    for (const conditions of alternatives)
      allows.push({ at, ref, handle: null, text, conditions: [...zoneSource, ...conditions], verdict: { kind: "accept" } });
  }
  const byPriority = (a: { priority: number }, b: { priority: number }): number => a.priority - b.priority;
  const rules: FirewallRule[] = [];
  for (const group of early.sort(byPriority)) for (const rule of group.rules) rules.push(rule);
  for (const rule of denies) rules.push(rule);
  for (const rule of allows) rules.push(rule);
  for (const group of late.sort(byPriority)) for (const rule of group.rules) rules.push(rule);
  const target = zone.target.toUpperCase();
  return {
    source: "firewalld",
    family: "inet",
    table: "firewalld",
    name: `zone ${zone.name}`,
    at: zone.at,
    handle: null,
    hook: "input",
    priority: 0,
    policy: target === "ACCEPT" ? "accept" : "drop",
    rules,
    ...(zone.end ? { end: zone.end } : {}),
  };
}
