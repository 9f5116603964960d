// Pure: IP addresses as integers, so a firewall's prefixes, ranges and sets can be tested for membership.
import { isIPv4, isIPv6 } from "node:net";
import type { AddressRange, IpVersion } from "./model.js";

function ipv4Value(text: string): bigint {
  return text.split(".").reduce((value, part) => value * 256n + BigInt(Number(part)), 0n);
}

/** "fd00::1", "::ffff:10.0.0.1" -> a 128-bit integer. */
function ipv6Value(text: string): bigint {
  let address = text;
  const lastColon = address.lastIndexOf(":");
  const tail = address.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const value = ipv4Value(tail);
    address = `${address.slice(0, lastColon + 1)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head = "", rest] = address.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const restGroups = rest === undefined || rest === "" ? [] : rest.split(":");
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill("0"), ...restGroups];
  return groups.reduce((value, group) => value * 65536n + BigInt(parseInt(group, 16)), 0n);
}

export function ipVersion(text: string): IpVersion | null {
  if (isIPv4(text)) return 4;
  if (isIPv6(text)) return 6;
  return null;
}

export function addressValue(text: string): { version: IpVersion; value: bigint } | null {
  const version = ipVersion(text);
  if (version === null) return null;
  return { version, value: version === 4 ? ipv4Value(text) : ipv6Value(text) };
}

/** "10.0.0.0/8", "10.0.0.5", "fd00::/8", "10.0.0.1-10.0.0.9"; null for anything else (a host name). */
export function parseAddressRange(text: string): AddressRange | null {
  const dash = text.indexOf("-");
  if (dash > 0) {
    const from = addressValue(text.slice(0, dash));
    const to = addressValue(text.slice(dash + 1));
    if (from === null || to === null || from.version !== to.version) return null;
    return { version: from.version, from: from.value, to: to.value };
  }
  const [addressText = "", lengthText] = text.split("/");
  const address = addressValue(addressText);
  if (address === null) return null;
  const bits = address.version === 4 ? 32 : 128;
  const length = lengthText === undefined ? bits : parsePrefixLength(lengthText, bits);
  if (length === null) return null;
  const hostBits = BigInt(bits - length);
  const from = (address.value >> hostBits) << hostBits;
  return { version: address.version, from, to: from + (1n << hostBits) - 1n };
}

/** "24", or an IPv4 netmask as iptables-save may print one ("255.255.255.0"). */
function parsePrefixLength(text: string, bits: number): number | null {
  if (/^\d+$/.test(text) && Number(text) <= bits) return Number(text);
  if (bits !== 32 || !isIPv4(text)) return null;
  const mask = ipv4Value(text);
  const length = mask.toString(2).replace(/0+$/, "").length;
  return mask === 0n ? 0 : length;
}

export function rangeContains(range: AddressRange, address: { version: IpVersion; value: bigint }): boolean {
  return range.version === address.version && address.value >= range.from && address.value <= range.to;
}
