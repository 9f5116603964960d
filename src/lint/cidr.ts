// CIDR arithmetic for comparing the sources of the client-port rule with those of the bus-port rule.

interface ParsedCidr {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** "10.0.0.0/16", "10.0.0.5" (a /32), "fd00::/8"; undefined when it is not an address. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const [address, prefixText] = text.trim().split("/");
  if (address === undefined) return undefined;
  const family = address.includes(":") ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const value = family === 4 ? parseIpv4(address) : parseIpv6(address);
  if (value === undefined) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { family, network: (value >> hostBits) << hostBits, prefix };
}

/** Whether `outer` contains every address of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  if (!a || !b || a.family !== b.family || a.prefix > b.prefix) return false;
  const bits = a.family === 4 ? 32 : 128;
  const hostBits = BigInt(bits - a.prefix);
  return b.network >> hostBits === a.network >> hostBits;
}

/** 0.0.0.0/0 or ::/0: every address, the whole internet. */
export function isWholeInternet(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  return parsed !== undefined && parsed.prefix === 0;
}
