// busdoctor check: collect a snapshot (or read a recorded one), diagnose it, print the report.
import type { Command } from "commander";
import { buildReport } from "../../check/report.js";
import { collectForCheck, type CheckProgress } from "../../check/run.js";
import type { Health } from "../../model/finding.js";
import type { Snapshot } from "../../model/snapshot.js";
import { createProgress } from "../../render/progress.js";
import { renderJson } from "../../render/json.js";
import { renderMarkdown } from "../../render/markdown/index.js";
import { renderHtml } from "../../render/html/report.js";
import type { CheckReport } from "../../render/report.js";
import { renderTerminal } from "../../render/terminal/index.js";
import { EXIT } from "../exitCodes.js";
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from "../options/connection.js";
import { parseChoice, parseDuration } from "../options/values.js";
import { readSnapshotFile, writeSnapshotFile } from "../snapshotFile.js";
import type { SetExit } from "./index.js";

const FORMATS = ["terminal", "json", "markdown", "html"] as const;
type Format = (typeof FORMATS)[number];

interface CheckFlags extends ConnectionFlags {
  json?: boolean;
  format: string;
  record?: string;
  fromSnapshot?: string;
  sample?: string;
  resample: boolean;
  verbose?: boolean;
  color?: boolean;
}

const EXAMPLES = `
Examples:
  busdoctor check 10.0.0.5:6379                  diagnose the cluster that 10.0.0.5 belongs to
  busdoctor check -h 10.0.0.5 -p 7000 --user ops  with an ACL user; the password from REDISCLI_AUTH
  busdoctor check 10.0.0.5 10.0.0.6 --json        several seeds, machine-readable report
  busdoctor check 10.0.0.5 --verbose              every finding with all its evidence and fixes
  busdoctor check 10.0.0.5 --sample 5s            also compare gossip counters over 5 seconds
  busdoctor check 10.0.0.5 --no-resample          one snapshot only, even when it cannot decide
  busdoctor check 10.0.0.5 --record incident.json save everything collected, to replay later
  busdoctor check --from-snapshot incident.json   diagnose a recorded snapshot, no network
  busdoctor check 10.0.0.5 --format markdown      paste into an incident ticket
  busdoctor check 10.0.0.5 --format html > report.html   one self-contained page to attach to it

When one snapshot cannot tell a fresh fault from a path only this host lacks, one-way from both
ways, or down from unreachable, check looks again about 2 s later (never longer than the node
timeout) and decides from both; --record keeps both looks.

Exit codes: 0 healthy, 1 warnings only, 2 critical, 3 could not diagnose (bad arguments, no seed
reachable, bad credentials, or too little could be read: see the report's "based on").
`;

export const EXIT_BY_HEALTH: Record<Health, number> = {
  healthy: EXIT.healthy,
  warning: EXIT.warnings,
  critical: EXIT.critical,
  unknown: EXIT.cannotDiagnose,
};

/** The report of a snapshot, with the exit code its health means. */
export function checkReport(snapshot: Snapshot): CheckReport {
  return buildReport(snapshot, (health) => EXIT_BY_HEALTH[health]);
}

export function renderReport(report: CheckReport, format: Format, color: boolean, verbose: boolean): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "markdown":
      return renderMarkdown(report, { verbose });
    case "html":
      return renderHtml(report);
    case "terminal":
      return renderTerminal(report, { color, width: process.stdout.columns ?? 100, verbose });
  }
}

async function snapshotFor(seedArgs: string[], flags: CheckFlags): Promise<Snapshot> {
  if (flags.fromSnapshot !== undefined) return readSnapshotFile(flags.fromSnapshot);
  const warn = (line: string): void => void process.stderr.write(`busdoctor: ${line}\n`);
  const { seeds, connection } = connectionFromFlags(seedArgs, flags, process.env, warn);
  const sampleMs = flags.sample === undefined ? null : parseDuration("--sample", flags.sample);
  const progress = createProgress(process.stderr, process.stderr.isTTY === true);
  let discovered = 0;
  let done = 0;
  let look = "";
  const events: CheckProgress = {
    onEvent: (event) => {
      if (event.type === "node-discovered") discovered += 1;
      if (event.type === "node-done") done += 1;
      progress.update(`${look}querying nodes: ${done}/${Math.max(discovered, done)} answered${sampleMs ? `, sampling ${sampleMs} ms` : ""}`);
    },
    onSecondLook: (waitMs) => {
      discovered = 0;
      done = 0;
      look = "second look: ";
      progress.update(`one snapshot cannot decide: looking again in ${(waitMs / 1000).toFixed(1)} s`);
    },
  };
  try {
    return await collectForCheck(seeds, connection, { sampleMs, resample: flags.resample }, events);
  } finally {
    progress.done();
  }
}

export function registerCheckCommand(program: Command, setExit: SetExit): void {
  const command = program
    .command("check")
    .summary("diagnose a live cluster's bus from any seed node")
    .description(
      "Query every node of the cluster (found from the seeds' CLUSTER NODES), probe every client and bus port from this host, and name the root cause of a failing or fragile cluster bus with its evidence, the phase of the incident and the fix. Read-only.",
    )
    .argument("[seeds...]", "seed nodes as host:port (default 127.0.0.1:6379)")
    .helpOption("--help", "display help for command")
    .addHelpText("after", EXAMPLES);
  addConnectionOptions(command)
    .option("--json", "print the report as JSON (same as --format json)")
    .option("--format <format>", `report format: ${FORMATS.join(", ")}`, "terminal")
    .option("--verbose", "every finding with all its evidence, every fix per environment, the link grid")
    .option("--record <file>", "save the snapshot (raw replies and probes, both looks, no secrets) to this file")
    .option("--from-snapshot <file>", "diagnose a recorded snapshot instead of a live cluster")
    .option("--sample <duration>", "take two snapshots this far apart and compare gossip counters (e.g. 5s)")
    .option("--no-resample", "one snapshot only: never look again when it cannot decide")
    .option("--color", "colour even when stdout is not a terminal")
    .option("--no-color", "no colour even on a terminal (also: NO_COLOR)")
    .action(async (seedArgs: string[], flags: CheckFlags) => {
      const format: Format = flags.json ? "json" : parseChoice("--format", flags.format, FORMATS);
      const snapshot = await snapshotFor(seedArgs, flags);
      if (flags.record !== undefined) writeSnapshotFile(flags.record, snapshot);
      const report = checkReport(snapshot);
      const color = flags.color ?? (process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined);
      process.stdout.write(renderReport(report, format, color, flags.verbose === true));
      setExit(report.exitCode);
    });
}
