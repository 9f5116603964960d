// The seeds' scope: which listed addresses busdoctor may dial, table by table (issue 9's addresses).
import { describe, expect, it } from "vitest";
import { checkScope, parseAllow, seedScope, type OutOfScopeKind } from "../../../src/cluster/scope.js";

type Expected = "in" | OutOfScopeKind;

function verdict(seeds: string[], allow: string[], host: string): Expected {
  const result = checkScope(seedScope(seeds, allow.map(parseAllow)), host);
  return result.inScope ? "in" : result.kind;
}

describe("the scope of the seeds", () => {
  it.each<[string, string[], string[], string, Expected]>([
    ["loopback seed: another loopback node", ["127.0.0.1"], [], "127.0.0.9", "in"],
    ["loopback seed: IPv6 loopback", ["127.0.0.1"], [], "::1", "in"],
    ["loopback seed: a private address", ["127.0.0.1"], [], "10.0.0.1", "outside"],
    ["loopback seed: a public address", ["127.0.0.1"], [], "8.8.8.8", "outside"],
    ["loopback seed: cloud metadata", ["127.0.0.1"], [], "169.254.169.254", "link-local"],
    ["loopback seed: this host", ["127.0.0.1"], [], "0.0.0.0", "special"],
    ["loopback seed: this host (IPv6)", ["127.0.0.1"], [], "::", "special"],
    ["loopback seed: broadcast", ["127.0.0.1"], [], "255.255.255.255", "special"],
    ["loopback seed: multicast", ["127.0.0.1"], [], "224.0.0.1", "special"],
    ["loopback seed: IPv6 multicast", ["127.0.0.1"], [], "ff02::1", "special"],
    ["loopback seed: IPv6 link-local", ["127.0.0.1"], [], "fe80::1", "link-local"],
    ["loopback seed: a host name", ["127.0.0.1"], [], "metadata.google.internal", "host-name"],
    ["loopback seed: IPv4-mapped loopback", ["127.0.0.1"], [], "::ffff:127.0.0.2", "in"],
    ["private seed: every private range", ["10.0.0.5"], [], "192.168.1.9", "in"],
    ["private seed: 172.16/12", ["10.0.0.5"], [], "172.31.255.1", "in"],
    ["private seed: not 172.32", ["10.0.0.5"], [], "172.32.0.1", "outside"],
    ["private seed: IPv6 unique local", ["10.0.0.5"], [], "fd00::3", "in"],
    ["private seed: loopback", ["10.0.0.5"], [], "127.0.0.9", "outside"],
    ["private seed: IPv4-mapped public", ["10.0.0.5"], [], "::ffff:8.8.8.8", "outside"],
    ["public seed: itself", ["203.0.113.5"], [], "203.0.113.5", "in"],
    ["public seed: its neighbour", ["203.0.113.5"], [], "203.0.113.6", "outside"],
    ["public seed: --allow its network", ["203.0.113.5"], ["203.0.113.0/24"], "203.0.113.6", "in"],
    ["--allow one address", ["127.0.0.1"], ["10.1.2.3"], "10.1.2.3", "in"],
    ["--allow does not reach past its range", ["127.0.0.1"], ["10.1.0.0/16"], "10.2.0.1", "outside"],
    ["--allow everything still never dials metadata", ["127.0.0.1"], ["0.0.0.0/0"], "169.254.169.254", "link-local"],
    ["--allow everything still never dials 0.0.0.0", ["127.0.0.1"], ["0.0.0.0/0"], "0.0.0.0", "special"],
    ["--allow inside link-local lets it in", ["127.0.0.1"], ["169.254.10.0/24"], "169.254.10.7", "in"],
    ["a link-local seed is itself in scope", ["169.254.10.7"], [], "169.254.10.7", "in"],
    ["a host-name seed that did not resolve gives no scope", ["redis-a"], [], "127.0.0.1", "outside"],
  ])("%s", (_name, seeds, allow, host, expected) => {
    expect(verdict(seeds, allow, host)).toBe(expected);
  });

  it("says why, in words for a finding", () => {
    const result = checkScope(seedScope(["127.0.0.1"], []), "10.0.0.1");
    expect(result).toEqual({ inScope: false, kind: "outside", reason: "a private address, outside the seeds' scope (loopback); --allow widens it" });
  });
});

describe("--allow", () => {
  it.each([["10.1.0.0/16"], ["10.1.2.3"], ["fd00::/8"], ["::1"]])("takes %s", (text) => {
    expect(() => parseAllow(text)).not.toThrow();
  });

  it.each([["10.1.0.0/33"], ["redis-a"], ["10.0.0.1-10.0.0.9"], ["10.0.0.0/8/8"], [""], ["fd00::/129"]])("refuses %s in one line", (text) => {
    expect(() => parseAllow(text)).toThrow(/^--allow: expected an address or a CIDR range such as 10\.1\.0\.0\/16 or fd00::\/8, got ".*"$/);
  });
});
