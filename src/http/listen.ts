// Where watch's HTTP endpoint (dashboard, /metrics) binds: --listen [host:]port, 127.0.0.1 unless a
// host is given. Any other address serves plain HTTP to the network, which gets a warning.
import { isIP, isIPv6 } from "node:net";
import { formatAddress } from "../cluster/address.js";
import { UsageError } from "../errors.js";

export interface ListenAddress {
  host: string;
  port: number;
}

/** "9464" (loopback only), "0.0.0.0:9464", "[::1]:9464". */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || !(port >= 1 && port <= 65535)) throw new UsageError(`--listen: expected [host:]port such as 9464 or 0.0.0.0:9464, got "${text}"`);
  const host = match[1] ?? match[2] ?? "127.0.0.1";
  if (match[1] !== undefined && !isIPv6(host)) throw new UsageError(`--listen: "${host}" in brackets is not an IPv6 address`);
  return { host, port };
}

/** Whether only this host can connect: 127.0.0.0/8, ::1 or the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === "localhost" || lower === "::1" || lower === "::ffff:127.0.0.1") return true;
  return isIP(lower) === 4 && lower.startsWith("127.");
}

/** "http://127.0.0.1:9464", "http://[::1]:9464". */
export function listenUrl(address: ListenAddress): string {
  return `http://${formatAddress(address.host, address.port)}`;
}

/**
 * The warning for an address other hosts can reach (0.0.0.0, ::, a routable address), or null for
 * loopback. The endpoint is read-only and holds no secret, but it shows the cluster's addresses and
 * health to anyone who can connect, over plain HTTP.
 */
export function exposureWarning(address: ListenAddress, authenticated: boolean): string | null {
  if (isLoopbackHost(address.host)) return null;
  const where = address.host === "0.0.0.0" || address.host === "::" ? "every network this host is on" : `the network of ${address.host}`;
  const advice = authenticated
    ? "credentials travel in clear text: put a TLS reverse proxy in front of it"
    : "anyone who can connect sees the cluster's addresses and health: add --basic-auth-file or --bearer-token-file, a firewall rule, or bind to 127.0.0.1";
  return `warning: --listen ${formatAddress(address.host, address.port)} serves the dashboard and /metrics over plain HTTP to ${where}; ${advice}`;
}
