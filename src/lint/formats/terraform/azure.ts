// Azure network security groups: azurerm_network_security_rule resources and inline security_rule
// blocks, ordered by priority, followed by Azure's default rules (VNet traffic allowed, the rest denied).
import type { FilterRule, Location, Peer, Placement, Policy, PortMatch, PortRange, RuleSyntax } from "../../model.js";
import { ruleSetDirection } from "../../policies.js";
import { parsePortRange } from "../../ports.js";
import type { HclBody, HclExpr } from "./hcl.js";
import { resourceRef, type TfModule } from "./module.js";
import { formatHcl } from "./values.js";

interface NsgRule {
  rule: FilterRule;
  priority: number;
  direction: "in" | "out";
}

const EVERYONE = new Set(["*", "any", "0.0.0.0/0"]);

/** `"VirtualNetwork"` holds every node; `"*"` is everyone; `"Internet"` public addresses only; CIDRs as they are. */
function peerOf(text: string): Peer {
  const lower = text.toLowerCase();
  if (EVERYONE.has(lower)) return { kind: "cidr", cidr: "0.0.0.0/0" };
  if (lower === "internet") return { kind: "internet", label: text };
  if (lower === "virtualnetwork") return { kind: "self", label: "VirtualNetwork" };
  if (/^[0-9a-f.:]+(\/\d+)?$/i.test(text)) return { kind: "cidr", cidr: text };
  return { kind: "ref", ref: text };
}

function strings(module: TfModule, expr: HclExpr | undefined): string[] | undefined {
  if (!expr) return undefined;
  const list = module.values.list(expr);
  if (list) return list.flatMap((item) => module.values.string(item) ?? []);
  const single = module.values.string(expr);
  return single === undefined ? undefined : [single];
}

function portsOf(values: string[] | undefined): PortMatch {
  if (!values) return { kind: "unresolved", names: ["destination_port_range"] };
  if (values.includes("*")) return { kind: "any" };
  const ranges: PortRange[] = [];
  for (const value of values) {
    const range = parsePortRange(value, "-");
    if (!range) return { kind: "unresolved", names: [value] };
    ranges.push(range);
  }
  return { kind: "ranges", ranges };
}

/** Sample: `priority = 110, direction = "Inbound", access = "Allow", protocol = "Tcp", destination_port_range = "6379"`. */
function readRule(
  module: TfModule,
  body: HclBody,
  at: Location,
  next: Placement,
  syntaxBase: Omit<Extract<RuleSyntax, { syntax: "azure-nsg-rule" }>, "priority">,
): NsgRule | undefined {
  const value = (name: string) => body.attributes.get(name)?.value;
  const direction = (module.values.string(value("direction")) ?? "").toLowerCase() === "outbound" ? "out" : "in";
  const priority = module.values.number(value("priority")) ?? 4096;
  const protocol = (module.values.string(value("protocol")) ?? "*").toLowerCase();
  const side = direction === "in" ? "source" : "destination";
  const single = value(`${side}_address_prefix`);
  const many = value(`${side}_address_prefixes`);
  const addresses = strings(module, single ?? many) ?? [];
  const peerSource = single ? [`${side}_address_prefix = ${formatHcl(single)}`] : many ? [`${side}_address_prefixes = ${formatHcl(many)}`] : [];
  const ports = portsOf(strings(module, value("destination_port_range") ?? value("destination_port_ranges")));
  return {
    priority,
    direction,
    rule: {
      at,
      verdict: (module.values.string(value("access")) ?? "").toLowerCase() === "deny" ? "deny" : "allow",
      protocol: protocol === "tcp" ? "tcp" : protocol === "*" || protocol === "asterisk" ? "any" : protocol === "udp" ? "udp" : "other",
      ports,
      peers: addresses.length > 0 ? addresses.map(peerOf) : [{ kind: "ref", ref: "application security groups" }],
      peerSource,
      syntax: { ...syntaxBase, priority },
      next,
    },
  };
}

/** Azure's built-in rules after every custom one (65000 AllowVnet*, 65500 DenyAll*). */
function defaults(direction: "in" | "out", at: Location, syntax: RuleSyntax): FilterRule[] {
  const base = { at, protocol: "any" as const, ports: { kind: "any" as const }, peerSource: [], syntax };
  return [{ ...base, verdict: "allow", peers: [{ kind: "self", label: `VirtualNetwork (AllowVnet${direction === "in" ? "In" : "Out"}Bound)` }] }];
}

export function azurePolicies(module: TfModule): Policy[] {
  const groups = new Map<string, { policy: Policy; rules: NsgRule[]; resourceGroup: string; placement: Placement }>();
  const group = (ref: string, at: Location, resourceGroup: string, placement: Placement) => {
    let entry = groups.get(ref);
    if (!entry) {
      entry = { policy: { name: ref, at }, rules: [], resourceGroup, placement };
      groups.set(ref, entry);
    }
    entry.placement = placement;
    return entry;
  };
  const managed = module.resources.some(
    (resource) => resource.type === "azurerm_redis_cache" || resource.type === "azurerm_redis_enterprise_cluster" || resource.type === "azurerm_managed_redis",
  );
  for (const resource of module.resources) {
    const resourceGroup = formatHcl(resource.body.attributes.get("resource_group_name")?.value ?? { kind: "string", value: "", at: resource.at });
    if (resource.type === "azurerm_network_security_group") {
      const ref = `azurerm_network_security_group.${resource.name}`;
      const entry = group(ref, resource.at, resourceGroup, resource.block.next);
      for (const block of resource.body.blocks.filter((candidate) => candidate.type === "security_rule")) {
        const rule = readRule(module, block.body, block.at, resource.block.next, {
          syntax: "azure-nsg-rule",
          resourceName: `${ref}_rule`,
          nsgExpr: `${ref}.name`,
          resourceGroupExpr: resourceGroup,
        });
        if (rule) entry.rules.push(rule);
      }
    } else if (resource.type === "azurerm_network_security_rule") {
      const nsgExpr = formatHcl(resource.body.attributes.get("network_security_group_name")?.value ?? { kind: "string", value: "", at: resource.at });
      const entry = group(resourceRef(nsgExpr), resource.at, resourceGroup, resource.block.next);
      const rule = readRule(module, resource.body, resource.at, resource.block.next, {
        syntax: "azure-nsg-rule",
        resourceName: `azurerm_network_security_rule.${resource.name}`,
        nsgExpr,
        resourceGroupExpr: resourceGroup,
      });
      if (rule) entry.rules.push(rule);
    }
  }
  return [...groups.values()].map(({ policy, rules, resourceGroup, placement }) => {
    const syntax: RuleSyntax = {
      syntax: "azure-nsg-rule",
      resourceName: "redis",
      nsgExpr: `${policy.name}.name`,
      resourceGroupExpr: resourceGroup,
      priority: 4096,
    };
    const direction = (which: "in" | "out") =>
      ruleSetDirection({
        name: policy.name,
        at: policy.at,
        direction: which,
        rules: [
          ...rules
            .filter((rule) => rule.direction === which)
            .sort((a, b) => a.priority - b.priority)
            .map((rule) => rule.rule),
          ...defaults(which, policy.at, syntax),
        ],
        fallback: "deny",
        syntax,
        incomplete: false,
        placement,
      });
    return { ...policy, ...(managed ? { managedService: "Azure Cache for Redis" } : {}), in: direction("in"), out: direction("out") };
  });
}
