// Pure: turns `busdoctor lab` arguments into lab values, with one-line errors that name the argument.
import { isIP } from "node:net";
import { formatAddress, parseHostPort } from "../cluster/address.js";
import { UsageError } from "../errors.js";
import { canonicalIpv6 } from "./addresses.js";

export interface NodeAddress {
  index: number;
  address: string;
  port: number;
}

/**
 * NODE is a 1-based index ("3") or an address ("127.0.0.3:6379", "[fd00:b5d0::3]:6379", or the address
 * alone since every lab node uses the same port). Returns the node's index.
 */
export function parseNodeRef(text: string, nodes: readonly NodeAddress[]): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const index = Number(trimmed);
    if (nodes.some((node) => node.index === index)) return index;
    throw new UsageError(`node "${text}": the lab has nodes 1 to ${nodes.length}`);
  }
  const wanted = addressRef(trimmed);
  if (wanted === null) throw new UsageError(`node "${text}" is neither a node number nor an address like 127.0.0.3:6379`);
  const found = nodes.find((node) => node.address === wanted.host && (wanted.port === null || node.port === wanted.port));
  if (found === undefined) {
    const known = nodes.map((node) => formatAddress(node.address, node.port)).join(", ");
    throw new UsageError(`node "${text}" is not in the lab (its nodes: ${known})`);
  }
  return found.index;
}

/** An IP address with or without a port (null: any port), IPv6 in the canonical form the lab uses. */
function addressRef(text: string): { host: string; port: number | null } | null {
  try {
    const { host, port } = parseHostPort(text, 0);
    const family = isIP(host);
    if (family === 0) return null;
    return { host: family === 6 ? canonicalIpv6(host) : host, port: port === 0 ? null : port };
  } catch {
    return null;
  }
}

/** A partition group: "1,4" or "127.0.0.1,127.0.0.4:6379". */
export function parseNodeGroup(text: string, nodes: readonly NodeAddress[]): number[] {
  const parts = text.split(",").filter((part) => part.trim() !== "");
  if (parts.length === 0) throw new UsageError(`partition group "${text}" names no node`);
  return parts.map((part) => parseNodeRef(part, nodes));
}

/** For numeric CLI options: a whole number, or an error naming the option. */
export function parseWholeNumber(option: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${option} must be a whole number, got "${text}"`);
  return Number(text);
}
