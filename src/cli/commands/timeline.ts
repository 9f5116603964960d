// busdoctor timeline: an incident from the watch's history, step by step.
import type { Command } from "commander";
import { defaultHistoryPath } from "../../history/location.js";
import { HistoryStore, type IncidentRecord } from "../../history/store.js";
import { renderIncidentList, renderTimeline, timelineJson } from "../../history/timeline.js";
import { renderTimelineHtml } from "../../render/html/timeline.js";
import { InputError } from "../../errors.js";
import { EXIT } from "../exitCodes.js";
import { parseChoice, parseInteger } from "../options/values.js";
import type { SetExit } from "./index.js";

interface TimelineFlags {
  incident?: string;
  history?: string;
  list?: boolean;
  json?: boolean;
  format: string;
}

const FORMATS = ["text", "json", "html"] as const;

const RENDERERS: Record<(typeof FORMATS)[number], (record: IncidentRecord) => string> = {
  text: renderTimeline,
  json: (record) => `${JSON.stringify(timelineJson(record), null, 2)}\n`,
  html: renderTimelineHtml,
};

const EXAMPLES = `
Examples:
  busdoctor timeline                    the latest incident, step by step
  busdoctor timeline --incident 12      incident #12
  busdoctor timeline --list             the latest incidents, one per line
  busdoctor timeline --history /var/lib/busdoctor/history.db --json
  busdoctor timeline --incident 12 --format html > incident-12.html
`;

export function registerTimelineCommand(program: Command, setExit: SetExit): void {
  program
    .command("timeline")
    .summary("print an incident recorded by `busdoctor watch` as a timeline")
    .description(
      "Read the watch's history database and print an incident step by step (first pending ping, early warning, PFAIL, FAIL, cluster_state fail, failover, heal, recovery) with the time between steps.",
    )
    .option("--incident <id>", "which incident (default: the latest)")
    .option("--list", "list the latest incidents instead")
    .option("--json", "print the incident as JSON (same as --format json)")
    .option("--format <format>", `output format: ${FORMATS.join(", ")} (html: one self-contained page)`, "text")
    .option("--history <file>", "the history database (default: $BUSDOCTOR_HISTORY or ~/.local/state/busdoctor/history.db)")
    .helpOption("--help", "display help for command")
    .addHelpText("after", EXAMPLES)
    .action((flags: TimelineFlags) => {
      const path = flags.history ?? defaultHistoryPath(process.env);
      const format = flags.json ? "json" : parseChoice("--format", flags.format, FORMATS);
      const id = flags.incident === undefined ? null : parseInteger("--incident", flags.incident, 1, Number.MAX_SAFE_INTEGER);
      const store = HistoryStore.open(path, { stepMs: 0, retentionMs: Number.POSITIVE_INFINITY }, false);
      try {
        if (flags.list) {
          process.stdout.write(renderIncidentList(store.recentIncidents(20)));
        } else {
          const record = store.incident(id);
          if (record === null) throw new InputError(id === null ? `no incident recorded in ${path} yet` : `no incident #${id} in ${path}`);
          process.stdout.write(RENDERERS[format](record));
        }
      } finally {
        store.close();
      }
      setExit(EXIT.healthy);
    });
}
