// What a plan is computed from: the snapshot `check` would take, the extra read-only replies the plan
// needs (CLUSTER COUNTKEYSINSLOT for open slots, CONFIG GET for mitigations), when a slot is open an
// earlier snapshot with its own replies to prove that nothing is moving, and what `host-audit --json`
// found on nodes' hosts (--host-audit). `fix --record FILE` saves it; `fix --from-snapshot FILE` reads
// it back (or a plain `check --record` snapshot).
import type { CommandResult, Snapshot } from "../model/snapshot.js";
import { ParseError } from "../parse/errors.js";
import { parseSnapshot } from "../parse/snapshot.js";
import type { FirewallBlock } from "../hostaudit/model.js";
import type { ExtraRead } from "./model.js";

export const FIX_EVIDENCE_KIND = "busdoctor-fix-evidence";
export const FIX_EVIDENCE_FORMAT = 1;

export interface ReadResult {
  address: string;
  read: ExtraRead;
  result: CommandResult;
}

export interface Reading {
  snapshot: Snapshot;
  reads: ReadResult[];
}

/** What `busdoctor host-audit --json` found on one node's host: the rules that block its ports. */
export interface HostFirewall {
  /** The audited node, "ip:port". */
  node: string;
  blocks: FirewallBlock[];
}

export interface FixEvidence {
  kind: typeof FIX_EVIDENCE_KIND;
  format: typeof FIX_EVIDENCE_FORMAT;
  current: Reading;
  /** Taken a few seconds before `current` when a slot was open; null otherwise. */
  earlier: Reading | null;
  hostFirewalls: HostFirewall[];
}

export function evidenceOf(current: Reading, earlier: Reading | null = null, hostFirewalls: HostFirewall[] = []): FixEvidence {
  return { kind: FIX_EVIDENCE_KIND, format: FIX_EVIDENCE_FORMAT, current, earlier, hostFirewalls };
}

/** The wire form of an extra read: read-only commands only. */
export function readArgs(read: ExtraRead): string[] {
  switch (read.kind) {
    case "countkeysinslot":
      return ["CLUSTER", "COUNTKEYSINSLOT", String(read.slot)];
    case "config-get":
      return ["CONFIG", "GET", read.parameter];
  }
}

export function readKey(address: string, read: ExtraRead): string {
  return `${address} ${readArgs(read).join(" ")}`;
}

/** An integer reply of a read, or null when it failed or was not made. */
export function readInteger(reads: readonly ReadResult[], address: string, read: ExtraRead): number | null {
  const key = readKey(address, read);
  const found = reads.find((entry) => readKey(entry.address, entry.read) === key);
  return found?.result.ok && typeof found.result.reply === "number" ? found.result.reply : null;
}

/** CONFIG GET answers [name, value]: the value, or null when it failed or was not made. */
export function readConfig(reads: readonly ReadResult[], address: string, read: ExtraRead): string | null {
  const key = readKey(address, read);
  const found = reads.find((entry) => readKey(entry.address, entry.read) === key);
  if (!found?.result.ok || !Array.isArray(found.result.reply)) return null;
  const value = found.result.reply[1];
  return typeof value === "string" ? value : null;
}

const READ_KINDS = ["countkeysinslot", "config-get"];

function fail(path: string, expected: string): never {
  throw new ParseError("fix evidence", null, null, `${path}: expected ${expected}`);
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "an object");
  return value as Record<string, unknown>;
}

function readingAt(value: unknown, path: string): Reading {
  const reading = objectAt(value, path);
  const snapshot = parseSnapshot(JSON.stringify(reading["snapshot"]));
  if (!Array.isArray(reading["reads"])) fail(`${path}.reads`, "an array");
  reading["reads"].forEach((entry: unknown, index: number) => {
    const at = `${path}.reads[${index}]`;
    const read = objectAt(entry, at);
    if (typeof read["address"] !== "string") fail(`${at}.address`, "a string");
    if (!READ_KINDS.includes(String(objectAt(read["read"], `${at}.read`)["kind"]))) fail(`${at}.read.kind`, READ_KINDS.join(" or "));
    const result = objectAt(read["result"], `${at}.result`);
    if (typeof result["ok"] !== "boolean") fail(`${at}.result.ok`, "true or false");
  });
  return { snapshot, reads: reading["reads"] as ReadResult[] };
}

/**
 * A file for `fix --from-snapshot`: what `fix --record` wrote, or a plain snapshot from `check --record`
 * (then without the extra reads: a plan from it says what it could not prove).
 */
export function parseEvidence(text: string): FixEvidence {
  const root = objectAt(parseJson(text, "fix evidence"), "file");
  if (root["kind"] !== FIX_EVIDENCE_KIND) return evidenceOf({ snapshot: parseSnapshot(text), reads: [] });
  if (root["format"] !== FIX_EVIDENCE_FORMAT) fail("format", `${FIX_EVIDENCE_FORMAT} (written by busdoctor fix --record)`);
  const firewalls = root["hostFirewalls"] === undefined ? [] : root["hostFirewalls"];
  if (!Array.isArray(firewalls)) fail("hostFirewalls", "an array");
  return evidenceOf(
    readingAt(root["current"], "current"),
    root["earlier"] === null ? null : readingAt(root["earlier"], "earlier"),
    firewalls.map((entry: unknown, index: number) => hostFirewallAt(entry, `hostFirewalls[${index}]`)),
  );
}

const BLOCK_FIELDS: Record<string, "string" | "number"> = {
  source: "string",
  family: "string",
  table: "string",
  chain: "string",
  ref: "string",
  rule: "string",
  direction: "string",
  role: "string",
  port: "number",
};

function hostFirewallAt(value: unknown, path: string): HostFirewall {
  const entry = objectAt(value, path);
  if (typeof entry["node"] !== "string") fail(`${path}.node`, "a string");
  const firewall = objectAt(entry["firewall"] ?? { blocks: entry["blocks"] }, `${path}.firewall`);
  if (!Array.isArray(firewall["blocks"])) fail(`${path}.firewall.blocks`, "an array");
  const blocks = firewall["blocks"].map((item: unknown, index: number) => {
    const at = `${path}.firewall.blocks[${index}]`;
    const block = objectAt(item, at);
    for (const [field, type] of Object.entries(BLOCK_FIELDS)) if (typeof block[field] !== type) fail(`${at}.${field}`, `a ${type}`);
    if (block["handle"] !== null && typeof block["handle"] !== "number") fail(`${at}.handle`, "a number or null");
    return block as unknown as FirewallBlock;
  });
  return { node: entry["node"], blocks };
}

/** `busdoctor host-audit --json` output, given to `fix --host-audit FILE`. */
export function parseHostAudit(text: string): HostFirewall {
  return hostFirewallAt(parseJson(text, "host-audit report"), "report");
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ParseError(what, null, null, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}
