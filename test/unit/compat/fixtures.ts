// The per-version fixtures recorded by scripts/record-compat-fixtures.ts: one folder per server
// version, test/fixtures/<server>-<version>/snapshots/<scenario>.json, like Netdata's per-version
// testdata. Every test over them is a table with one row per folder.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ServerIdentity } from "../../../src/model/server.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { parseSnapshot } from "../../../src/parse/snapshot.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const FOLDER = /^(redis|valkey)-(\d+\.\d+\.\d+)$/;

export interface VersionFixtures {
  folder: string;
  server: ServerIdentity;
  /** Scenario names recorded for it (file names without .json). */
  scenarios: string[];
}

export function versionFixtures(): VersionFixtures[] {
  return readdirSync(FIXTURES)
    .sort()
    .flatMap((folder) => {
      const match = FOLDER.exec(folder);
      if (match === null) return [];
      const scenarios = readdirSync(`${FIXTURES}${folder}/snapshots`)
        .filter((file) => file.endsWith(".json"))
        .map((file) => file.slice(0, -".json".length))
        .sort();
      return [{ folder, server: { flavor: match[1] === "valkey" ? "valkey" : "redis", version: match[2] ?? "" }, scenarios }];
    });
}

export function loadVersionSnapshot(folder: string, scenario: string): Snapshot {
  return parseSnapshot(readFileSync(`${FIXTURES}${folder}/snapshots/${scenario}.json`, "utf8"));
}

/** Redis 6.2: no CLUSTER LINKS, no cluster-port, no hostnames, one INFO section per call. */
export function isRedis62(server: ServerIdentity): boolean {
  return server.flavor === "redis" && server.version.startsWith("6.2.");
}
