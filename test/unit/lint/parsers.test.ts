// Table-driven checks of the small parsers the format readers are built from.
import { describe, expect, it } from "vitest";
import { interpolate, parseShortPort } from "../../../src/lint/formats/compose.js";
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

describe("redis.conf templates", () => {
  const facts = (text: string) => factsFromDirectives(parseRedisConfText(text, "redis.conf.j2"), "redis.conf.j2", AT);
  it("a placeholder is an unknown value, not a wrong one", () => {
    const found = facts("port {{ redis_port }}\ncluster-enabled {{ redis_cluster }}\ncluster-announce-ip ${ANNOUNCE}");
    expect([found.port, found.clusterEnabled, found.announceIp]).toEqual([undefined, undefined, undefined]);
  });
  it("what a conditional block says is not taken as said", () => {
    const found = facts("port 7000\n{% if redis_cluster %}\ncluster-enabled yes\n{% endif %}\n%{ if tls }\ntls-port 7443\n%{ endif }");
    expect([found.port?.value, found.clusterEnabled, found.tlsPort]).toEqual([7000, undefined, undefined]);
  });
});
