// Loads the snapshots recorded from real redis-server 7.0.15 clusters by scripts/record-snapshots.ts.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { parseSnapshot } from "../../../src/parse/snapshot.js";

export const SNAPSHOT_DIR = join(import.meta.dirname, "..", "..", "fixtures", "v7.0.15", "snapshots");

export function loadSnapshot(name: string): Snapshot {
  return parseSnapshot(readFileSync(join(SNAPSHOT_DIR, `${name}.json`), "utf8"));
}

export function snapshotNames(): string[] {
  return readdirSync(SNAPSHOT_DIR)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length))
    .sort();
}
