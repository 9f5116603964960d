// Lists of nodes in prose, the same way in findings, phases, coverage and reports.
import { naturalCompare } from "../text/naturalOrder.js";

/** "127.0.0.1:6379", or "127.0.0.1:6379, 127.0.0.2:6379 and 4 more". */
export function nodeList(nodes: readonly string[], shown = 2): string {
  const head = nodes.slice(0, shown).join(", ");
  return nodes.length > shown ? `${head} and ${nodes.length - shown} more` : head;
}

/** "A", "A and B", "A, B and C": every name, for summaries that must name all nodes of a cause. */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** Addresses in a stable order (numeric within each part), so a verdict reads the same from any seed. */
export function byAddress(a: string, b: string): number {
  return naturalCompare(a, b);
}

/** "1.3 s". */
export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** "10:00:03 UTC": a time of day for "look again at", on busdoctor's clock. */
export function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}
