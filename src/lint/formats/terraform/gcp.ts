// GCP VPC firewall rules (google_compute_firewall): grouped per network and target tags, ordered by
// priority (deny before allow at equal priority), implied deny ingress and allow egress.
import type { FilterRule, Placement, Policy, PortMatch, PortRange, Protocol, RuleSyntax } from "../../model.js";
import { ruleSetDirection } from "../../policies.js";
import { protocolNamed } from "../../protocol.js";
import { parsePortRange } from "../../ports.js";
import type { HclBlock } from "./hcl.js";
import { PeerList, type TfModule, type TfResource } from "./module.js";
import { formatHcl } from "./values.js";

interface GcpRule {
  rule: FilterRule;
  priority: number;
  direction: "in" | "out";
  targetTags: string[];
  network: string;
}

/** `allow { protocol = "tcp" }` or `"6"`; `"all"` means every protocol. */
function protocolOf(text: string | undefined): Protocol {
  return protocolNamed(text ?? "", ["all"]);
}

/** `allow { protocol = "tcp", ports = ["6379", "16379-16384"] }`; no ports means every port. */
function portsOf(module: TfModule, block: HclBlock): PortMatch {
  const list = module.values.list(block.body.attributes.get("ports")?.value);
  if (!block.body.attributes.has("ports")) return { kind: "any" };
  if (!list) return { kind: "unresolved", names: [formatHcl(block.body.attributes.get("ports")?.value ?? { kind: "null", at: block.at })] };
  const ranges: PortRange[] = [];
  for (const item of list) {
    const range = parsePortRange(module.values.string(item) ?? "", "-");
    if (!range) return { kind: "unresolved", names: [formatHcl(item)] };
    ranges.push(range);
  }
  return { kind: "ranges", ranges };
}

/** Sample: `resource "google_compute_firewall" "x" { network = ..., source_tags = [...], allow { ... } }`. */
function readFirewall(module: TfModule, resource: TfResource): GcpRule[] {
  const value = (name: string) => resource.body.attributes.get(name)?.value;
  if (module.values.bool(value("disabled")) === true) return [];
  const direction = (module.values.string(value("direction")) ?? "INGRESS").toUpperCase() === "EGRESS" ? "out" : "in";
  const targetTags = (module.values.list(value("target_tags")) ?? []).flatMap((tag) => module.values.string(tag) ?? []);
  const network = value("network") ? formatHcl(value("network") as NonNullable<ReturnType<typeof value>>) : "default";
  const peers = new PeerList(module, new Map());
  if (direction === "in") {
    peers.cidrs("source_ranges", value("source_ranges"));
    peers.refs("source_tags", value("source_tags"), (tag) => targetTags.includes(tag), "the target tags themselves");
    peers.refs("source_service_accounts", value("source_service_accounts"), () => false, "");
  } else {
    peers.cidrs("destination_ranges", value("destination_ranges"));
  }
  const peerList = peers.peers.length > 0 ? peers.peers : [{ kind: "any" as const }];
  const priority = module.values.number(value("priority")) ?? 1000;
  const syntax: RuleSyntax = { syntax: "gcp-firewall", resourceName: `google_compute_firewall.${resource.name}`, networkExpr: network, targetTags, priority };
  return resource.body.blocks
    .filter((block) => block.type === "allow" || block.type === "deny")
    .map((block) => ({
      priority,
      direction,
      targetTags,
      network,
      rule: {
        at: block.at,
        verdict: block.type === "allow" ? "allow" : "deny",
        protocol: protocolOf(module.values.string(block.body.attributes.get("protocol")?.value)),
        ports: portsOf(module, block),
        peers: peerList,
        peerSource: peers.source,
        syntax,
        next: resource.block.next,
      },
    }));
}

function ordered(rules: GcpRule[]): FilterRule[] {
  return [...rules]
    .sort((a, b) => a.priority - b.priority || (a.rule.verdict === b.rule.verdict ? 0 : a.rule.verdict === "deny" ? -1 : 1))
    .map((entry) => entry.rule);
}

/** One policy per network and set of target tags; untargeted rules apply to every instance of the network. */
export function gcpPolicies(module: TfModule): Policy[] {
  const firewalls = module.resources.filter((resource) => resource.type === "google_compute_firewall");
  const rules = firewalls.flatMap((resource) => readFirewall(module, resource));
  const managed = module.resources.some((resource) => resource.type === "google_redis_instance" || resource.type === "google_redis_cluster");
  // Rules with target tags define the groups of instances; untargeted rules apply to every group.
  const targeted = rules.some((entry) => entry.targetTags.length > 0);
  const groups = new Map<string, { network: string; tags: string[]; at: FilterRule["at"] }>();
  for (const entry of rules) {
    if (targeted && entry.targetTags.length === 0) continue;
    const key = `${entry.network}|${[...entry.targetTags].sort().join(",")}`;
    if (!groups.has(key)) groups.set(key, { network: entry.network, tags: entry.targetTags, at: entry.rule.at });
  }
  const lastFirewall = firewalls[firewalls.length - 1];
  const placement: Placement | undefined = lastFirewall?.block.next;
  const policies: Policy[] = [];
  for (const group of groups.values()) {
    const applies = rules.filter(
      (entry) => entry.network === group.network && (entry.targetTags.length === 0 || entry.targetTags.some((tag) => group.tags.includes(tag))),
    );
    const syntax: RuleSyntax = {
      syntax: "gcp-firewall",
      resourceName: "google_compute_firewall.redis",
      networkExpr: group.network,
      targetTags: group.tags,
      priority: 1000,
    };
    const inbound = applies.filter((entry) => entry.direction === "in");
    const outbound = applies.filter((entry) => entry.direction === "out");
    const policy: Policy = {
      name: `GCP firewall of ${group.network}${group.tags.length > 0 ? ` (target tags ${group.tags.join(", ")})` : ""}`,
      at: group.at,
    };
    if (managed) policy.managedService = "Memorystore";
    const direction = (entries: GcpRule[], which: "in" | "out", fallback: "allow" | "deny") =>
      ruleSetDirection({
        name: policy.name,
        at: policy.at,
        direction: which,
        rules: ordered(entries),
        fallback,
        syntax,
        incomplete: false,
        ...(placement ? { placement } : {}),
      });
    if (inbound.length > 0) policy.in = direction(inbound, "in", "deny");
    if (outbound.length > 0) policy.out = direction(outbound, "out", "allow");
    policies.push(policy);
  }
  return policies;
}
