// Lists of nodes and link states in prose, the same way in findings, phases, coverage and reports
// (the renderers use these words too: one wording, and diagnose never imports a renderer).
import type { LinkState } from "../model/links.js";
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

/** The exact value of a cell: "ping pending 4200 ms", "fail? (pfail)", "unknown (timeout)". */
export function describeLinkState(state: LinkState): string {
  switch (state.kind) {
    case "ok":
      return state.pongAgeMs === null ? "ok" : `ok, last pong ${state.pongAgeMs} ms ago`;
    case "ping-pending":
      return `ping pending ${state.pendingMs} ms`;
    case "pong-stale":
      return `pong stale ${state.pongAgeMs} ms`;
    case "pfail":
      return `fail? (pfail)${timings(state.pendingMs, state.pongAgeMs)}`;
    case "fail":
      return `fail${timings(state.pendingMs, state.pongAgeMs)}`;
    case "missing":
      return "missing from the observer's CLUSTER NODES";
    case "unknown":
      return `unknown (${state.reason})`;
  }
}

/** ", ping pending 4200 ms, last pong 5000 ms ago": what a flag was read with, when known. */
function timings(pendingMs: number | null, pongAgeMs: number | null): string {
  const pending = pendingMs === null ? "" : `, ping pending ${pendingMs} ms`;
  const pong = pongAgeMs === null ? "" : `, last pong ${pongAgeMs} ms ago`;
  return pending + pong;
}
