// AWS security groups in Terraform: inline ingress/egress (and dynamic blocks over known lists),
// aws_security_group_rule, aws_vpc_security_group_ingress_rule / _egress_rule.
import type { FilterRule, Location, Placement, Policy, PortMatch, Protocol, RuleSyntax } from "../../model.js";
import { ruleSetDirection } from "../../policies.js";
import { protocolNamed } from "../../protocol.js";
import type { HclBody } from "./hcl.js";
import { mentionsManagedService, PeerList, resourceRef, type TfModule, type TfResource } from "./module.js";
import { formatHcl, type IteratorEnv } from "./values.js";

/** Managed Redis resources whose `security_group_ids` guard a service that opens only its client port. */
const MANAGED_RESOURCES: Record<string, string> = {
  aws_elasticache_replication_group: "ElastiCache",
  aws_elasticache_cluster: "ElastiCache",
  aws_elasticache_serverless_cache: "ElastiCache Serverless",
  aws_memorydb_cluster: "MemoryDB",
};

interface GroupRules {
  policy: Policy;
  in: FilterRule[];
  out: FilterRule[];
  incompleteIn: boolean;
  incompleteOut: boolean;
  /** Egress is only restricted once some egress rule exists (AWS' default allows all). */
  hasEgress: boolean;
  syntax: RuleSyntax;
  /** Where a rule of this group's style goes when none can serve as a model. */
  placement?: Placement;
}

/** `protocol = "tcp"` or `"6"`; `"-1"` and `"all"` mean every protocol. */
function protocolOf(text: string | undefined): Protocol | undefined {
  return text === undefined ? undefined : protocolNamed(text, ["-1", "all"]);
}

interface RuleInput {
  body: HclBody;
  env: IteratorEnv;
  at: Location;
  next: Placement;
  syntax: RuleSyntax;
  /** `aws_security_group.redis`, to recognise references to the group itself. */
  ownRef: string;
  /** aws_vpc_security_group_*_rule attribute names differ. */
  vpcStyle: boolean;
}

/**
 * One rule. Sample: `ingress { from_port = 16379, to_port = 16379, protocol = "tcp", self = true }`
 * or `resource "aws_vpc_security_group_ingress_rule" "bus" { ip_protocol = "tcp", from_port = 16379, ... }`.
 */
function readRule(module: TfModule, input: RuleInput): { rule?: FilterRule; incomplete: boolean } {
  const { body, env } = input;
  const value = (name: string) => body.attributes.get(name)?.value;
  const protocol = protocolOf(module.values.string(value(input.vpcStyle ? "ip_protocol" : "protocol"), env));
  if (!protocol) return { incomplete: true };
  let ports: PortMatch = { kind: "any" };
  if (protocol !== "any") {
    const from = module.values.number(value("from_port"), env);
    const to = module.values.number(value("to_port"), env);
    if (from === undefined || to === undefined) {
      const written = [value("from_port"), value("to_port")].flatMap((expr) => (expr ? [formatHcl(expr)] : []));
      ports = { kind: "unresolved", names: written };
    } else if (!(from <= 0 && to >= 65535)) {
      ports = { kind: "ranges", ranges: [{ from, to }] };
    }
  }
  const peers = new PeerList(module, env);
  const isSelf = (ref: string) => resourceRef(ref) === input.ownRef;
  if (input.vpcStyle) {
    peers.cidrs("cidr_ipv4", value("cidr_ipv4"));
    peers.cidrs("cidr_ipv6", value("cidr_ipv6"));
    peers.refs("referenced_security_group_id", value("referenced_security_group_id"), isSelf, "the group itself");
    peers.refs("prefix_list_id", value("prefix_list_id"), () => false, "");
  } else {
    peers.cidrs("cidr_blocks", value("cidr_blocks"));
    peers.cidrs("ipv6_cidr_blocks", value("ipv6_cidr_blocks"));
    if (module.values.bool(value("self"), env) === true) peers.add({ kind: "self", label: "self = true" }, "self = true");
    peers.refs("security_groups", value("security_groups"), isSelf, "the group itself");
    peers.refs("source_security_group_id", value("source_security_group_id"), isSelf, "the group itself");
    peers.refs("prefix_list_ids", value("prefix_list_ids"), () => false, "");
  }
  if (peers.peers.length === 0) return { incomplete: false };
  return {
    incomplete: ports.kind === "unresolved",
    rule: { at: input.at, verdict: "allow", protocol, ports, peers: peers.peers, peerSource: peers.source, syntax: input.syntax, next: input.next },
  };
}

function add(group: GroupRules, direction: "in" | "out", result: { rule?: FilterRule; incomplete: boolean }): void {
  if (direction === "out") group.hasEgress = true;
  if (result.rule) group[direction].push(result.rule);
  if (result.incomplete) {
    if (direction === "in") group.incompleteIn = true;
    else group.incompleteOut = true;
  }
}

/** Inline blocks, including `dynamic "ingress"` over a list busdoctor can read. */
function readInline(module: TfModule, group: GroupRules, resource: TfResource, ownRef: string): void {
  for (const block of resource.body.blocks) {
    const dynamic = block.type === "dynamic";
    const kind = dynamic ? block.labels[0] : block.type;
    if (kind !== "ingress" && kind !== "egress") continue;
    const direction = kind === "ingress" ? "in" : "out";
    const base = { at: block.at, next: block.next, syntax: group.syntax, ownRef, vpcStyle: false };
    if (!dynamic) {
      add(group, direction, readRule(module, { ...base, body: block.body, env: new Map() }));
      continue;
    }
    const content = block.body.blocks.find((inner) => inner.type === "content");
    const elements = module.values.list(block.body.attributes.get("for_each")?.value);
    if (!content || !elements) {
      add(group, direction, { incomplete: true });
      continue;
    }
    // `iterator = rule` renames the iterator; it defaults to the block's label.
    const iteratorExpr = block.body.attributes.get("iterator")?.value;
    const name = iteratorExpr?.kind === "ref" ? iteratorExpr.text : kind;
    elements.forEach((element, index) => {
      const env: IteratorEnv = new Map([[name, { key: { kind: "number", value: index, at: block.at }, value: element }]]);
      add(group, direction, readRule(module, { ...base, body: content.body, env }));
    });
  }
}

/**
 * `managed`: security groups the whole tree shows guarding a managed service (passed to an ElastiCache
 * module in a sibling folder, say), as `aws_security_group.NAME`.
 */
export function awsPolicies(module: TfModule, managedElsewhere: ReadonlySet<string> = new Set()): Policy[] {
  const groups = new Map<string, GroupRules>();
  const groupFor = (ref: string, at: Location, syntax: RuleSyntax, placement: Placement): GroupRules => {
    let group = groups.get(ref);
    if (!group) {
      group = { policy: { name: ref, at }, in: [], out: [], incompleteIn: false, incompleteOut: false, hasEgress: false, syntax, placement };
      groups.set(ref, group);
    }
    return group;
  };
  for (const resource of module.resources.filter((candidate) => candidate.type === "aws_security_group")) {
    const ref = `aws_security_group.${resource.name}`;
    const group = groupFor(ref, resource.at, { syntax: "aws-sg-inline", securityGroup: ref }, resource.block.inside);
    const managed = mentionsManagedService(resource, module);
    if (managed) group.policy.managedService = managed;
    if (managedElsewhere.has(ref)) group.policy.managedService = "a managed Redis service (through a module)";
    readInline(module, group, resource, ref);
  }
  for (const resource of module.resources) {
    const vpcStyle = resource.type === "aws_vpc_security_group_ingress_rule" || resource.type === "aws_vpc_security_group_egress_rule";
    if (resource.type !== "aws_security_group_rule" && !vpcStyle) continue;
    const groupExpr = resource.body.attributes.get("security_group_id")?.value;
    const groupText = groupExpr ? formatHcl(groupExpr) : "(no security_group_id)";
    const ref = resourceRef(groupText);
    const resourceName = `${resource.type}.${resource.name}`;
    const syntax: RuleSyntax = vpcStyle
      ? { syntax: "aws-vpc-sg-rule", resourceName, securityGroupExpr: groupText }
      : { syntax: "aws-sg-rule", resourceName, securityGroupExpr: groupText };
    const group = groupFor(ref, resource.at, syntax, resource.block.next);
    // Rule resources of a group without inline rules: a new rule resource goes after the last one.
    if (group.syntax.syntax !== "aws-sg-inline") group.placement = resource.block.next;
    const type = vpcStyle ? (resource.type.endsWith("ingress_rule") ? "ingress" : "egress") : module.values.string(resource.body.attributes.get("type")?.value);
    add(
      group,
      type === "egress" ? "out" : "in",
      readRule(module, { body: resource.body, env: new Map(), at: resource.at, next: resource.block.next, syntax, ownRef: ref, vpcStyle }),
    );
  }
  for (const resource of module.resources) {
    const service = MANAGED_RESOURCES[resource.type];
    const ids = resource.body.attributes.get("security_group_ids")?.value;
    if (!service || ids?.kind !== "tuple") continue;
    for (const item of ids.items) {
      const group = groups.get(resourceRef(formatHcl(item)));
      if (group) group.policy.managedService = service;
    }
  }
  return [...groups.values()].map((group) => {
    const direction = (which: "in" | "out") =>
      ruleSetDirection({
        name: group.policy.name,
        at: group.policy.at,
        direction: which,
        rules: group[which],
        fallback: "deny",
        syntax: group.syntax,
        incomplete: which === "in" ? group.incompleteIn : group.incompleteOut,
        ...(group.placement ? { placement: group.placement } : {}),
      });
    const policy: Policy = { ...group.policy, in: direction("in") };
    if (group.hasEgress) policy.out = direction("out");
    return policy;
  });
}
