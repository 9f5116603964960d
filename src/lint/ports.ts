import type { PortMatch, PortRange } from "./model.js";

export const DEFAULT_CLIENT_PORT = 6379;

/** A TCP/UDP port number, or undefined for anything else ("6379" -> 6379, "0" -> undefined). */
export function toPort(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === "number" ? String(value) : value.trim();
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** "6379" -> 6379..6379, "7000-7005" (nft, compose, Azure) or "7000:7005" (iptables) -> 7000..7005. */
export function parsePortRange(text: string, separator: "-" | ":"): PortRange | undefined {
  const parts = text.split(separator);
  if (parts.length === 1) {
    const port = toPort(parts[0]);
    return port === undefined ? undefined : { from: port, to: port };
  }
  if (parts.length !== 2) return undefined;
  const from = toPort(parts[0]);
  const to = toPort(parts[1]);
  if (from === undefined || to === undefined || to < from) return undefined;
  return { from, to };
}

export function single(port: number): PortRange {
  return { from: port, to: port };
}

export function rangeCovers(range: PortRange, port: number): boolean {
  return range.from <= port && port <= range.to;
}

/** True when the match covers the port, "unknown" when it cannot be told (unresolved names). */
export function portMatchCovers(match: PortMatch, port: number): boolean | "unknown" {
  switch (match.kind) {
    case "any":
      return true;
    case "ranges":
      return match.ranges.some((range) => rangeCovers(range, port));
    case "unresolved":
      return "unknown";
  }
}
