// Fix snippets, one table row per syntax: what a user would paste, written out by hand.
import { describe, expect, it } from "vitest";
import { writeAllowFix, type AllowFixRequest } from "../../../src/lint/fix/index.js";
import { settingFix } from "../../../src/lint/fix/yaml.js";
import type { FilterRule, Peer, RuleSyntax } from "../../../src/lint/model.js";

function rule(syntax: RuleSyntax, peers: Peer[], peerSource: string[]): FilterRule {
  return { at: { file: "f", line: 1, column: 1 }, verdict: "allow", protocol: "tcp", ports: { kind: "ranges", ranges: [{ from: 6379, to: 6379 }] }, peers, peerSource, syntax };
}

const SG: RuleSyntax = { syntax: "aws-sg-inline", securityGroup: "aws_security_group.redis" };
const NFT: RuleSyntax = { syntax: "nft", family: "inet", table: "filter", chain: "input" };
const NETPOL: RuleSyntax = { syntax: "k8s-networkpolicy", policyName: "redis", podLabels: { app: "redis" } };

const CASES: { name: string; request: AllowFixRequest; fix: string }[] = [
  {
    name: "security group: the bus for the nodes only, not for the clients next to them",
    request: {
      syntax: SG,
      direction: "in",
      ports: [16379],
      model: { direction: "in", rule: rule(SG, [{ kind: "cidr", cidr: "10.0.0.0/16" }, { kind: "self", label: "self = true" }], ["cidr_blocks = [\"10.0.0.0/16\"]", "self = true"]) },
    },
    fix: ["ingress {", '  description = "Redis Cluster bus"', "  from_port   = 16379", "  to_port     = 16379", '  protocol    = "tcp"', "  self        = true", "}"].join("\n"),
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
    request: { syntax: NFT, direction: "out", ports: [16379], model: { direction: "in", rule: rule(NFT, [{ kind: "cidr", cidr: "10.0.0.0/16" }], ["ip saddr 10.0.0.0/16"]) } },
    fix: "ip daddr 10.0.0.0/16 tcp dport 16379 accept",
  },
  {
    name: "iptables: open to the internet becomes the nodes' network, named as a placeholder",
    request: { syntax: { syntax: "iptables", table: "filter", chain: "INPUT" }, direction: "in", ports: [16379], nodesOnly: true },
    fix: "-A INPUT -s <nodes-cidr> -p tcp -m tcp --dport 16379 -j ACCEPT",
  },
  {
    name: "NetworkPolicy: a port item for the rule that allows the client port",
    request: { syntax: NETPOL, direction: "in", ports: [16379], model: { direction: "in", rule: rule(NETPOL, [{ kind: "self", label: "pods" }], []) } },
    fix: "- port: 16379\n  protocol: TCP",
  },
  {
    name: "NetworkPolicy: a whole egress rule to the Redis pods when no rule can be extended",
    request: { syntax: NETPOL, direction: "out", ports: [16379] },
    fix: ["# under spec.egress:", "- ports:", "    - port: 16379", "      protocol: TCP", "  to:", "    - podSelector:", "        matchLabels:", '          app: "redis"'].join("\n"),
  },
  {
    name: "firewalld: a rich rule keeps the model's source",
    request: { syntax: { syntax: "firewalld", zone: "redis" }, direction: "in", ports: [16379], model: { direction: "in", rule: rule(NFT, [{ kind: "cidr", cidr: "10.9.0.0/16" }], []) } },
    fix: '<rule family="ipv4"><source address="10.9.0.0/16"/><port protocol="tcp" port="16379"/><accept/></rule>',
  },
];

describe("allow fixes", () => {
  for (const entry of CASES) it(entry.name, () => expect(writeAllowFix(entry.request)).toBe(entry.fix));
});

describe("announce settings", () => {
  const cases: [Parameters<typeof settingFix>[0], string][] = [
    ["compose-env-list", "- REDIS_CLUSTER_ANNOUNCE_BUS_PORT=17001"],
    ["compose-env-map", 'REDIS_CLUSTER_ANNOUNCE_BUS_PORT: "17001"'],
    ["compose-command-list", '- --cluster-announce-bus-port\n- "17001"'],
    ["compose-command-string", "# append to command:\n--cluster-announce-bus-port 17001"],
    ["k8s-env", '- name: REDIS_CLUSTER_ANNOUNCE_BUS_PORT\n  value: "17001"'],
  ];
  for (const [style, fix] of cases) it(style, () => expect(settingFix(style, "cluster-announce-bus-port", 17001)).toBe(fix));
});
