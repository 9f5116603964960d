// What a watch's samples go out to, shared by one cluster (`watch SEEDS`) and a fleet (`watch --clusters`):
// the HTTP endpoint (/metrics, /sd, and whatever the caller adds, such as the dashboard), the Alertmanager
// push, the webhooks; and, per cluster, the lines on stdout. Every event and series carries the cluster's
// name. Delivery runs beside the sampling: a dead receiver never delays a sample. An output that throws
// is counted and reported (outputFailures.ts) while the others go on.
import { AlertmanagerPusher, type AlertmanagerPolicy, type AlertmanagerTarget } from "../alerting/alertmanager.js";
import { incidentAlerts, type IncidentAlert } from "../alerting/incidentAlert.js";
import { targetGroups } from "../render/targetGroups.js";
import type { HttpAuth } from "../http/auth.js";
import { exposureWarning, isLoopbackHost, listenUrl, type ListenAddress } from "../http/listen.js";
import { Router, sendJson } from "../http/router.js";
import { startHttpServer } from "../http/server.js";
import type { HistoryOptions } from "../history/store.js";
import type { LinkMetricsPolicy } from "./clusterSeries.js";
import type { Sink } from "./loop.js";
import { WatchMetrics } from "./metrics.js";
import { metricsRoute } from "./metricsRoute.js";
import { alertEventJson, isAlertEvent, logLines, logStyle } from "./render.js";
import type { SampleSignals } from "../model/signals.js";
import { OutputFailures, type OutputName } from "./outputFailures.js";
import { webhookName, WebhookSender, type WebhookPolicy } from "./webhook.js";

/** What a watch of one cluster and of a fleet have in common: sampling, output and outlets. */
export interface WatchOutputOptions {
  intervalMs: number;
  durationMs: number | null;
  json: boolean;
  color: boolean;
  /** Where to serve the dashboard, /metrics and /sd, and the credentials it asks for. */
  listen: ListenAddress | null;
  httpAuth: HttpAuth | null;
  webhooks: URL[];
  webhookPolicy: WebhookPolicy;
  alertmanagers: AlertmanagerTarget[];
  alertmanagerPolicy: AlertmanagerPolicy;
  linkMetrics: LinkMetricsPolicy;
  /** The history database, or null for none. */
  history: { path: string; options: HistoryOptions } | null;
}

export interface OutletIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** How long a stopping watch gives webhooks and the Alertmanager push to deliver what is left. */
const GRACE_MS = 5000;

/** Routes a caller adds to the endpoint (the dashboard), with what the start-up line calls them. */
export interface ExtraRoutes {
  register(router: Router): void;
  /** "dashboard on http://.../" */
  served: Array<{ what: string; path: string }>;
}

export class Outlets {
  readonly closers: Array<() => void | Promise<void>> = [];
  private readonly failures = new OutputFailures();
  private metrics: WatchMetrics | null = null;
  private pusher: AlertmanagerPusher | null = null;
  private readonly webhooks: WebhookSender[] = [];
  /** Each cluster's latest sample, for /sd. */
  private readonly latest = new Map<string, SampleSignals>();

  private constructor(
    private readonly options: WatchOutputOptions,
    private readonly io: OutletIo,
  ) {}

  static async open(options: WatchOutputOptions, io: OutletIo, extra: ExtraRoutes | null = null): Promise<Outlets> {
    const outlets = new Outlets(options, io);
    if (options.listen !== null) {
      const metrics = new WatchMetrics(options.linkMetrics, outlets.failures);
      const router = new Router({ auth: options.httpAuth, loopbackOnly: isLoopbackHost(options.listen.host) });
      router.get("/metrics", metricsRoute(metrics.registry));
      router.get("/sd", (_request, response) => sendJson(response, targetGroups(outlets.latest)));
      extra?.register(router);
      const server = await startHttpServer(router, options.listen);
      outlets.metrics = metrics;
      outlets.closers.push(() => server.close());
      const warning = exposureWarning(options.listen, options.httpAuth !== null);
      if (warning !== null) io.stderr(warning);
      const base = listenUrl(options.listen);
      const served = [...(extra?.served ?? []), { what: "metrics", path: "/metrics" }, { what: "discovered nodes (Prometheus http_sd)", path: "/sd" }];
      io.stderr(served.map(({ what, path }) => `${what} on ${base}${path}`).join(", "));
    }
    if (options.alertmanagers.length > 0) {
      const pusher = new AlertmanagerPusher(options.alertmanagers, options.alertmanagerPolicy, io.stderr);
      outlets.pusher = pusher;
      outlets.closers.push(() => pusher.close(GRACE_MS));
    }
    for (const url of options.webhooks) {
      const sender = new WebhookSender(url, options.webhookPolicy, io.stderr);
      outlets.webhooks.push(sender);
      outlets.closers.push(async () => {
        const left = await sender.close(GRACE_MS);
        if (left > 0) io.stderr(`webhook ${webhookName(url)}: ${left} event(s) not delivered before exit`);
      });
    }
    return outlets;
  }

  /** What one cluster's samples feed: its lines on stdout (after `prefix`) and every outlet. */
  sinksFor(cluster: string, prefix: string): Sink[] {
    const { options, io, metrics, pusher } = this;
    const style = logStyle(options.color);
    const sinks: Sink[] = [
      {
        output: "log",
        take: (output) => {
          for (const event of output.events) {
            if (options.json) {
              if (isAlertEvent(event)) io.stdout(JSON.stringify({ ...alertEventJson(event), cluster }));
            } else {
              for (const line of logLines(event, style)) io.stdout(`${prefix}${line}`);
            }
          }
        },
      },
      { output: "sd", take: (output) => void this.latest.set(cluster, output.signals) },
    ];
    if (metrics !== null)
      sinks.push({ output: "metrics", take: (output, snapshot) => metrics.update(cluster, output, (snapshot.finishedAtMs - snapshot.takenAtMs) / 1000) });
    if (pusher !== null) {
      const memory = new Map<number, IncidentAlert>();
      sinks.push({
        output: "alertmanager",
        take: (output) => {
          pusher.update(incidentAlerts(cluster, output, memory));
          for (const { host, stats } of pusher.stats()) metrics?.updateAlertmanager(host, stats);
        },
      });
    }
    for (const sender of this.webhooks) {
      sinks.push({
        output: "webhook",
        take: (output) => {
          for (const event of output.events) if (isAlertEvent(event)) sender.send({ ...alertEventJson(event), cluster });
          metrics?.updateWebhook(sender.url.host, sender.stats());
        },
      });
    }
    return sinks;
  }

  /**
   * What the cluster's loop calls when one of `sinks` throws: counted in busdoctor_output_failures_total
   * (served at 0 from the start) and said through `say` at most once a minute per output.
   */
  failureHandler(cluster: string, sinks: readonly Sink[], say: (line: string) => void): (output: OutputName, error: unknown) => void {
    for (const sink of sinks) this.failures.expect(cluster, sink.output);
    return (output, error) => {
      const line = this.failures.failed(cluster, output, error);
      if (line !== null) say(line);
    };
  }

  async close(): Promise<void> {
    for (const close of this.closers) await close();
  }
}
