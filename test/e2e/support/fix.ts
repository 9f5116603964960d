// Running `busdoctor fix` inside a lab as a user would, seeing what it sent (the node's slow log),
// and the ACL user the docs give for --apply.
import { writeFileSync } from "node:fs";
import { expect } from "vitest";
import type { Lab } from "../../../src/lab/lab.js";
import type { JsonPlan } from "../../../src/fix/json.js";
import { cli } from "../../support/labActions.js";
import { CHECK_ACL_WITHOUT_CONFIG } from "./acl.js";

export interface FixRun {
  code: number;
  plan: JsonPlan;
  stderr: string;
}

export async function runFix(lab: Lab, args: string[]): Promise<FixRun> {
  const result = await lab.runBusdoctor(["fix", ...args, "--json", "--timeout", "1000", "--interval", "2s"], { timeoutMs: 90_000 });
  let plan: JsonPlan;
  try {
    plan = JSON.parse(result.stdout) as JsonPlan;
  } catch {
    throw new Error(`fix printed no JSON (exit ${result.code}): ${result.stderr}`);
  }
  return { code: result.code, plan, stderr: result.stderr };
}

export const codes = (run: FixRun): string[] => run.plan.steps.map((step) => step.code);

/**
 * Runs `during` and returns every command the node executed meanwhile, from its slow log with a 0 us
 * threshold. (MONITOR would not do: it never shows admin commands such as CLUSTER SETSLOT or CONFIG.)
 * AUTH is never logged. Entries: [id, time, duration, [args...], client, name].
 */
export async function recordedBy<T>(lab: Lab, index: number, during: () => Promise<T>): Promise<{ value: T; commands: string[] }> {
  await cli(lab, index, ["CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "100000"]);
  await cli(lab, index, ["SLOWLOG", "RESET"]);
  let value: T;
  try {
    value = await during();
  } finally {
    await cli(lab, index, ["CONFIG", "SET", "slowlog-log-slower-than", "10000"]);
  }
  const entries = JSON.parse(await cli(lab, index, ["--json", "SLOWLOG", "GET", "-1"])) as Array<[number, number, number, string[]]>;
  // The harness's own commands, and replicas acknowledging their offset (REPLCONF ACK).
  const harness = /^"(SLOWLOG|CONFIG" "SET" "slowlog-|REPLCONF)/i;
  const commands = entries
    .reverse()
    .map(([, , , args]) => args.map((arg) => `"${arg}"`).join(" "))
    .filter((command) => !harness.test(command));
  return { value, commands };
}

/** The commands a read-only busdoctor run may send (AUTH never shows in the slow log). */
const READ_ONLY = [
  /^"PING"$/i,
  /^"INFO"( "\w+")*$/i,
  /^"CLUSTER" "(MYID|INFO|NODES|LINKS)"$/i,
  /^"CLUSTER" "COUNT-FAILURE-REPORTS" "[0-9a-f]{40}"$/i,
  /^"CLUSTER" "COUNTKEYSINSLOT" "\d+"$/i,
  // CONFIG GET cluster-announce-*: one pattern, the node's announced addresses (where its bus is).
  /^"CONFIG" "GET" "[a-z-]+\*?"$/i,
];

export function expectReadOnly(commands: readonly string[]): void {
  expect(commands.length).toBeGreaterThan(0);
  expect(commands.filter((command) => !READ_ONLY.some((pattern) => pattern.test(command)))).toEqual([]);
}

/** The minimal ACL for `fix --apply` (docs/fix.md), on every given node; returns a --pass-file. */
export async function createFixUser(lab: Lab, indexes: readonly number[], passFile: string): Promise<string[]> {
  const rules = [
    "on",
    ">fix-secret",
    ...CHECK_ACL_WITHOUT_CONFIG,
    "+config|get",
    "+cluster|countkeysinslot",
    "+cluster|meet",
    "+cluster|forget",
    "+cluster|setslot",
  ];
  await Promise.all(indexes.map((index) => cli(lab, index, ["ACL", "SETUSER", "busdoctor-fix", ...rules])));
  writeFileSync(passFile, "fix-secret\n", { mode: 0o600 });
  return ["--user", "busdoctor-fix", "--pass-file", passFile];
}
