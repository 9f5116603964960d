// Running `busdoctor check` inside a lab as a user would, reading its JSON report, and putting the lab
// back between scenarios (faults healed, killed nodes started again, the original masters master again)
// so that every scenario starts from the same cluster.
import { builtCliScript } from "../../../src/lab/cliArgv.js";
import type { Lab } from "../../../src/lab/lab.js";
import type { LabNode } from "../../../src/lab/layout.js";
import { redisCli } from "../../../src/lab/cluster.js";
import { DATA_RISK_COMMANDS } from "../../../src/model/finding.js";
import type { JsonCheckReport } from "../../../src/render/json.js";
import { observe, waitFor } from "../../support/observe.js";

export interface CheckRun {
  code: number;
  report: JsonCheckReport;
  stderr: string;
}

/** `busdoctor check SEEDS --json`; `env` (REDISCLI_AUTH) is set with env(1), never as an argument. */
export async function runCheck(lab: Lab, seeds: readonly string[], extra: readonly string[] = [], env: Record<string, string> = {}): Promise<CheckRun> {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const argv = ["env", ...assignments, process.execPath, builtCliScript(), "check", ...seeds, "--json", "--timeout", "1000", ...extra];
  const result = await lab.exec(argv, { timeoutMs: 60_000 });
  try {
    return { code: result.code, report: JSON.parse(result.stdout) as JsonCheckReport, stderr: result.stderr };
  } catch {
    throw new Error(`check printed no JSON (exit ${result.code}): ${result.stderr.trim()}`);
  }
}

/** Every fix line of every finding, for "nothing that can lose data" assertions. */
export function dataRiskLines(report: JsonCheckReport): string[] {
  return report.findings.flatMap((finding) => finding.fix.flatMap((fix) => fix.lines)).filter((line) => DATA_RISK_COMMANDS.test(line));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `at` ms after `start` (at once when that is past). */
export async function until(start: number, at: number): Promise<void> {
  await sleep(Math.max(0, start + at - Date.now()));
}

async function role(lab: Lab, index: number): Promise<string | null> {
  const reply = await redisCli(lab.cli, lab.node(index), ["role"]);
  return reply.ok ? (reply.text.split("\n")[0]?.trim() ?? null) : null;
}

/**
 * Back to the cluster the lab created: faults healed, killed nodes started, settled, and each of the
 * first `masters` nodes master again (CLUSTER FAILOVER on the one that was failed over: a coordinated,
 * lossless switch the lab may make; busdoctor itself never sends it).
 */
export async function restoreLab(lab: Lab): Promise<void> {
  await lab.heal();
  for (const node of lab.nodes) {
    if ((await role(lab, node.index)) === null) await lab.restart(node.index);
  }
  await lab.waitUntilSettled();
  // PINGs a node sent while it was cut off can stay pending for a while after the heal (its link is
  // re-made about every node timeout): the next scenario must not start with them in its views.
  await waitFor(
    "no PING pending in any view",
    async () => {
      const views = await Promise.all(lab.nodes.map((node) => observe(lab, node.index)));
      return views.every((view) => view !== null && view.entries.every((entry) => entry.pingSentMs === 0 || view.nowMs - entry.pingSentMs < 500));
    },
    30_000,
  );
  for (let index = 1; index <= lab.options.masters; index += 1) {
    if ((await role(lab, index)) === "master") continue;
    // A master that just rejoined may not answer the handshake in time: FORCE (no agreement asked of the
    // old master) on the second try; the lab holds no data.
    for (const args of [
      ["cluster", "failover"],
      ["cluster", "failover", "force"],
    ]) {
      await redisCli(lab.cli, lab.node(index), args);
      try {
        await waitFor(`node ${index} is master again`, async () => (await role(lab, index)) === "master", 10_000);
        break;
      } catch (error) {
        if (args.length === 3) throw error;
      }
    }
    await lab.waitUntilSettled();
  }
}

/** One line per finding, the phase and the looks: the message an assertion on a report prints when it fails. */
export function summaryOf(report: JsonCheckReport): string {
  const findings = report.findings.map((finding) => `${finding.role} ${finding.code} ${finding.severity} [${finding.nodes.join(",")}]: ${finding.summary}`);
  return [
    `health ${report.health}, phase ${report.phase.name} (${report.phase.summary}), ${report.coverage.looks.count} look(s): ${report.coverage.looks.reasons.join(" | ")}`,
    ...findings,
  ].join("\n");
}

/** The lab node that replicates node `index`, in node 1's view. */
export async function replicaOf(lab: Lab, index: number): Promise<LabNode> {
  const view = await observe(lab, 1);
  const masterId = view?.entries.find((entry) => entry.address === lab.node(index).endpoint)?.id;
  const replica = lab.nodes.find((node) => view?.entries.find((entry) => entry.address === node.endpoint)?.masterId === masterId);
  if (!masterId || !replica) throw new Error(`node ${index} has no replica`);
  return replica;
}

export async function configSet(lab: Lab, node: LabNode, name: string, value: string): Promise<void> {
  const reply = await redisCli(lab.cli, node, ["config", "set", name, value]);
  if (!reply.ok) throw new Error(`CONFIG SET ${name} on ${node.endpoint}: ${reply.error}`);
}

export interface ResetNode {
  node: LabNode;
  oldId: string;
  masterId: string;
}

/** CLUSTER RESET HARD on a replica: it forgets the cluster and takes a new id. */
export async function resetHard(lab: Lab, replica: LabNode): Promise<ResetNode> {
  const view = await observe(lab, 1);
  const own = view?.entries.find((entry) => entry.address === replica.endpoint);
  if (!own?.masterId) throw new Error(`${replica.endpoint} is no replica in node 1's view`);
  const reset = await redisCli(lab.cli, replica, ["cluster", "reset", "hard"]);
  if (!reset.ok) throw new Error(`CLUSTER RESET HARD on ${replica.endpoint}: ${reset.error}`);
  return { node: replica, oldId: own.id, masterId: own.masterId };
}

/** Back into the cluster as the replica it was; the peers forget its old id (`:0@0 slave,noaddr`). */
export async function rejoin(lab: Lab, reset: ResetNode): Promise<void> {
  const seed = lab.node(1);
  const meet = await redisCli(lab.cli, reset.node, ["cluster", "meet", seed.address, String(seed.port), String(seed.clusterPort)]);
  if (!meet.ok) throw new Error(`CLUSTER MEET from ${reset.node.endpoint}: ${meet.error}`);
  await waitFor("the reset replica knows its master again", async () => {
    const own = await observe(lab, reset.node.index);
    return own !== null && own.entries.some((entry) => entry.id === reset.masterId);
  });
  const again = await redisCli(lab.cli, reset.node, ["cluster", "replicate", reset.masterId]);
  if (!again.ok) throw new Error(`CLUSTER REPLICATE on ${reset.node.endpoint}: ${again.error}`);
  for (const peer of lab.nodes.filter((node) => node !== reset.node)) await redisCli(lab.cli, peer, ["cluster", "forget", reset.oldId]);
}
