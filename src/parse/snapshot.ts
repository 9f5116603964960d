// A saved snapshot (`check --record FILE`) read back for `check --from-snapshot FILE`. The file may
// be hand-edited, come from another version or from someone hostile, so its shape is checked field by
// field and the first problem is named, e.g. `nodes[2].probes.client.state: expected one of open,
// refused, ...` (never quoting the file itself), and every text it holds that a report shows (addresses,
// error texts, names) is made printable: a snapshot must not write to the terminal it is read on.
// Raw replies stay as recorded; their parsers validate and quote them.
import { SNAPSHOT_FORMAT, type CommandResult, type NodeSnapshot, type ProbeResult, type SkippedAddress, type Snapshot } from "../model/snapshot.js";
import { printable } from "../text/printable.js";
import { ParseError } from "./errors.js";

type Json = unknown;

const PROBE_STATES = ["open", "refused", "timeout", "unreachable", "error"];
const SKIPPED_KINDS = ["host-name", "special", "link-local", "outside", "far"];

function fail(path: string, expected: string): never {
  throw new ParseError("snapshot", null, null, `${printable(path, 200)}: expected ${expected}`);
}

function object(value: Json, path: string): Record<string, Json> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "an object");
  return value as Record<string, Json>;
}

function array(value: Json, path: string): Json[] {
  if (!Array.isArray(value)) fail(path, "an array");
  return value;
}

function number(value: Json, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, "a number");
  return value;
}

function string(value: Json, path: string): string {
  if (typeof value !== "string") fail(path, "a string");
  return value;
}

function commandResult(value: Json, path: string): void {
  const result = object(value, path);
  if (typeof result["ok"] !== "boolean") fail(`${path}.ok`, "true or false");
  number(result["ms"], `${path}.ms`);
  if (result["ok"] === false) {
    string(result["kind"], `${path}.kind`);
    string(result["error"], `${path}.error`);
  }
}

function probe(value: Json, path: string): void {
  const result = object(value, path);
  string(result["host"], `${path}.host`);
  number(result["port"], `${path}.port`);
  number(result["ms"], `${path}.ms`);
  if (!PROBE_STATES.includes(result["state"] as string)) fail(`${path}.state`, `one of ${PROBE_STATES.join(", ")}`);
}

function node(value: Json, path: string): void {
  const entry = object(value, path);
  string(entry["address"], `${path}.address`);
  string(entry["host"], `${path}.host`);
  if (entry["origin"] !== "seed" && entry["origin"] !== "discovered") fail(`${path}.origin`, "seed or discovered");
  number(entry["port"], `${path}.port`);
  number(entry["startedAtMs"], `${path}.startedAtMs`);
  number(entry["finishedAtMs"], `${path}.finishedAtMs`);
  commandResult(entry["connection"], `${path}.connection`);
  for (const [name, result] of Object.entries(object(entry["commands"], `${path}.commands`))) {
    commandResult(result, `${path}.commands.${name}`);
  }
  for (const [id, result] of Object.entries(object(entry["failureReports"], `${path}.failureReports`))) {
    commandResult(result, `${path}.failureReports.${id}`);
  }
  const probes = object(entry["probes"], `${path}.probes`);
  probe(probes["client"], `${path}.probes.client`);
  if (probes["bus"] !== null) probe(probes["bus"], `${path}.probes.bus`);
}

function skipped(value: Json, path: string): void {
  const entry = object(value, path);
  string(entry["address"], `${path}.address`);
  if (!SKIPPED_KINDS.includes(entry["kind"] as string)) fail(`${path}.kind`, `one of ${SKIPPED_KINDS.join(", ")}`);
  string(entry["reason"], `${path}.reason`);
  array(entry["listedBy"], `${path}.listedBy`).forEach((by, index) => string(by, `${path}.listedBy[${index}]`));
}

/**
 * Why JSON.parse refused the text, without the text: Node's messages quote the start of it
 * (`Unexpected token 'h', "hostname\n" is not valid JSON`), which may be anything, secrets included.
 */
function notJson(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const position = /at position (\d+)/.exec(message)?.[1];
  if (/end of JSON input/.test(message)) return "not JSON (it ends too early)";
  return position === undefined ? "not JSON" : `not JSON (the first error is at character ${position})`;
}

const shown = (value: string): string => printable(value, 1000);

function cleanResult(result: CommandResult): CommandResult {
  return result.ok ? result : { ...result, error: shown(result.error) };
}

function cleanResults<T extends Record<string, CommandResult>>(results: T): T {
  return Object.fromEntries(Object.entries(results).map(([name, result]) => [shown(name), cleanResult(result)])) as T;
}

function cleanProbe(probe: ProbeResult): ProbeResult {
  return { ...probe, host: shown(probe.host), ...(probe.error === undefined ? {} : { error: shown(probe.error) }) };
}

function cleanNode(node: NodeSnapshot): NodeSnapshot {
  return {
    ...node,
    address: shown(node.address),
    host: shown(node.host),
    connection: cleanResult(node.connection),
    commands: cleanResults(node.commands),
    failureReports: cleanResults(node.failureReports),
    probes: { client: cleanProbe(node.probes.client), bus: node.probes.bus === null ? null : cleanProbe(node.probes.bus) },
  };
}

function cleanSkipped(entry: SkippedAddress): SkippedAddress {
  return { ...entry, address: shown(entry.address), reason: shown(entry.reason), listedBy: entry.listedBy.map(shown) };
}

/** The checked snapshot with every text a report may show made printable. */
function cleaned(snapshot: Snapshot): Snapshot {
  const { user } = snapshot.settings;
  return {
    ...snapshot,
    seeds: snapshot.seeds.map(shown),
    settings: { ...snapshot.settings, user: typeof user === "string" ? shown(user) : null },
    nodes: snapshot.nodes.map(cleanNode),
    baseline:
      snapshot.baseline === null || snapshot.baseline === undefined ? null : { ...snapshot.baseline, clusterInfo: cleanResults(snapshot.baseline.clusterInfo) },
    ...(snapshot.outOfScope === undefined ? {} : { outOfScope: snapshot.outOfScope.map(cleanSkipped) }),
    ...(snapshot.firstLook === undefined || snapshot.firstLook === null
      ? {}
      : { firstLook: { ...snapshot.firstLook, nodes: snapshot.firstLook.nodes.map(cleanNode), reasons: snapshot.firstLook.reasons.map(shown) } }),
  };
}

/** Parses and checks a snapshot file's text; throws ParseError naming the first bad field. */
export function parseSnapshot(text: string): Snapshot {
  let value: Json;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ParseError("snapshot", null, null, notJson(error));
  }
  const root = object(value, "snapshot");
  if (root["format"] !== SNAPSHOT_FORMAT) fail("format", `${SNAPSHOT_FORMAT} (a busdoctor snapshot written by check --record)`);
  number(root["takenAtMs"], "takenAtMs");
  number(root["finishedAtMs"], "finishedAtMs");
  array(root["seeds"], "seeds").forEach((seed, index) => string(seed, `seeds[${index}]`));
  object(root["settings"], "settings");
  array(root["nodes"], "nodes").forEach((entry, index) => node(entry, `nodes[${index}]`));
  if (root["baseline"] !== null && root["baseline"] !== undefined) {
    const baseline = object(root["baseline"], "baseline");
    number(baseline["takenAtMs"], "baseline.takenAtMs");
    for (const [address, result] of Object.entries(object(baseline["clusterInfo"], "baseline.clusterInfo"))) {
      commandResult(result, `baseline.clusterInfo.${address}`);
    }
  }
  if (root["outOfScope"] !== undefined) array(root["outOfScope"], "outOfScope").forEach((entry, index) => skipped(entry, `outOfScope[${index}]`));
  // The first of two looks (check's second look, format 1 since it exists): absent in older files.
  if (root["firstLook"] !== null && root["firstLook"] !== undefined) {
    const look = object(root["firstLook"], "firstLook");
    number(look["takenAtMs"], "firstLook.takenAtMs");
    number(look["finishedAtMs"], "firstLook.finishedAtMs");
    array(look["nodes"], "firstLook.nodes").forEach((entry, index) => node(entry, `firstLook.nodes[${index}]`));
    array(look["reasons"], "firstLook.reasons").forEach((reason, index) => string(reason, `firstLook.reasons[${index}]`));
  }
  return cleaned(value as Snapshot);
}
