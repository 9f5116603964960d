// busdoctor fix: a recovery plan from the evidence; with --apply, its safe steps one at a time.
import { createInterface } from "node:readline/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { diagnose } from "../../diagnose/index.js";
import { UsageError } from "../../errors.js";
import { applyPlan, type ApplyOutcome } from "../../fix/apply.js";
import { actionArgs, createWriteClient } from "../../fix/client.js";
import { parseEvidence, parseHostAudit, type FixEvidence } from "../../fix/evidence.js";
import { createGatherer, sessionSettingsFor, gatherEvidence, type Gatherer } from "../../fix/gather.js";
import { applyHealth, planHealth } from "../../fix/health.js";
import { hostnamesOf } from "../../fix/session.js";
import { planJson, renderPlanJson } from "../../fix/json.js";
import type { Plan, Step } from "../../fix/model.js";
import { planFix } from "../../fix/plan/index.js";
import { readCluster } from "../../fix/reading.js";
import { describeEvent, renderOutcome, renderPlan } from "../../fix/render.js";
import { createProgress } from "../../render/progress.js";
import { exitCodeFor } from "../exitCodes.js";
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from "../options/connection.js";
import { parseDuration } from "../options/values.js";
import { readRecordedFile, writeJsonFile } from "../snapshotFile.js";
import type { SetExit } from "./index.js";

interface FixFlags extends ConnectionFlags {
  json?: boolean;
  apply?: boolean;
  yes?: boolean;
  allowMitigations?: boolean;
  fromSnapshot?: string;
  record?: string;
  interval: string;
  hostAudit: string[];
  color?: boolean;
}

const EXAMPLES = `
Examples:
  busdoctor fix 10.0.0.5:6379                      print the recovery plan (read-only)
  busdoctor fix 10.0.0.5:6379 10.0.0.9:6379        also a node the others forgot: give it as a seed
  busdoctor fix 10.0.0.5:6379 --apply              run its safe steps, asking before each
  busdoctor fix 10.0.0.5:6379 --apply --yes        the same from a script
  busdoctor fix 10.0.0.5:6379 --apply --allow-mitigations
                                                   also cluster-require-full-coverage no / allow-reads-when-down
  busdoctor fix 10.0.0.5:6379 --json               the plan as JSON (docs/fix.md)
  busdoctor fix 10.0.0.5:6379 --host-audit audit-10.0.0.7.json
                                                   the exact rule to delete, from host-audit --json on 10.0.0.7
  busdoctor fix 10.0.0.5:6379 --record fix.json    save the evidence, plan from it later
  busdoctor fix --from-snapshot fix.json           plan offline (also takes a check --record file)

Steps are safe (no key can be lost), mitigation (reversible, opt-in) or data-risk (printed, never
applied). Without --apply only read-only commands are sent. The ACL --apply needs is in docs/fix.md.
Exit codes: 0 nothing to do (or everything applied and verified), 1 safe or mitigation steps remain,
2 data-risk steps remain or an applied step did not have its effect, 3 could not diagnose.
`;

function planFrom(evidence: FixEvidence): { plan: Plan; reading: ReturnType<typeof readCluster> } {
  const diagnosed = diagnose(evidence.current.snapshot);
  const plan = planFix({ evidence, diagnosed });
  return { plan, reading: readCluster(evidence.current, diagnosed.analysis) };
}

async function confirmOnTerminal(step: Step): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`apply step ${step.number} (${step.class}) on ${step.targets.length || "no"} node(s): ${step.title}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

async function runApply(
  plan: Plan,
  gatherer: Gatherer,
  flags: FixFlags,
  settings: Parameters<typeof createWriteClient>[0],
  intervalMs: number,
): Promise<{ outcome: ApplyOutcome; remaining: Plan }> {
  const client = createWriteClient(settings);
  const log = (line: string): void => void process.stderr.write(`busdoctor: ${line}\n`);
  const outcome = await applyPlan(
    plan,
    { allowMitigations: flags.allowMitigations === true, pollMs: 500 },
    {
      read: async (also) => readCluster(await gatherer.now(also)),
      send: (address, action) => client.send(address, action),
      sleep: (ms) => sleep(ms),
      now: () => Date.now(),
      confirm: flags.yes ? async () => true : confirmOnTerminal,
      report: (event) => log(describeEvent(event)),
    },
    (action) => actionArgs(action).join(" "),
  );
  log(renderOutcome(outcome).trimEnd());
  const remaining = planFrom(await gatherEvidence(gatherer, intervalMs)).plan;
  return { outcome, remaining };
}

export function registerFixCommand(program: Command, setExit: SetExit): void {
  const command = program
    .command("fix")
    .summary("plan the recovery from the evidence; --apply runs its safe steps one at a time")
    .description(
      "Collect what check collects (plus CLUSTER COUNTKEYSINSLOT for open slots and CONFIG GET for mitigations) and compute an ordered recovery plan: each step with its class (safe, mitigation, data-risk), target, exact command, evidence, preconditions, expected change, verification and risk. Read-only unless --apply; data-risk steps are never applied.",
    )
    .argument("[seeds...]", "seed nodes as host:port (default 127.0.0.1:6379)")
    .helpOption("--help", "display help for command")
    .addHelpText("after", EXAMPLES);
  addConnectionOptions(command)
    .option("--apply", "run the plan's safe steps, one at a time, checking before and after each")
    .option("--yes", "with --apply: do not ask before each step (for scripts)")
    .option("--allow-mitigations", "with --apply: also run mitigation steps (each prints its undo)")
    .option("--json", "print the plan as JSON")
    .option("--record <file>", "save the evidence the plan was computed from")
    .option("--from-snapshot <file>", "plan from a file saved by fix --record or check --record (no network)")
    .option("--interval <duration>", "when a slot is open, read it again after this long to prove it idle", "3s")
    .option(
      "--host-audit <file>",
      "busdoctor host-audit --json output of a node's host: the bus step removes the exact rules it found (repeatable)",
      (path: string, all: string[]) => [...all, path],
      [] as string[],
    )
    .option("--color", "colour even when stdout is not a terminal")
    .option("--no-color", "no colour even on a terminal (also: NO_COLOR)")
    .action(async (seedArgs: string[], flags: FixFlags) => {
      const intervalMs = parseDuration("--interval", flags.interval);
      if (flags.fromSnapshot !== undefined && flags.apply)
        throw new UsageError("--apply needs a live cluster (it reads everything again before each step), not --from-snapshot");
      if ((flags.yes || flags.allowMitigations) && !flags.apply) throw new UsageError("--yes and --allow-mitigations only go with --apply");
      if (flags.apply && !flags.yes && process.stdin.isTTY !== true)
        throw new UsageError("--apply asks before each step on a terminal; from a script pass --yes");
      const color = flags.color ?? (process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined);
      // A pseudo-terminal may report 0 columns: wrap at a sane width then.
      const width = Math.max(60, process.stdout.columns || 100);
      let gatherer: Gatherer | null = null;
      let evidence: FixEvidence;
      const warn = (line: string): void => void process.stderr.write(`busdoctor: ${line}\n`);
      const connection = flags.fromSnapshot === undefined ? connectionFromFlags(seedArgs, flags, process.env, warn) : null;
      if (flags.fromSnapshot !== undefined) {
        evidence = readRecordedFile(flags.fromSnapshot, parseEvidence);
      } else if (connection) {
        const progress = createProgress(process.stderr, process.stderr.isTTY === true);
        gatherer = await createGatherer(connection.seeds, connection.connection, {
          onEvent: () => progress.update("querying nodes"),
          onSecondLook: (ms) => progress.update(`one look cannot tell the phase: looking again in ${(ms / 1000).toFixed(1)} s`),
        });
        try {
          evidence = await gatherEvidence(gatherer, intervalMs, (ms) => progress.update(`a slot is open: reading it again in ${ms / 1000} s`));
        } finally {
          progress.done();
        }
      } else throw new UsageError("no seed and no --from-snapshot");
      const audits = flags.hostAudit.map((path) => readRecordedFile(path, parseHostAudit, "--host-audit"));
      if (audits.length > 0)
        evidence = { ...evidence, hostFirewalls: [...evidence.hostFirewalls.filter((old) => !audits.some((audit) => audit.node === old.node)), ...audits] };
      if (flags.record !== undefined) writeJsonFile(flags.record, evidence);
      const { plan, reading } = planFrom(evidence);
      const seeds = evidence.current.snapshot.seeds;
      if (!flags.apply || gatherer === null || connection === null) {
        const exitCode = exitCodeFor(planHealth(plan));
        process.stdout.write(flags.json ? renderPlanJson(planJson(plan, reading, seeds, exitCode, null)) : renderPlan(plan, reading, { color, width }));
        setExit(exitCode);
        return;
      }
      if (!flags.json) process.stdout.write(renderPlan(plan, reading, { color, width }));
      const settings = { ...(await sessionSettingsFor(connection.seeds, connection.connection)), hostnames: hostnamesOf(reading.analysis) };
      const { outcome, remaining } = await runApply(plan, gatherer, flags, settings, intervalMs);
      const exitCode = exitCodeFor(applyHealth(outcome, remaining));
      if (flags.json) {
        process.stdout.write(renderPlanJson(planJson(plan, reading, seeds, exitCode, { outcome, remaining })));
      } else {
        process.stdout.write(`\nWhat remains after --apply:\n${renderPlan(remaining, null, { color, width })}`);
      }
      setExit(exitCode);
    });
}
