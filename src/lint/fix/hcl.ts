// Fix snippets in Terraform: security group blocks and rule resources, GCP firewalls, Azure NSG rules.
import type { RuleSyntax } from "../model.js";
import { swapDirection, type AllowFixRequest } from "./request.js";

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
  const model = request.model;
  if (request.nodesOnly || !model || model.rule.peerSource.length === 0) return nodesOnly;
  return model.rule.peerSource.map((line) => splitAttribute(swapDirection(line, model.direction, request.direction)));
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

/** One snippet per port range; ports here are the bus port (or its published range). */
export function hclFix(request: AllowFixRequest, syntax: HclSyntax): string {
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
        ["priority", String(Math.max(100, syntax.priority - 1))],
        ["direction", direction === "in" ? '"Inbound"' : '"Outbound"'],
        ["access", '"Allow"'],
        ["protocol", '"Tcp"'],
        ["source_port_range", '"*"'],
        [request.ports.length === 1 ? "destination_port_range" : "destination_port_ranges", request.ports.length === 1 ? `"${request.ports[0]}"` : `[${request.ports.map((port) => `"${port}"`).join(", ")}]`],
        ...copiedPeers(request, [[peer, '"VirtualNetwork"']]),
        [direction === "in" ? "destination_address_prefix" : "source_address_prefix", '"*"'],
        ["resource_group_name", syntax.resourceGroupExpr],
        ["network_security_group_name", syntax.nsgExpr],
      ];
      return [`resource "azurerm_network_security_rule" "${busLabel(syntax.resourceName, direction)}" {`, ...attributes(body, "  "), "}"].join("\n");
    }
  }
}
