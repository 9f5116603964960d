// Fix snippets, one table row per syntax: what a user would paste, written out by hand. The bus is for
// the nodes: a model rule open to the internet (or to anyone) is never copied onto the bus port.
import { describe, expect, it } from "vitest";
import { writeAllowFix, type AllowFixRequest } from "../../../src/lint/fix/index.js";
import { settingFix } from "../../../src/lint/fix/yaml.js";
import type { FilterRule, Peer, RuleSyntax } from "../../../src/lint/model.js";
import { lintRuleOf } from "../../../src/lint/policies.js";

function rule(syntax: RuleSyntax, peers: Peer[], peerSource: string[]) {
  const filter: FilterRule = {
    at: { file: "f", line: 1, column: 1 },
    verdict: "allow",
    protocol: "tcp",
    ports: { kind: "ranges", ranges: [{ from: 6379, to: 6379 }] },
    peers,
    peerSource,
    syntax,
  };
  return lintRuleOf(filter, "in");
}

const SG: RuleSyntax = { syntax: "aws-sg-inline", securityGroup: "aws_security_group.redis" };
const NFT: RuleSyntax = { syntax: "nft", family: "inet", table: "filter", chain: "input", form: "file" };
const NETPOL: RuleSyntax = { syntax: "k8s-networkpolicy", policyName: "redis", podLabels: { app: "redis" } };
const SG_BUS_SELF = [
  "ingress {",
  '  description = "Redis Cluster bus"',
  "  from_port   = 16379",
  "  to_port     = 16379",
  '  protocol    = "tcp"',
  "  self        = true",
  "}",
].join("\n");

const CASES: { name: string; request: AllowFixRequest; fix: string }[] = [
  {
    name: "security group: the bus for the nodes only, not for the clients next to them",
    request: {
      syntax: SG,
      direction: "in",
      ports: [16379],
      model: {
        direction: "in",
        rule: rule(
          SG,
          [
            { kind: "cidr", cidr: "10.0.0.0/16" },
            { kind: "self", label: "self = true" },
          ],
          ['cidr_blocks = ["10.0.0.0/16"]', "self = true"],
        ),
      },
    },
    fix: SG_BUS_SELF,
  },
  {
    name: "security group open to the internet: never copied onto the bus port",
    request: {
      syntax: SG,
      direction: "in",
      ports: [16379],
      model: { direction: "in", rule: rule(SG, [{ kind: "cidr", cidr: "0.0.0.0/0" }], ['cidr_blocks = ["0.0.0.0/0"]']) },
    },
    fix: SG_BUS_SELF,
  },
  {
    name: "security group rule copied to the other direction",
    request: {
      syntax: { syntax: "aws-sg-rule", resourceName: "aws_security_group_rule.bus_in", securityGroupExpr: "aws_security_group.redis.id" },
      direction: "out",
      ports: [16379],
      model: { direction: "in", rule: rule(SG, [{ kind: "cidr", cidr: "10.0.0.0/16" }], ['cidr_blocks = ["10.0.0.0/16"]']) },
    },
    fix: [
      'resource "aws_security_group_rule" "bus_in_bus_egress" {',
      '  type              = "egress"',
      "  from_port         = 16379",
      "  to_port           = 16379",
      '  protocol          = "tcp"',
      "  security_group_id = aws_security_group.redis.id",
      '  cidr_blocks       = ["10.0.0.0/16"]',
      "}",
    ].join("\n"),
  },
  {
    name: "nft: sources become destinations for an output rule",
    request: {
      syntax: NFT,
      direction: "out",
      ports: [16379],
      model: { direction: "in", rule: rule(NFT, [{ kind: "cidr", cidr: "10.0.0.0/16" }], ["ip saddr 10.0.0.0/16"]) },
    },
    fix: "ip daddr 10.0.0.0/16 tcp dport 16379 accept",
  },
  {
    name: "iptables: open to the internet becomes the nodes' network, named as a placeholder",
    request: {
      syntax: { syntax: "iptables", table: "filter", chain: "INPUT", form: "save", tool: "iptables" },
      direction: "in",
      ports: [16379],
      nodesOnly: true,
    },
    fix: "-A INPUT -s NODES_CIDR -p tcp -m tcp --dport 16379 -j ACCEPT",
  },
  {
    name: "iptables script: a command that puts the rule first",
    request: {
      syntax: { syntax: "iptables", table: "filter", chain: "INPUT", form: "command", tool: "ip6tables" },
      direction: "in",
      ports: [16379],
      nodesOnly: true,
    },
    fix: "ip6tables -I INPUT -s NODES_CIDR -p tcp -m tcp --dport 16379 -j ACCEPT",
  },
  {
    name: "NetworkPolicy: a port item for the rule that allows the client port from the Redis pods",
    request: {
      syntax: NETPOL,
      direction: "in",
      ports: [16379],
      model: {
        direction: "in",
        rule: { ...rule(NETPOL, [{ kind: "self", label: "pods" }], []), next: { at: { file: "f", line: 2, column: 1 }, indent: "        " } },
      },
    },
    fix: "- port: 16379\n  protocol: TCP",
  },
  {
    name: "NetworkPolicy: a whole egress rule to the Redis pods when no rule can be extended",
    request: { syntax: NETPOL, direction: "out", ports: [16379] },
    fix: [
      "# under spec.egress:",
      "- ports:",
      "    - port: 16379",
      "      protocol: TCP",
      "  to:",
      "    - podSelector:",
      "        matchLabels:",
      '          app: "redis"',
    ].join("\n"),
  },
  {
    name: "firewalld: a rich rule keeps the model's source",
    request: {
      syntax: { syntax: "firewalld", zone: "redis", form: "xml" },
      direction: "in",
      ports: [16379],
      model: { direction: "in", rule: rule(NFT, [{ kind: "cidr", cidr: "10.9.0.0/16" }], []) },
    },
    fix: '<rule family="ipv4"><source address="10.9.0.0/16"/><port protocol="tcp" port="16379"/><accept/></rule>',
  },
  {
    name: "firewall-cmd: the same rule as a command",
    request: {
      syntax: { syntax: "firewalld", zone: "redis", form: "command" },
      direction: "in",
      ports: [16379],
      model: { direction: "in", rule: rule(NFT, [{ kind: "cidr", cidr: "10.9.0.0/16" }], []) },
    },
    fix: `firewall-cmd --permanent --zone=redis --add-rich-rule='rule family="ipv4" source address="10.9.0.0/16" port port="16379" protocol="tcp" accept'`,
  },
  {
    name: "ufw: a command, from the model's network",
    request: {
      syntax: { syntax: "ufw", form: "command" },
      direction: "in",
      ports: [16379],
      model: { direction: "in", rule: rule(NFT, [{ kind: "cidr", cidr: "10.9.0.0/16" }], []) },
    },
    fix: "ufw allow from 10.9.0.0/16 to any port 16379 proto tcp",
  },
  {
    name: "Ansible: a task for the module the play uses",
    request: {
      syntax: { syntax: "ansible", module: "ufw", moduleName: "community.general.ufw", zone: "", chain: "ufw-user-input", ipVersion: 4 },
      direction: "in",
      ports: [16379],
      nodesOnly: true,
    },
    fix: [
      "- name: Allow the Redis Cluster bus port",
      "  community.general.ufw:",
      "    rule: allow",
      "    from_ip: NODES_CIDR",
      '    to_port: "16379"',
      "    proto: tcp",
    ].join("\n"),
  },
];

describe("allow fixes", () => {
  for (const entry of CASES) it(entry.name, () => expect(writeAllowFix(entry.request).fix).toBe(entry.fix));

  it("are placed after the rule they copy", () => {
    const model = {
      ...rule(SG, [{ kind: "cidr", cidr: "10.0.0.0/16" }], ['cidr_blocks = ["10.0.0.0/16"]']),
      next: { at: { file: "main.tf", line: 12, column: 1 }, indent: "  " },
    };
    expect(writeAllowFix({ syntax: SG, direction: "in", ports: [16379], model: { direction: "in", rule: model } }).edit).toEqual({
      file: "main.tf",
      start: { line: 12, column: 1 },
      end: { line: 12, column: 1 },
      text: [
        "  ingress {",
        '    description = "Redis Cluster bus"',
        "    from_port   = 16379",
        "    to_port     = 16379",
        '    protocol    = "tcp"',
        '    cidr_blocks = ["10.0.0.0/16"]',
        "  }",
        "",
      ].join("\n"),
    });
  });
});

describe("announce settings", () => {
  const cases: [Parameters<typeof settingFix>[0], string][] = [
    ["compose-env-list", "- REDIS_CLUSTER_ANNOUNCE_BUS_PORT=17001"],
    ["compose-env-map", 'REDIS_CLUSTER_ANNOUNCE_BUS_PORT: "17001"'],
    ["compose-command-list", '- --cluster-announce-bus-port\n- "17001"'],
    ["compose-command-string", "# append to command:\n--cluster-announce-bus-port 17001"],
    ["k8s-env", '- name: REDIS_CLUSTER_ANNOUNCE_BUS_PORT\n  value: "17001"'],
  ];
  for (const [style, fix] of cases) it(style, () => expect(settingFix(style, "cluster-announce-bus-port", 17001).fix).toBe(fix));

  it("a value already set in a compose environment is replaced where it is (a second key would be a duplicate)", () => {
    const existing = { start: { file: "c.yml", line: 9, column: 40 }, end: { file: "c.yml", line: 9, column: 45 } };
    expect(settingFix("compose-env-map", "cluster-announce-bus-port", 17001, undefined, existing).edit).toEqual({
      file: "c.yml",
      start: existing.start,
      end: existing.end,
      text: '"17001"',
    });
  });
});
