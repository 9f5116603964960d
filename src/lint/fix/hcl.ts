// Fix snippets in Terraform: security group blocks and rule resources, GCP firewalls, Azure NSG rules,
// placed after the block or resource they are modelled on (or inside the group, after its last rule).
import type { LintRule, RuleSyntax } from "../model.js";
import { atPlacement, fixPeers, type AllowFixRequest, type WrittenFix } from "./request.js";

/** Aligns `key = value` lines the way `terraform fmt` does, indented by `indent`. */
function attributes(lines: [string, string][], indent: string): string[] {
  const width = Math.max(...lines.map(([key]) => key.length));
  return lines.map(([key, value]) => `${indent}${key.padEnd(width)} = ${value}`);
}

/** `cidr_blocks = ["10.0.0.0/16"]` -> ["cidr_blocks", "[\"10.0.0.0/16\"]"]. */
function splitAttribute(line: string): [string, string] {
  const equals = line.indexOf("=");
  return [line.slice(0, equals).trim(), line.slice(equals + 1).trim()];
}

function copiedPeers(request: AllowFixRequest, nodesOnly: [string, string][]): [string, string][] {
  const peers = fixPeers(request);
  if (peers.nodes || peers.source.length === 0) return nodesOnly;
  return peers.source.map(splitAttribute);
}

/** The priority a new rule takes: just before the rule it must beat (two before, when a deny follows it), or the rule it copies. */
function priorityOf(request: AllowFixRequest, own: number): number {
  const before = request.before?.syntax;
  const beat =
    before && "priority" in before ? before.priority : request.model && "priority" in request.model.rule.syntax ? request.model.rule.syntax.priority : own;
  return Math.max(100, Math.min(beat, own) - (request.thenDrop ? 2 : 1));
}

function busLabel(name: string, direction: string): string {
  const base = name.includes(".") ? (name.split(".")[1] ?? name) : name;
  return `${base}_bus${direction === "out" ? "_egress" : ""}`;
}

function portRangeLines(ports: number[]): [string, string][] {
  return [
    ["from_port", String(Math.min(...ports))],
    ["to_port", String(Math.max(...ports))],
  ];
}

type HclSyntax = Extract<RuleSyntax, { syntax: "aws-sg-inline" | "aws-sg-rule" | "aws-vpc-sg-rule" | "gcp-firewall" | "azure-nsg-rule" }>;

/** The snippet, and where it goes: after the model's block or resource, else where the group takes a new rule. */
export function hclFix(request: AllowFixRequest, syntax: HclSyntax): WrittenFix {
  const fix = hclSnippet(request, syntax);
  const model = request.model?.rule;
  const placement = (model?.syntax.syntax === syntax.syntax ? model.next : undefined) ?? request.placement;
  if (!placement) return { fix };
  // A resource goes after a blank line; a nested block right after its sibling.
  const lines = syntax.syntax === "aws-sg-inline" ? fix.split("\n") : ["", ...fix.split("\n")];
  return { fix, edit: atPlacement(placement, lines) };
}

function hclSnippet(request: AllowFixRequest, syntax: HclSyntax): string {
  const allow = allowSnippet(request, syntax);
  if (!request.thenDrop || (syntax.syntax !== "gcp-firewall" && syntax.syntax !== "azure-nsg-rule")) return allow;
  return `${allow}\n\n${denySnippet(request, syntax)}`;
}

/** The deny that follows a nodes-only allow, one priority later: everyone else is kept off the bus. */
function denySnippet(request: AllowFixRequest, syntax: Extract<HclSyntax, { syntax: "gcp-firewall" | "azure-nsg-rule" }>): string {
  const priority = String(priorityOf(request, syntax.priority) + 1);
  const name = `${busLabel(syntax.resourceName, request.direction)}_others`;
  if (syntax.syntax === "gcp-firewall") {
    const body: [string, string][] = [
      ["name", JSON.stringify(name.replace(/_/g, "-"))],
      ["network", syntax.networkExpr],
      ["priority", priority],
      ...(request.direction === "in"
        ? ([["source_ranges", '["0.0.0.0/0"]']] as [string, string][])
        : ([
            ["direction", '"EGRESS"'],
            ["destination_ranges", '["0.0.0.0/0"]'],
          ] as [string, string][])),
    ];
    const deny = ["  deny {", '    protocol = "tcp"', `    ports    = [${request.ports.map((port) => `"${port}"`).join(", ")}]`, "  }"];
    return [`resource "google_compute_firewall" "${name}" {`, ...attributes(body, "  "), ...deny, "}"].join("\n");
  }
  const body: [string, string][] = [
    ["name", JSON.stringify(name.replace(/_/g, "-"))],
    ["priority", priority],
    ["direction", request.direction === "in" ? '"Inbound"' : '"Outbound"'],
    ["access", '"Deny"'],
    ["protocol", '"Tcp"'],
    ["source_port_range", '"*"'],
    [
      request.ports.length === 1 ? "destination_port_range" : "destination_port_ranges",
      request.ports.length === 1 ? `"${request.ports[0]}"` : `[${request.ports.map((port) => `"${port}"`).join(", ")}]`,
    ],
    ["source_address_prefix", '"*"'],
    ["destination_address_prefix", '"*"'],
    ["resource_group_name", syntax.resourceGroupExpr],
    ["network_security_group_name", syntax.nsgExpr],
  ];
  return [`resource "azurerm_network_security_rule" "${name}" {`, ...attributes(body, "  "), "}"].join("\n");
}

function allowSnippet(request: AllowFixRequest, syntax: HclSyntax): string {
  const direction = request.direction;
  switch (syntax.syntax) {
    case "aws-sg-inline": {
      const body: [string, string][] = [
        ["description", '"Redis Cluster bus"'],
        ...portRangeLines(request.ports),
        ["protocol", '"tcp"'],
        ...copiedPeers(request, [["self", "true"]]),
      ];
      return [`${direction === "in" ? "ingress" : "egress"} {`, ...attributes(body, "  "), "}"].join("\n");
    }
    case "aws-sg-rule": {
      const body: [string, string][] = [
        ["type", direction === "in" ? '"ingress"' : '"egress"'],
        ...portRangeLines(request.ports),
        ["protocol", '"tcp"'],
        ["security_group_id", syntax.securityGroupExpr],
        ...copiedPeers(request, [["self", "true"]]),
      ];
      return [`resource "aws_security_group_rule" "${busLabel(syntax.resourceName, direction)}" {`, ...attributes(body, "  "), "}"].join("\n");
    }
    case "aws-vpc-sg-rule": {
      const type = direction === "in" ? "aws_vpc_security_group_ingress_rule" : "aws_vpc_security_group_egress_rule";
      const body: [string, string][] = [
        ["security_group_id", syntax.securityGroupExpr],
        ["ip_protocol", '"tcp"'],
        ...portRangeLines(request.ports),
        ...copiedPeers(request, [["referenced_security_group_id", syntax.securityGroupExpr]]),
      ];
      return [`resource "${type}" "${busLabel(syntax.resourceName, direction)}" {`, ...attributes(body, "  "), "}"].join("\n");
    }
    case "gcp-firewall": {
      const tags = `[${syntax.targetTags.map((tag) => JSON.stringify(tag)).join(", ")}]`;
      const peersDefault: [string, string][] = syntax.targetTags.length > 0 ? [[direction === "in" ? "source_tags" : "target_tags", tags]] : [];
      const body: [string, string][] = [
        ["name", JSON.stringify(busLabel(syntax.resourceName, direction).replace(/_/g, "-"))],
        ["network", syntax.networkExpr],
        ...(request.before || syntax.priority !== 1000 ? ([["priority", String(priorityOf(request, syntax.priority))]] as [string, string][]) : []),
        ...(direction === "out" ? ([["direction", '"EGRESS"']] as [string, string][]) : []),
        ...copiedPeers(request, peersDefault),
        ...(syntax.targetTags.length > 0 && direction === "in" ? ([["target_tags", tags]] as [string, string][]) : []),
      ];
      const allow = ["  allow {", `    protocol = "tcp"`, `    ports    = [${request.ports.map((port) => `"${port}"`).join(", ")}]`, "  }"];
      return [`resource "google_compute_firewall" "${busLabel(syntax.resourceName, direction)}" {`, ...attributes(body, "  "), ...allow, "}"].join("\n");
    }
    case "azure-nsg-rule": {
      const peer = direction === "in" ? "source_address_prefix" : "destination_address_prefix";
      const body: [string, string][] = [
        ["name", JSON.stringify(busLabel(syntax.resourceName, direction).replace(/_/g, "-"))],
        ["priority", String(priorityOf(request, syntax.priority))],
        ["direction", direction === "in" ? '"Inbound"' : '"Outbound"'],
        ["access", '"Allow"'],
        ["protocol", '"Tcp"'],
        ["source_port_range", '"*"'],
        [
          request.ports.length === 1 ? "destination_port_range" : "destination_port_ranges",
          request.ports.length === 1 ? `"${request.ports[0]}"` : `[${request.ports.map((port) => `"${port}"`).join(", ")}]`,
        ],
        ...copiedPeers(request, [[peer, '"VirtualNetwork"']]),
        [direction === "in" ? "destination_address_prefix" : "source_address_prefix", '"*"'],
        ["resource_group_name", syntax.resourceGroupExpr],
        ["network_security_group_name", syntax.nsgExpr],
      ];
      return [`resource "azurerm_network_security_rule" "${busLabel(syntax.resourceName, direction)}" {`, ...attributes(body, "  "), "}"].join("\n");
    }
  }
}

/**
 * A security group rule that lets the whole internet reach the bus port, rewritten so it no longer
 * does: the same rule for the ports on either side of the bus port, and the bus port for the group
 * itself (`self = true`). Security groups only add up, so nothing else can take the bus port back.
 */
export function splitAroundBus(rule: LintRule, bus: number, direction: "in" | "out"): WrittenFix | undefined {
  const syntax = rule.syntax;
  if ((syntax.syntax !== "aws-sg-inline" && syntax.syntax !== "aws-sg-rule") || !rule.next) return undefined;
  const protocol = rule.conditions.find((condition) => condition.kind === "protocol");
  const port = rule.conditions.find((condition) => condition.kind === "port");
  if (protocol?.kind !== "protocol" || protocol.protocols[0] !== "tcp" || (port !== undefined && (port.kind !== "port" || port.ranges.length !== 1)))
    return undefined;
  // No port condition: the rule was written for every port (from_port = 0, to_port = 65535).
  const range = port?.kind === "port" ? (port.ranges[0] as { from: number; to: number }) : { from: 0, to: 65535 };
  const peers = (rule.peerSource ?? []).map(splitAttribute);
  const pieces: { from: number; to: number; peers: [string, string][] }[] = [];
  if (range.from < bus) pieces.push({ from: range.from, to: bus - 1, peers });
  if (bus < range.to) pieces.push({ from: bus + 1, to: range.to, peers });
  pieces.push({ from: bus, to: bus, peers: [["self", "true"]] });
  const name = syntax.syntax === "aws-sg-rule" ? (syntax.resourceName.split(".")[1] ?? "redis") : "";
  const blocks = pieces.map((piece, index) => {
    const lines: [string, string][] = [["from_port", String(piece.from)], ["to_port", String(piece.to)], ["protocol", '"tcp"'], ...piece.peers];
    if (syntax.syntax === "aws-sg-inline") return [`${direction === "in" ? "ingress" : "egress"} {`, ...attributes(lines, "  "), "}"];
    const label = index === pieces.length - 1 ? `${name}_bus_nodes` : index === 0 ? name : `${name}_above_bus`;
    const body: [string, string][] = [["type", direction === "in" ? '"ingress"' : '"egress"'], ...lines, ["security_group_id", syntax.securityGroupExpr]];
    return [`resource "aws_security_group_rule" "${label}" {`, ...attributes(body, "  "), "}"];
  });
  const indent = rule.next.indent;
  const lines = blocks.flatMap((block, index) => [...(index > 0 ? [""] : []), ...block]);
  const fix = lines.join("\n");
  const text = `${lines.map((line) => (line === "" ? "" : `${indent}${line}`)).join("\n")}\n`;
  return { fix, edit: { file: rule.at.file, start: { line: rule.at.line, column: 1 }, end: { line: rule.next.at.line, column: 1 }, text } };
}
