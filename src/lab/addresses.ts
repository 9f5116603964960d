// Pure: the addresses of a lab's nodes. IPv4 ones inside 127.0.0.0/8 (every one of them is on the
// namespace's loopback already), IPv6 ones inside the unique-local fc00::/7 (the lab adds them).
import { isIPv6 } from "node:net";
import { UsageError } from "../errors.js";

/** A unique-local (fc00::/7) address: the lab adds node N's address to the namespace's loopback. */
export const DEFAULT_IPV6_BASE = "fd00:b5d0::1";

function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

const IPV4_LOW = 127 * 2 ** 24 + 1;
const IPV4_HIGH = 128 * 2 ** 24 - 2;

/** The canonical (RFC 5952) form, which is what Redis prints: "fd00:b5d0:0:0::1" -> "fd00:b5d0::1". */
export function canonicalIpv6(text: string): string {
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

/**
 * `count` consecutive addresses from `base`. The project may only send traffic inside 127.0.0.0/8 or
 * addresses it adds inside namespaces it created, so an IPv4 base must stay in 127.0.0.0/8 (not its
 * .0/.255 ends) and an IPv6 one in the unique-local fc00::/7, counting up in its last group.
 */
export function nodeAddresses(base: string, count: number): string[] {
  if (isIPv6(base)) return ipv6Addresses(base, count);
  const first = parseIpv4(base);
  if (first === null) throw new UsageError(`base address "${base}" is not an IPv4 or IPv6 address`);
  if (first < IPV4_LOW || first + count - 1 > IPV4_HIGH) {
    throw new UsageError(`base address ${base} with ${count} nodes leaves 127.0.0.1-127.255.255.254 (loopback only)`);
  }
  return Array.from({ length: count }, (_, offset) => formatIpv4(first + offset));
}

function ipv6Addresses(base: string, count: number): string[] {
  const canonical = canonicalIpv6(base);
  const firstGroup = parseInt(canonical.split(":")[0] || "0", 16);
  // fc00::/7: the first 7 bits are 1111110.
  if ((firstGroup & 0xfe00) !== 0xfc00) throw new UsageError(`base address ${base} is not a unique-local IPv6 address (fc00::/7)`);
  const colon = canonical.lastIndexOf(":");
  const last = parseInt(canonical.slice(colon + 1) || "0", 16);
  if (canonical.endsWith("::") || last === 0 || last + count - 1 > 0xffff) {
    throw new UsageError(`base address ${base} with ${count} nodes leaves its last group (use one like ${DEFAULT_IPV6_BASE})`);
  }
  const prefix = canonical.slice(0, colon + 1);
  return Array.from({ length: count }, (_, offset) => canonicalIpv6(`${prefix}${(last + offset).toString(16)}`));
}

/** Valkey client addresses: node 127.0.0.N announces 127.0.1.N to clients (IPv4 loopback only). */
export function clientAddresses(addresses: readonly string[]): string[] {
  return addresses.map((address) => {
    const value = parseIpv4(address);
    if (value === null) throw new UsageError("client addresses (cluster-announce-client-ipv4) need an IPv4 lab");
    if (value + 256 > IPV4_HIGH) throw new UsageError(`client address of ${address} (+0.0.1.0) leaves 127.0.0.0/8`);
    return formatIpv4(value + 256);
  });
}
