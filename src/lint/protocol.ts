// Protocols as firewall formats write them: by name or by IP protocol number (`tcp`/`6`, `udp`/`17`).
// What means "every protocol" differs per format, so each passes its own words for it.
import type { Protocol } from "./model.js";

export function protocolNamed(text: string, anyWords: readonly string[]): Protocol {
  const name = text.toLowerCase();
  if (name === "tcp" || name === "6") return "tcp";
  if (name === "udp" || name === "17") return "udp";
  return anyWords.includes(name) ? "any" : "other";
}
