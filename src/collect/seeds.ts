// Seed addresses as the user types them: "127.0.0.1:6379", "redis-a", "[::1]:6379", "::1".
import { isIPv6 } from "node:net";
import { UserError } from "../cli/errors.js";

export interface SeedAddress {
  host: string;
  port: number;
}

/** A seed argument that is not `host`, `host:port` or `[ipv6]:port`; the message quotes it. */
export class SeedError extends UserError {
  constructor(text: string, why: string) {
    super(`bad seed address "${text}": ${why}`);
    this.name = "SeedError";
  }
}

const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

function parsePort(text: string, portText: string): number {
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new SeedError(text, `port "${portText}" is not a number from 1 to 65535`);
  return port;
}

/**
 * A bare IPv6 address ("::1") takes the default port; with a port it must be bracketed ("[::1]:6379"),
 * because "::1:6379" is itself a valid IPv6 address and would be read as one.
 */
export function parseSeed(text: string, defaultPort: number): SeedAddress {
  const trimmed = text.trim();
  if (trimmed === "") throw new SeedError(text, "it is empty");
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(trimmed);
  if (bracketed) {
    const host = bracketed[1] ?? "";
    if (!isIPv6(host)) throw new SeedError(text, `"${host}" is not an IPv6 address`);
    const portText = bracketed[2];
    return { host, port: portText === undefined ? defaultPort : parsePort(text, portText) };
  }
  if (isIPv6(trimmed)) return { host: trimmed, port: defaultPort };
  const parts = trimmed.split(":");
  if (parts.length > 2) throw new SeedError(text, "write an IPv6 address with a port as [address]:port");
  const host = parts[0] ?? "";
  if (!HOST_NAME.test(host)) throw new SeedError(text, `"${host}" is not a host name or IP address`);
  const portText = parts[1];
  return { host, port: portText === undefined ? defaultPort : parsePort(text, portText) };
}

/** "host:port", with IPv6 hosts bracketed so the result parses back with parseSeed. */
export function formatAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
