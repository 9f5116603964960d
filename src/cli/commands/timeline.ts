// busdoctor timeline: an incident from the watch's history, step by step.
import type { Command } from "commander";
import { defaultHistoryPath } from "../../history/location.js";
import { HistoryStore } from "../../history/store.js";
import { renderIncidentList, renderTimeline, timelineJson } from "../../history/timeline.js";
import { InputError } from "../../errors.js";
import { EXIT } from "../exitCodes.js";
import { parseInteger } from "../options/values.js";
import type { SetExit } from "./index.js";

interface TimelineFlags {
  incident?: string;
  history?: string;
  list?: boolean;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  busdoctor timeline                    the latest incident, step by step
  busdoctor timeline --incident 12      incident #12
  busdoctor timeline --list             the latest incidents, one per line
  busdoctor timeline --history /var/lib/busdoctor/history.db --json
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
    .option("--json", "print the incident as JSON")
    .option("--history <file>", "the history database (default: $BUSDOCTOR_HISTORY or ~/.local/state/busdoctor/history.db)")
    .helpOption("--help", "display help for command")
    .addHelpText("after", EXAMPLES)
    .action((flags: TimelineFlags) => {
      const path = flags.history ?? defaultHistoryPath(process.env);
      const id = flags.incident === undefined ? null : parseInteger("--incident", flags.incident, 1, Number.MAX_SAFE_INTEGER);
      const store = HistoryStore.open(path, { stepMs: 0, retentionMs: Number.POSITIVE_INFINITY }, false);
      try {
        if (flags.list) {
          process.stdout.write(renderIncidentList(store.recentIncidents(20)));
        } else {
          const record = store.incident(id);
          if (record === null) throw new InputError(id === null ? `no incident recorded in ${path} yet` : `no incident #${id} in ${path}`);
          process.stdout.write(flags.json ? `${JSON.stringify(timelineJson(record), null, 2)}\n` : renderTimeline(record));
        }
      } finally {
        store.close();
      }
      setExit(EXIT.healthy);
    });
}
