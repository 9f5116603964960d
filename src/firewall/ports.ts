// Pure: port lists as firewall tools write them. `6379`, `16379:16384` (iptables), `16379-16384`
// (nft, firewalld, ufw, compose), service names nft and ufw print for well-known ports (`ssh`).
import type { PortRange } from "./model.js";

/** Names tools print instead of numbers (nft without -nn, /etc/services); anything else is unknown. */
const SERVICE_PORTS: Record<string, number> = { ssh: 22, http: 80, https: 443, domain: 53, redis: 6379 };

function port(text: string): number | undefined {
  if (/^\d{1,5}$/.test(text)) {
    const value = Number(text);
    return value >= 0 && value <= 65535 ? value : undefined;
  }
  return SERVICE_PORTS[text.toLowerCase()];
}

/** One port or range; `separator` is ":" for iptables, "-" elsewhere. */
export function portRange(text: string, separator: ":" | "-"): PortRange | undefined {
  const at = text.indexOf(separator);
  if (at < 0) {
    const single = port(text.trim());
    return single === undefined ? undefined : { from: single, to: single };
  }
  // iptables allows open ends: "1024:" is 1024..65535, ":1023" is 0..1023.
  const fromText = text.slice(0, at).trim();
  const toText = text.slice(at + 1).trim();
  const from = fromText === "" && separator === ":" ? 0 : port(fromText);
  const to = toText === "" && separator === ":" ? 65535 : port(toText);
  if (from === undefined || to === undefined || to < from) return undefined;
  return { from, to };
}

/** A comma-separated list (`6379,16379,17000:17005`); undefined when any part is not a port. */
export function portList(text: string, separator: ":" | "-"): PortRange[] | undefined {
  const ranges: PortRange[] = [];
  for (const part of text.split(",")) {
    const range = portRange(part, separator);
    if (range === undefined) return undefined;
    ranges.push(range);
  }
  return ranges;
}

export function portsCover(ranges: readonly PortRange[], value: number): boolean {
  return ranges.some((range) => range.from <= value && value <= range.to);
}
