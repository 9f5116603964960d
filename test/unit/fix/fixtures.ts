// Loads the evidence recorded from real redis-server 7.0.15 clusters by scripts/record-fix-fixtures.ts
// (and the check snapshots of scripts/record-snapshots.ts, which fix also plans from), and plans it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { diagnose } from "../../../src/diagnose/index.js";
import { parseEvidence, type FixEvidence } from "../../../src/fix/evidence.js";
import type { Plan } from "../../../src/fix/model.js";
import { planFix } from "../../../src/fix/plan/index.js";
import { readCluster, type ClusterReading } from "../../../src/fix/reading.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "v7.0.15");

export function loadEvidence(name: string): FixEvidence {
  const [dir, file] = name.startsWith("check/") ? ["snapshots", name.slice("check/".length)] : ["fix", name];
  return parseEvidence(readFileSync(join(FIXTURES, dir, `${file}.json`), "utf8"));
}

export function planOf(evidence: FixEvidence): { plan: Plan; reading: ClusterReading } {
  const diagnosed = diagnose(evidence.current.snapshot);
  return { plan: planFix({ evidence, diagnosed }), reading: readCluster(evidence.current, diagnosed.analysis) };
}
