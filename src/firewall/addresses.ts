// Pure: IP addresses, prefixes, netmasks and ranges as integer ranges, through ipaddr.js, so every
// firewall format and both commands test membership the same way. Forms read (from real rulesets):
// "10.0.0.0/16", "10.0.0.5", "fd00::/8", "172.16.0.1-172.16.0.9" (nft, firewalld, iptables -m iprange),
// "192.168.0.0/255.255.0.0" (iptables-save of a netmask), "::ffff:10.0.0.1" (IPv4-mapped).
import ipaddr from "ipaddr.js";
import type { AddressRange, HostGroup, IpVersion } from "./model.js";

export interface AddressValue {
  version: IpVersion;
  value: bigint;
}

function toBigInt(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** A literal address as written in a rule: IPv4 in four decimal parts, or IPv6 (mapped forms stay IPv6). */
function literal(text: string): AddressValue | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { version: 4, value: toBigInt(ipaddr.IPv4.parse(text).toByteArray()) };
  if (!text.includes(":") || !ipaddr.IPv6.isValid(text)) return null;
  const parsed = ipaddr.IPv6.parse(text);
  return parsed.zoneId === undefined ? { version: 6, value: toBigInt(parsed.toByteArray()) } : null;
}

/**
 * The address a packet carries: an IPv4-mapped IPv6 address (`::ffff:10.0.0.7`, as a dual-stack
 * socket reports an IPv4 peer) travels as IPv4, so `ip saddr 10.0.0.0/8` matches it.
 */
export function packetAddress(text: string): AddressValue | null {
  const value = literal(text);
  if (value === null || value.version === 4) return value;
  const parsed = ipaddr.IPv6.parse(text);
  return parsed.isIPv4MappedAddress() ? { version: 4, value: toBigInt(parsed.toIPv4Address().toByteArray()) } : value;
}

export function ipVersion(text: string): IpVersion | null {
  return literal(text)?.version ?? null;
}

/** "24", or an IPv4 netmask as iptables-save prints one ("255.255.255.0"); null for a non-contiguous mask. */
function prefixLength(text: string, version: IpVersion): number | null {
  const bits = version === 4 ? 32 : 128;
  if (/^\d{1,3}$/.test(text)) return Number(text) <= bits ? Number(text) : null;
  if (version !== 4 || !ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  return ipaddr.IPv4.parse(text).prefixLengthFromSubnetMask();
}

/** An address, prefix, netmask or range as written in a rule; null for anything else (a host name, a variable). */
export function parseAddressRange(raw: string): AddressRange | null {
  const text = raw.trim();
  const dash = text.indexOf("-");
  if (dash > 0) {
    const from = literal(text.slice(0, dash));
    const to = literal(text.slice(dash + 1));
    if (from === null || to === null || from.version !== to.version || to.value < from.value) return null;
    return { version: from.version, from: from.value, to: to.value, text };
  }
  const slash = text.indexOf("/");
  const address = literal(slash < 0 ? text : text.slice(0, slash));
  if (address === null) return null;
  const bits = address.version === 4 ? 32 : 128;
  const length = slash < 0 ? bits : prefixLength(text.slice(slash + 1), address.version);
  if (length === null) return null;
  const hostBits = BigInt(bits - length);
  const from = (address.value >> hostBits) << hostBits;
  return { version: address.version, from, to: from + (1n << hostBits) - 1n, text };
}

export function rangeContains(range: AddressRange, address: AddressValue): boolean {
  return range.version === address.version && address.value >= range.from && address.value <= range.to;
}

/** Whether every address of `inner` is in `outer`. */
export function rangeWithin(inner: AddressRange, outer: AddressRange): boolean {
  return inner.version === outer.version && inner.from >= outer.from && inner.to <= outer.to;
}

/** 0.0.0.0/0 or ::/0: every address of its family, the whole internet. */
export function isWholeSpace(range: AddressRange): boolean {
  return range.from === 0n && range.to === (range.version === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n);
}

/** "0.0.0.0/0", "::/0" as text. */
export function isWholeInternet(text: string): boolean {
  const range = parseAddressRange(text);
  return range !== null && isWholeSpace(range);
}

/**
 * What busdoctor lint writes where a fix must name the cluster nodes' own network and the file cannot
 * say it: the user replaces it (iptables and nft refuse to load it as it is). Read back, it stands for
 * the nodes.
 */
export const NODES_PLACEHOLDER = "NODES_CIDR";

/** Hosts named by something that is not an address (a host name, a variable, an ipset): members unknown. */
export function namedHosts(name: string): HostGroup {
  return { name, self: name === NODES_PLACEHOLDER, internet: false };
}
