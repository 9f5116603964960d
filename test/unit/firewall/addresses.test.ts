import { describe, expect, it } from "vitest";
import { packetAddress, parseAddressRange, rangeContains } from "../../../src/firewall/addresses.js";

describe("parseAddressRange", () => {
  // Forms taken from the recorded rulesets: nft prefixes and ranges, iptables-save's /32, and netmasks.
  it.each([
    { text: "10.0.0.0/24", inside: ["10.0.0.0", "10.0.0.255"], outside: ["10.0.1.0", "9.255.255.255"] },
    { text: "10.0.0.7/32", inside: ["10.0.0.7"], outside: ["10.0.0.8"] },
    { text: "10.0.0.7", inside: ["10.0.0.7"], outside: ["10.0.0.6"] },
    { text: "172.16.0.1-172.16.0.9", inside: ["172.16.0.1", "172.16.0.9"], outside: ["172.16.0.10", "172.16.0.0"] },
    { text: "192.168.0.0/255.255.0.0", inside: ["192.168.200.1"], outside: ["192.169.0.1"] },
    { text: "fd00::/8", inside: ["fd00::7", "fdff::1"], outside: ["fe80::1", "10.0.0.1"] },
    // A packet from an IPv4-mapped address travels as IPv4: the IPv4 prefix matches it, the mapped IPv6 form does not.
    { text: "10.0.0.0/24", inside: ["::ffff:10.0.0.1", "10.0.0.1"], outside: ["::ffff:10.0.1.1"] },
    { text: "::ffff:10.0.0.1", inside: [], outside: ["10.0.0.1", "::ffff:10.0.0.1"] },
    { text: "0.0.0.0/0", inside: ["1.2.3.4", "127.0.0.3"], outside: ["::1"] },
  ])("$text", ({ text, inside, outside }) => {
    const range = parseAddressRange(text);
    if (range === null) throw new Error(`${text} did not parse`);
    const contains = (address: string): boolean => {
      const value = packetAddress(address);
      return value !== null && rangeContains(range, value);
    };
    expect(inside.filter(contains)).toEqual(inside);
    expect(outside.filter(contains)).toEqual([]);
  });

  it.each(["redis-0", "10.0.0.0/33", "10.0.0.1-fd00::1", "", "010.0.0.1", "10.0.0.0/255.0.255.0", "10.0.0.9-10.0.0.1"])("refuses %j", (text) => {
    expect(parseAddressRange(text)).toBeNull();
  });
});
