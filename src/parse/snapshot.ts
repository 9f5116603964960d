// A saved snapshot (`check --record FILE`) read back for `check --from-snapshot FILE`. The file may
// be hand-edited or come from another version, so its shape is checked field by field and the first
// problem is named, e.g. `nodes[2].probes.client.state: expected one of open, refused, ...`.
import { SNAPSHOT_FORMAT, type Snapshot } from "../model/snapshot.js";
import { ParseError } from "./errors.js";

type Json = unknown;

const PROBE_STATES = ["open", "refused", "timeout", "unreachable", "error"];

function fail(path: string, expected: string): never {
  throw new ParseError("snapshot", null, null, `${path}: expected ${expected}`);
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

/** Parses and checks a snapshot file's text; throws ParseError naming the first bad field. */
export function parseSnapshot(text: string): Snapshot {
  let value: Json;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ParseError("snapshot", null, null, `not JSON (${error instanceof Error ? error.message : String(error)})`);
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
  // The first of two looks (check's second look, format 1 since it exists): absent in older files.
  if (root["firstLook"] !== null && root["firstLook"] !== undefined) {
    const look = object(root["firstLook"], "firstLook");
    number(look["takenAtMs"], "firstLook.takenAtMs");
    number(look["finishedAtMs"], "firstLook.finishedAtMs");
    array(look["nodes"], "firstLook.nodes").forEach((entry, index) => node(entry, `firstLook.nodes[${index}]`));
    array(look["reasons"], "firstLook.reasons").forEach((reason, index) => string(reason, `firstLook.reasons[${index}]`));
  }
  return value as Snapshot;
}
