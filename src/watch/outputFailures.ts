// A watch's outputs (the lines on stdout, metrics, the Alertmanager push, webhooks, the history, --record,
// the dashboard) are isolated from the sampling and from each other: one that throws (a full disk under
// the history, "SQLITE_FULL: database or disk is full") is counted per cluster and output, served as
// busdoctor_output_failures_total, and reported on stderr at most once a minute per output; the watch
// keeps sampling and every other output keeps getting every sample.
import { printable } from "../text/printable.js";

/** What a watch writes its samples' outcome to; the `output` label of busdoctor_output_failures_total. */
export type OutputName = "log" | "metrics" | "sd" | "alertmanager" | "webhook" | "history" | "record" | "dashboard";

/** At most one line per output this often, however often it fails. */
export const FAILURE_REPORT_INTERVAL_MS = 60_000;

/** An error's message is cut here in the report: it may quote a server's reply or a path. */
const MAX_MESSAGE_CHARS = 300;

interface OutputCount {
  cluster: string;
  output: OutputName;
  failures: number;
  /** Failures since the last line about this output. */
  unreported: number;
  reportedAtMs: number | null;
}

export class OutputFailures {
  private readonly counts = new Map<string, OutputCount>();

  constructor(private readonly now: () => number = Date.now) {}

  private entry(cluster: string, output: OutputName): OutputCount {
    const key = `${cluster}\u0000${output}`;
    let count = this.counts.get(key);
    if (count === undefined) {
      count = { cluster, output, failures: 0, unreported: 0, reportedAtMs: null };
      this.counts.set(key, count);
    }
    return count;
  }

  /** An output the cluster's samples go to: its counter is served (at 0) before it ever fails. */
  expect(cluster: string, output: OutputName): void {
    this.entry(cluster, output);
  }

  /** Counts a failure; returns the line to report, or null when this output was reported less than a minute ago. */
  failed(cluster: string, output: OutputName, error: unknown): string | null {
    const count = this.entry(cluster, output);
    count.failures += 1;
    count.unreported += 1;
    const now = this.now();
    if (count.reportedAtMs !== null && now - count.reportedAtMs < FAILURE_REPORT_INTERVAL_MS) return null;
    const times = count.unreported === 1 ? "" : ` (${count.unreported} failures since the last report)`;
    count.reportedAtMs = now;
    count.unreported = 0;
    const message = printable(error instanceof Error ? error.message : String(error), MAX_MESSAGE_CHARS);
    return `output ${output} failed: ${message}${times}; sampling goes on (counted in busdoctor_output_failures_total, reported at most once a minute)`;
  }

  /** Running totals, for busdoctor_output_failures_total{cluster, output}. */
  *totals(): Iterable<[{ cluster: string; output: OutputName }, number]> {
    for (const { cluster, output, failures } of this.counts.values()) yield [{ cluster, output }, failures];
  }
}
