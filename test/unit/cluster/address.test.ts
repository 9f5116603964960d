import { describe, expect, it } from "vitest";
import { formatAddress, parseHostPort, AddressError } from "../../../src/cluster/address.js";
import { UsageError } from "../../../src/errors.js";

describe("parseHostPort", () => {
  it.each([
    ["127.0.0.1:6379", { host: "127.0.0.1", port: 6379 }],
    ["127.0.0.3:7000", { host: "127.0.0.3", port: 7000 }],
    ["redis-a", { host: "redis-a", port: 6379 }],
    ["redis-a.prod.example:6380", { host: "redis-a.prod.example", port: 6380 }],
    ["  10.0.0.7:6379 ", { host: "10.0.0.7", port: 6379 }],
    ["[::1]:6380", { host: "::1", port: 6380 }],
    ["[fe80::1]", { host: "fe80::1", port: 6379 }],
    ["::1", { host: "::1", port: 6379 }],
    ["host:65535", { host: "host", port: 65535 }],
    ["host:1", { host: "host", port: 1 }],
  ])("reads %j", (text, expected) => {
    expect(parseHostPort(text, 6379)).toEqual(expected);
  });

  it.each([
    ["", "it is empty"],
    ["   ", "it is empty"],
    ["host:", 'port "" is not a number from 1 to 65535'],
    ["host:0", 'port "0" is not a number from 1 to 65535'],
    ["host:65536", 'port "65536" is not a number from 1 to 65535'],
    ["host:63x9", 'port "63x9" is not a number from 1 to 65535'],
    ["host:-1", 'port "-1" is not a number from 1 to 65535'],
    [":6379", '"" is not a host name or IP address'],
    ["bad host:6379", '"bad host" is not a host name or IP address'],
    ["a:b:c", "write an IPv6 address with a port as [address]:port"],
    ["[not-ipv6]:6379", '"not-ipv6" is not an IPv6 address'],
    ["[::1]:x", 'port "x" is not a number from 1 to 65535'],
  ])("rejects %j naming it", (text, why) => {
    const error = (() => {
      try {
        parseHostPort(text, 6379);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(AddressError);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as AddressError).message).toBe(`bad seed address "${text}": ${why}`);
  });
});

describe("formatAddress", () => {
  it.each([
    ["127.0.0.1", 6379, "127.0.0.1:6379"],
    ["redis-a", 7000, "redis-a:7000"],
    ["::1", 6379, "[::1]:6379"],
  ])("%s port %d -> %s", (host, port, expected) => {
    expect(formatAddress(host, port)).toBe(expected);
  });

  it.each(["127.0.0.1:6379", "redis-a:7000", "[::1]:6379"])("%s survives a round trip through parseHostPort", (text) => {
    const { host, port } = parseHostPort(text, 1);
    expect(formatAddress(host, port)).toBe(text);
  });
});
