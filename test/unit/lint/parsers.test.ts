// Table-driven checks of the small parsers the format readers are built from.
import { describe, expect, it } from "vitest";
import { cidrContains, isWholeInternet } from "../../../src/lint/cidr.js";
import { interpolate, parseShortPort } from "../../../src/lint/formats/compose.js";
import { parseIptablesSave } from "../../../src/lint/formats/iptables.js";
import { parseNftText } from "../../../src/lint/formats/nftText.js";
import { factsFromDirectives, parseRedisConfText, splitConfigLine } from "../../../src/lint/formats/redisConf.js";
import { portsOf } from "../../../src/lint/clusterPorts.js";
import type { Location } from "../../../src/lint/model.js";

const AT: Location = { file: "f", line: 1, column: 1 };

describe("compose short port syntax", () => {
  const cases: [string, { host?: [number, number]; container: [number, number]; protocol: string } | undefined][] = [
    ["6379", { container: [6379, 6379], protocol: "tcp" }],
    ["16379:16379", { host: [16379, 16379], container: [16379, 16379], protocol: "tcp" }],
    ["8000:6379", { host: [8000, 8000], container: [6379, 6379], protocol: "tcp" }],
    ["127.0.0.1:7000-7005:7000-7005", { host: [7000, 7005], container: [7000, 7005], protocol: "tcp" }],
    ["[::1]:6379:6379/tcp", { host: [6379, 6379], container: [6379, 6379], protocol: "tcp" }],
    ["5353:53/udp", { host: [5353, 5353], container: [53, 53], protocol: "udp" }],
    ["not-a-port", undefined],
  ];
  for (const [text, expected] of cases) {
    it(text, () => {
      const parsed = parseShortPort(text, AT);
      if (!expected) return expect(parsed).toBeUndefined();
      expect(parsed).toEqual({
        at: AT,
        container: { from: expected.container[0], to: expected.container[1] },
        protocol: expected.protocol,
        ...(expected.host ? { host: { from: expected.host[0], to: expected.host[1] } } : {}),
      });
    });
  }
});

describe("compose interpolation", () => {
  const cases: [string, string | undefined][] = [
    ["${REDIS_PORT:-6379}:6379", "6379:6379"],
    ["${BUS-16379}", "16379"],
    ["$$HOME", "$HOME"],
    ["${REDIS_PORT}:6379", undefined],
    ["$REDIS_PORT", undefined],
    ["7001", "7001"],
  ];
  for (const [text, expected] of cases) it(text, () => expect(interpolate(text)).toBe(expected));
});

describe("redis.conf lines", () => {
  it("splits like sdssplitargs", () => {
    expect(splitConfigLine(`cluster-announce-hostname "redis-0.redis" 'x y'`)?.map((word) => word.text)).toEqual([
      "cluster-announce-hostname",
      "redis-0.redis",
      "x y",
    ]);
    expect(splitConfigLine(`save "900 1`)).toBeUndefined();
  });

  const ports: [string, { client: number; bus: number; announcedBus: number }][] = [
    ["port 6379", { client: 6379, bus: 16379, announcedBus: 16379 }],
    ["port 7000\ncluster-port 17500", { client: 7000, bus: 17500, announcedBus: 17500 }],
    ["port 6379\ncluster-announce-port 7001\ncluster-announce-bus-port 17001", { client: 6379, bus: 16379, announcedBus: 17001 }],
    ["port 0\ntls-port 6380\ntls-cluster yes", { client: 6380, bus: 16380, announcedBus: 16380 }],
    ["PORT 6400\n# port 1\n", { client: 6400, bus: 16400, announcedBus: 16400 }],
  ];
  for (const [text, expected] of ports) {
    it(`ports of ${JSON.stringify(text)}`, () => {
      const { client, bus, announcedBus } = portsOf(factsFromDirectives(parseRedisConfText(text, "redis.conf"), "redis.conf", AT));
      expect({ client, bus, announcedBus }).toEqual(expected);
    });
  }
});

describe("CIDR containment", () => {
  const cases: [string, string, boolean][] = [
    ["10.0.0.0/16", "10.0.1.0/24", true],
    ["10.0.1.0/24", "10.0.0.0/16", false],
    ["10.0.0.0/16", "10.1.0.0/24", false],
    ["10.0.0.0/16", "10.0.255.7", true],
    ["fd00::/8", "fd00:10:12::/48", true],
    ["fd00::/8", "10.0.0.0/8", false],
  ];
  for (const [outer, inner, expected] of cases) it(`${outer} ⊇ ${inner}`, () => expect(cidrContains(outer, inner)).toBe(expected));
  it("whole internet", () => {
    expect([isWholeInternet("0.0.0.0/0"), isWholeInternet("::/0"), isWholeInternet("10.0.0.0/8")]).toEqual([true, true, false]);
  });
});

describe("iptables-save options", () => {
  function inputRules(lines: string[]) {
    const text = ["*filter", ":INPUT DROP [0:0]", ":OUTPUT ACCEPT [0:0]", ...lines, "COMMIT"].join("\n");
    return parseIptablesSave(text, "rules")[0]?.in?.rules ?? [];
  }
  it("a flag without value does not swallow the next option", () => {
    const [rule] = inputRules(["-A INPUT -p tcp --syn --dport 16379 -j ACCEPT"]);
    expect(rule?.ports).toEqual({ kind: "ranges", ranges: [{ from: 16379, to: 16379 }] });
    expect(rule?.peers).toEqual([{ kind: "any" }]);
  });
  it("established-only and loopback rules never admit a new bus connection", () => {
    expect(inputRules(["-A INPUT -i lo -j ACCEPT", "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"])).toEqual([]);
  });
  it("a negated match is kept as a condition busdoctor cannot evaluate", () => {
    const [rule] = inputRules(["-A INPUT ! -s 10.0.0.0/8 -p tcp --dport 6379 -j ACCEPT"]);
    expect(rule?.peers).toContainEqual({ kind: "ref", ref: "! -s 10.0.0.0/8" });
  });
});

describe("nft text", () => {
  it("substitutes define variables and resolves named sets", () => {
    const policies = parseNftText(
      [
        "define nodes = { 10.1.0.0/24, 10.2.0.0/24 }",
        "table ip f {",
        "  set ports { type inet_service; elements = { 6379, 16379 } }",
        "  chain input { type filter hook input priority 0; policy drop;",
        "    ip saddr $nodes tcp dport @ports accept",
        "  }",
        "}",
      ].join("\n"),
      "ruleset.nft",
    );
    const [rule] = policies[0]?.in?.rules ?? [];
    expect(rule?.ports).toEqual({ kind: "ranges", ranges: [{ from: 6379, to: 6379 }, { from: 16379, to: 16379 }] });
    expect(rule?.peers).toEqual([{ kind: "cidr", cidr: "10.1.0.0/24" }, { kind: "cidr", cidr: "10.2.0.0/24" }]);
    expect(rule?.at).toEqual({ file: "ruleset.nft", line: 5, column: 5 });
  });
});
