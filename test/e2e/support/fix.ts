// Running `busdoctor fix` inside a lab as a user would, watching what it sends (MONITOR), and the
// small lab actions the fix scenarios need (FORGET a node everywhere, an ACL user, an interrupted
// reshard) made with redis-cli, as an operator would.
import { writeFileSync } from "node:fs";
import { expect } from "vitest";
import type { Lab } from "../../../src/lab/lab.js";
import type { JsonPlan } from "../../../src/fix/json.js";
import { parseClusterNodes } from "../../../src/parse/clusterNodes.js";
import type { ClusterNodeEntry } from "../../../src/model/cluster.js";
import { waitFor } from "../../support/observe.js";

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

/** redis-cli against lab node `index`; throws on an error reply. */
export async function cli(lab: Lab, index: number, args: string[], input?: string): Promise<string> {
  const node = lab.node(index);
  const result = await lab.exec(["redis-cli", "-h", node.address, "-p", String(node.port), ...args], { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
  if (result.code !== 0) throw new Error(`redis-cli ${args.join(" ")} on node ${index}: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}

export async function nodesOf(lab: Lab, index: number): Promise<ClusterNodeEntry[]> {
  return parseClusterNodes(await cli(lab, index, ["CLUSTER", "NODES"]));
}

export async function idOf(lab: Lab, index: number): Promise<string> {
  return (await cli(lab, index, ["CLUSTER", "MYID"])).trim();
}

/** The lab index of the node at a client address. */
export function indexAt(lab: Lab, address: string): number {
  const node = lab.nodes.find((candidate) => candidate.endpoint === address);
  if (!node) throw new Error(`no lab node at ${address}`);
  return node.index;
}

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
  /^"CONFIG" "GET" "[a-z-]+"$/i,
];

export function expectReadOnly(commands: readonly string[]): void {
  expect(commands.length).toBeGreaterThan(0);
  expect(commands.filter((command) => !READ_ONLY.some((pattern) => pattern.test(command)))).toEqual([]);
}

/** `CLUSTER FORGET id` on every listed node but the forgotten one itself, as `redis-cli --cluster del-node` would. */
export async function forgetEverywhere(lab: Lab, forgotten: number, others: readonly number[]): Promise<void> {
  const id = await idOf(lab, forgotten);
  await Promise.all(others.map((index) => cli(lab, index, ["CLUSTER", "FORGET", id])));
  await waitFor("every other node has forgotten it", async () => {
    const views = await Promise.all(others.map((index) => nodesOf(lab, index)));
    return views.every((view) => !view.some((entry) => entry.id === id));
  });
}

/** The minimal ACL for `fix --apply` (docs/fix.md), on every given node; returns a --pass-file. */
export async function createFixUser(lab: Lab, indexes: readonly number[], passFile: string): Promise<string[]> {
  const rules = [
    "on",
    ">fix-secret",
    "-@all",
    "+ping",
    "+info",
    "+cluster|info",
    "+cluster|nodes",
    "+cluster|links",
    "+cluster|myid",
    "+cluster|count-failure-reports",
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

/** Slaves per the given node's view: [index, master id]. */
export async function replicas(lab: Lab, observer: number): Promise<number[]> {
  const view = await nodesOf(lab, observer);
  return view.filter((entry) => entry.role === "slave" && !entry.flags.includes("fail")).map((entry) => indexAt(lab, entry.address));
}
