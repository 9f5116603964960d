// Access to the replies recorded from real redis-server 7.0.15 by scripts/record-raw-fixtures.sh:
// test/fixtures/v7.0.15/raw/<scenario>/<ip>_<port>/<file>.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const RAW_DIR = fileURLToPath(new URL("../../fixtures/v7.0.15/raw/", import.meta.url));

/** Every scenario the script records; tests assert the directory holds exactly these. */
export const EXPECTED_SCENARIOS = [
  "bus-both-blocked",
  "bus-both-blocked-early",
  "bus-inbound-blocked",
  "bus-outbound-blocked",
  "handshake",
  "healthy",
  "hostnames",
  "noaddr",
  "nofailover",
  "slot-migrating",
] as const;
export type Scenario = (typeof EXPECTED_SCENARIOS)[number];

/** The six nodes of the recording lab, as "ip:port". */
export const LAB_NODES = [1, 2, 3, 4, 5, 6].map((n) => `127.0.0.${n}:6379`);
/** The node whose bus port the fault scenarios block. */
export const FAULTY_NODE = "127.0.0.3:6379";

export function recordedScenarios(): string[] {
  return readdirSync(RAW_DIR).sort();
}

/** One node's replies in one scenario. */
export interface RecordedView {
  scenario: Scenario;
  /** The node that answered, "ip:port". */
  node: string;
}

export function recordedViews(): RecordedView[] {
  return EXPECTED_SCENARIOS.flatMap((scenario) => viewsOf(scenario));
}

export function viewsOf(scenario: Scenario): RecordedView[] {
  return readdirSync(`${RAW_DIR}${scenario}`)
    .sort()
    .map((dir) => ({ scenario, node: dir.replace(/_(\d+)$/, ":$1") }));
}

export function readRaw(view: RecordedView, file: string): string {
  return readFileSync(`${RAW_DIR}${view.scenario}/${view.node.replace(":", "_")}/${file}`, "utf8");
}
