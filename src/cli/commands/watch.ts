// busdoctor watch: sample every node every interval and warn before Redis declares the cluster failed.
import type { Command } from "commander";
import { noSeedError } from "../../collect/errors.js";
import { connectionFromFlags, addConnectionOptions, type ConnectionFlags } from "../options/connection.js";
import { parseChoice, parseDuration, parseInteger } from "../options/values.js";
import { DEFAULT_ALERTMANAGER_POLICY, parseAlertmanagerUrl } from "../../alerting/alertmanager.js";
import { EXIT } from "../exitCodes.js";
import { UsageError } from "../../errors.js";
import { startWatch, type WatchOptions } from "../../watch/run.js";
import { loadHttpAuth } from "../../http/auth.js";
import { parseListen } from "../../http/listen.js";
import { DEFAULT_WEBHOOK_POLICY, parseWebhookUrl } from "../../watch/webhook.js";
import { formatAddress } from "../../cluster/address.js";
import { CLUSTER_NAME } from "../../fleet/clusters.js";
import { startFleet } from "../../fleet/run.js";
import { inShard, parseShard } from "../../fleet/shard.js";
import { loadClusters } from "../options/clusters.js";
import { defaultHistoryPath } from "../../history/location.js";

const HOUR_MS = 3_600_000;

/** "7d", "12h", or anything parseDuration takes. */
function parseRetention(text: string): number {
  const match = /^(\d+)(d|h)$/.exec(text.trim());
  if (!match) return parseDuration("--retention", text);
  const hours = Number(match[1]) * (match[2] === "d" ? 24 : 1);
  if (hours <= 0) throw new UsageError(`--retention: expected a duration such as 7d, 12h or 30m, got "${text}"`);
  return hours * HOUR_MS;
}

/** Commander's collector for a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
import type { SetExit } from "./index.js";

interface WatchFlags extends ConnectionFlags {
  interval: string;
  duration?: string;
  json?: boolean;
  record?: string;
  listen?: string;
  clusterName?: string;
  clusters?: string;
  shard?: string;
  alertmanager: string[];
  linkMetrics: string;
  linkMetricsLimit: string;
  basicAuthFile?: string;
  bearerTokenFile?: string;
  webhook: string[];
  webhookRetryMax: string;
  webhookQueue: string;
  history: string | boolean;
  historyStep: string;
  retention: string;
  color?: boolean;
}

const EXAMPLES = `
Examples:
  busdoctor watch 10.0.0.5:6379                     log alerts as they fire and resolve
  busdoctor watch 10.0.0.5:6379 --json              one JSON object per event, for a log pipeline
  busdoctor watch 10.0.0.5 --interval 2s --duration 10m
  busdoctor watch 10.0.0.5 --listen 9464             dashboard on http://127.0.0.1:9464/, Prometheus metrics at /metrics
  busdoctor watch 10.0.0.5 --listen 0.0.0.0:9464 --basic-auth-file /etc/busdoctor/web-user
  busdoctor watch 10.0.0.5 --webhook https://alerts.example/hook
  busdoctor watch 10.0.0.5 --cluster-name payments --listen 0.0.0.0:9464 --alertmanager http://alertmanager:9093
  busdoctor watch --clusters clusters.yaml --shard 0/2 --listen 0.0.0.0:9464 --alertmanager http://alertmanager:9093

Alerts: EARLY_WARNING (a peer's pings pending well past the round trip, before any PFAIL, with the
cause as \`check\` names it), CLUSTER_STATE_FAIL, SLOTS_PFAIL, SLOTS_FAIL, GOSSIP_ASYMMETRY,
KNOWN_NODES_LOW, CLIENTS_UP_CLUSTER_DOWN. Stops on SIGINT/SIGTERM (exit 0).
`;

export function registerWatchCommand(program: Command, setExit: SetExit): void {
  const command = program
    .command("watch")
    .summary("monitor a cluster's bus and warn before Redis declares it failed")
    .description(
      "Sample every node every interval with pipelined read-only commands and raise alerts, grouped into one incident per root cause, seconds before Redis marks a node PFAIL.",
    )
    .argument("[seeds...]", "seed nodes as host:port (default 127.0.0.1:6379)")
    .helpOption("--help", "display help for command")
    .addHelpText("after", EXAMPLES);
  addConnectionOptions(command)
    .option("--interval <duration>", "time between samples (e.g. 1s, 500ms)", "1s")
    .option("--duration <duration>", "stop after this long (default: run until interrupted)")
    .option("--json", "print one JSON object per alert event instead of log lines")
    .option(
      "--listen <[host:]port>",
      "serve the live dashboard at http://host:port/, Prometheus metrics at /metrics and the nodes for http_sd at /sd (host 127.0.0.1 unless given; read-only)",
    )
    .option("--basic-auth-file <file>", "with --listen: ask for the user:password on this file's first line (basic auth, for browsers)")
    .option("--bearer-token-file <file>", "with --listen: accept the bearer token on this file's first line (for Prometheus scrapes)")
    .option("--clusters <file>", "watch every cluster listed in this YAML file in one process (see docs/deploy.md)")
    .option("--shard <i/N>", "with --clusters: watch only the clusters of shard i (0 to N-1) of N, split by name")
    .option("--cluster-name <name>", "the `cluster` label of every metric and alert (default: the first seed, host:port)")
    .option("--alertmanager <url>", "push each incident to this Alertmanager (API v2; repeatable, e.g. each peer of an Alertmanager cluster)", collect, [])
    .option("--link-metrics <which>", "per-link series on /metrics: notable (links not healthy) or all", "notable")
    .option("--link-metrics-limit <n>", "at most this many links per cluster get per-link series", "1000")
    .option("--webhook <url>", "POST every alert event as JSON to this URL (repeatable); retried with backoff", collect, [])
    .option("--webhook-retry-max <duration>", "longest wait between two webhook retries", "30s")
    .option("--webhook-queue <n>", "events held while a webhook receiver is down (the oldest dropped past it)", "1000")
    .option(
      "--history <file>",
      "keep alerts, incidents and downsampled signals in this SQLite database (default: $BUSDOCTOR_HISTORY or ~/.local/state/busdoctor/history.db)",
    )
    .option("--no-history", "keep no history")
    .option("--history-step <duration>", "keep signals this often outside incidents (every sample during one)", "10s")
    .option("--retention <duration>", "delete history older than this (e.g. 7d, 12h)", "7d")
    .option("--record <file>", "append every sample (a check snapshot per line, no secrets) to this file")
    .option("--color", "colour even when stdout is not a terminal")
    .option("--no-color", "no colour even on a terminal (also: NO_COLOR)")
    .action(async (seedArgs: string[], flags: WatchFlags) => {
      const warn = (line: string): void => void process.stderr.write(`busdoctor: ${line}\n`);
      const { seeds, connection } = connectionFromFlags(seedArgs, flags, process.env, warn);
      if (flags.listen === undefined && (flags.basicAuthFile !== undefined || flags.bearerTokenFile !== undefined)) {
        throw new UsageError("--basic-auth-file and --bearer-token-file protect the --listen endpoint: give --listen too");
      }
      const shared = {
        intervalMs: parseDuration("--interval", flags.interval),
        durationMs: flags.duration === undefined ? null : parseDuration("--duration", flags.duration),
        json: flags.json === true,
        color: flags.color ?? (process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined),
        listen: flags.listen === undefined ? null : parseListen(flags.listen),
        httpAuth: loadHttpAuth(flags.basicAuthFile, flags.bearerTokenFile),
        webhooks: flags.webhook.map(parseWebhookUrl),
        alertmanagers: flags.alertmanager.map(parseAlertmanagerUrl),
        alertmanagerPolicy: DEFAULT_ALERTMANAGER_POLICY,
        linkMetrics: {
          scope: parseChoice("--link-metrics", flags.linkMetrics, ["notable", "all"] as const),
          limit: parseInteger("--link-metrics-limit", flags.linkMetricsLimit, 1, 1_000_000),
        },
        webhookPolicy: {
          ...DEFAULT_WEBHOOK_POLICY,
          maxRetryMs: parseDuration("--webhook-retry-max", flags.webhookRetryMax),
          capacity: parseInteger("--webhook-queue", flags.webhookQueue, 1, 1_000_000),
        },
        history:
          flags.history === false
            ? null
            : {
                path: typeof flags.history === "string" ? flags.history : defaultHistoryPath(process.env),
                options: { stepMs: parseDuration("--history-step", flags.historyStep), retentionMs: parseRetention(flags.retention) },
              },
      };
      // Its reader can go away (`busdoctor watch ... | head -1`, a log shipper that restarts): watch outlives
      // its stdout (main.ts). With another output (the history, --listen, webhooks, the Alertmanager push,
      // --record) a line then throws, counted as the log output failing while the watch goes on; with none,
      // nothing is left to watch for: it stops (exit 0).
      const feedsMore =
        shared.history !== null || shared.listen !== null || shared.webhooks.length > 0 || shared.alertmanagers.length > 0 || flags.record !== undefined;
      let stopWatch = (): void => undefined;
      const stdoutLine = (line: string): void => {
        if (process.stdout.errored === null) process.stdout.write(`${line}\n`);
        // A write to a pipe is synchronous on Linux: the one that meets a closed pipe has already failed.
        const closed = process.stdout.errored;
        if (closed === null) return;
        if (!feedsMore) return stopWatch();
        throw new Error(`stdout is closed (${closed.message})`);
      };
      const io = { stdout: stdoutLine, stderr: warn };
      let watch: { done: Promise<void>; stop(): void };
      if (flags.clusters !== undefined) {
        if (seedArgs.length > 0 || flags.host !== undefined) throw new UsageError("--clusters: the seeds are in the file; give none on the command line");
        for (const [flag, given] of [
          ["--cluster-name", flags.clusterName],
          ["--record", flags.record],
        ] as const) {
          if (given !== undefined) throw new UsageError(`--clusters: ${flag} is for a single cluster (the names are in the file)`);
        }
        const all = loadClusters(flags.clusters, connection, parseInteger("--port", flags.port, 1, 65535), process.env);
        const shard = flags.shard === undefined ? null : parseShard(flags.shard);
        const clusters = shard === null ? all : inShard(all, shard);
        if (clusters.length === 0)
          throw new UsageError(`--shard ${flags.shard}: none of the ${all.length} cluster(s) of ${flags.clusters} falls in this shard`);
        watch = await startFleet({ ...shared, clusters }, io);
      } else {
        if (flags.shard !== undefined) throw new UsageError("--shard splits the clusters of --clusters FILE between replicas");
        if (flags.clusterName !== undefined && !CLUSTER_NAME.test(flags.clusterName)) {
          throw new UsageError(`--cluster-name: "${flags.clusterName}" must be 1-64 letters, digits, ".", "_", ":" or "-"`);
        }
        const options: WatchOptions = {
          ...shared,
          clusterName: flags.clusterName ?? formatAddress(seeds[0]?.host ?? "127.0.0.1", seeds[0]?.port ?? 6379),
          seeds,
          connection,
          recordFile: flags.record ?? null,
        };
        watch = await startWatch(options, { ...io, noSeed: (failures) => noSeedError(failures, connection.user) });
      }
      const stop = (): void => watch.stop();
      stopWatch = stop;
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        await watch.done;
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
      setExit(EXIT.healthy);
    });
}
