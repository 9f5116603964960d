// The one home of node addresses: parsing what a user types ("10.0.0.5:6379", "redis-a", "[::1]:6379",
// "::1") and forming "host:port" names, IPv6 bracketed wherever a port follows it, so that a name
// always parses back. Pure: no DNS, no sockets.
import { isIPv6 } from "node:net";
import { UsageError } from "../errors.js";

export interface HostPort {
  host: string;
  port: number;
}

/** An address argument that is not `host`, `host:port` or `[ipv6]:port`; the message quotes it. */
export class AddressError extends UsageError {
  constructor(text: string, why: string) {
    super(`bad seed address "${text}": ${why}`);
    this.name = "AddressError";
  }
}

const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

function parsePort(text: string, portText: string): number {
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new AddressError(text, `port "${portText}" is not a number from 1 to 65535`);
  return port;
}

/**
 * A bare IPv6 address ("::1") takes the default port; with a port it must be bracketed ("[::1]:6379"),
 * because "::1:6379" is itself a valid IPv6 address and would be read as one.
 */
export function parseHostPort(text: string, defaultPort: number): HostPort {
  const trimmed = text.trim();
  if (trimmed === "") throw new AddressError(text, "it is empty");
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(trimmed);
  if (bracketed) {
    const host = bracketed[1] ?? "";
    if (!isIPv6(host)) throw new AddressError(text, `"${host}" is not an IPv6 address`);
    const portText = bracketed[2];
    return { host, port: portText === undefined ? defaultPort : parsePort(text, portText) };
  }
  // Every IPv6 address has two colons or more; the test spares "host:port" node's IPv6 pattern, whose
  // first use costs a few milliseconds of a short run.
  if (trimmed.indexOf(":") !== trimmed.lastIndexOf(":") && isIPv6(trimmed)) return { host: trimmed, port: defaultPort };
  const parts = trimmed.split(":");
  if (parts.length > 2) throw new AddressError(text, "write an IPv6 address with a port as [address]:port");
  const host = parts[0] ?? "";
  if (!HOST_NAME.test(host)) throw new AddressError(text, `"${host}" is not a host name or IP address`);
  const portText = parts[1];
  return { host, port: portText === undefined ? defaultPort : parsePort(text, portText) };
}

/** "host:port", with IPv6 hosts bracketed so the result parses back with parseHostPort. */
export function formatAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * "127.0.0.3:6379" -> ["127.0.0.3", "6379"], "[fd00::3]:6379" -> ["fd00::3", "6379"]. The port is after
 * the last colon, so the unbracketed form Redis prints ("fd00::3:6379") splits the same way.
 */
export function splitAddress(address: string): [host: string, port: string] {
  const colon = address.lastIndexOf(":");
  if (colon < 0) return [address, ""];
  const host = address.slice(0, colon);
  const unbracketed = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return [unbracketed, address.slice(colon + 1)];
}

/**
 * "host:port" as `redis-cli --cluster` takes it: IPv6 unbracketed ("fd00::3:6379"), because it splits
 * at the last colon and hands the rest to the resolver as is ("[::1]:7" is "Name or service not known").
 */
export function clusterCliAddress(address: string): string {
  const [host, port] = splitAddress(address);
  return `${host}:${port}`;
}

/** The host part of "host:port", unbracketed: what a firewall rule or /dev/tcp path takes. */
export function hostOf(address: string): string {
  return splitAddress(address)[0];
}
