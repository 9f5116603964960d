// The signals as Prometheus metrics (prom-client), for one cluster or a fleet of them in one process:
// every per-cluster series carries a `cluster` label, and each cluster's series are replaced by its own
// samples only, so clusters never wait for each other. Names follow Prometheus conventions (checked by
// `promtool check metrics` in the tests): a `busdoctor_` prefix, base units, `_total` only on counters.
// prometheus/busdoctor-alerts.yml is written against them; docs/watch.md lists them with their cardinality.
//
// Gauges are filled at scrape time from each cluster's latest sample (prom-client's `collect`), so a
// node or link that is gone simply has no series; counters keep running totals per cluster.
import { Counter, Gauge, Histogram, Registry, type LabelValues } from "prom-client";
import type { PushStats } from "../alerting/alertmanager.js";
import { VERSION } from "../version.js";
import { ClusterSeries, DEFAULT_LINK_METRICS, messageType, type LinkMetricsPolicy } from "./clusterSeries.js";
import type { StepOutput } from "./machine.js";
import type { LinkSignals, SampleSignals } from "../model/signals.js";
import type { WebhookStats } from "./webhook.js";
import { processMetrics } from "./processMetrics.js";
import { OutputFailures } from "./outputFailures.js";

const PREFIX = "busdoctor_";

type Row<L extends string> = [LabelValues<L>, number];

export class WatchMetrics {
  readonly registry = new Registry();
  private readonly clusters = new Map<string, ClusterSeries>();
  private readonly samples: Counter<"cluster">;
  private readonly sampleSeconds: Histogram<"cluster">;
  private readonly webhookQueue: Gauge<"receiver">;
  private readonly webhookCounters: Record<"delivered" | "failedAttempts" | "dropped", Counter<"receiver">>;
  private readonly webhookSeen = new Map<string, WebhookStats>();
  private readonly alertmanagerCounters: Record<keyof PushStats, Counter<"alertmanager">>;
  private readonly alertmanagerSeen = new Map<string, PushStats>();

  constructor(
    private readonly linkPolicy: LinkMetricsPolicy = DEFAULT_LINK_METRICS,
    failures: OutputFailures = new OutputFailures(),
  ) {
    const registers = [this.registry];
    const clusters = (): Array<[string, ClusterSeries]> => [...this.clusters];
    /**
     * A gauge, or a counter showing running totals kept per cluster, whose series are this scrape's rows,
     * nothing left over from earlier ones (prom-client counters have no set(): reset, then add).
     */
    const filled = <L extends string>(kind: "gauge" | "counter", name: string, help: string, labelNames: readonly L[], rows: () => Iterable<Row<L>>): void => {
      const refill = (metric: Gauge<L> | Counter<L>): void => {
        metric.reset();
        for (const [labels, value] of rows()) {
          if (metric instanceof Gauge) metric.set(labels, value);
          else metric.inc(labels, value);
        }
      };
      const config = { name: `${PREFIX}${name}`, help, labelNames, registers };
      if (kind === "gauge") {
        new Gauge<L>({
          ...config,
          collect() {
            refill(this);
          },
        });
      } else {
        new Counter<L>({
          ...config,
          collect() {
            refill(this);
          },
        });
      }
    };
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], rows: () => Iterable<Row<L>>): void =>
      filled("gauge", name, help, labelNames, rows);
    const totals = <L extends string>(name: string, help: string, labelNames: readonly L[], rows: () => Iterable<Row<L>>): void =>
      filled("counter", name, help, labelNames, rows);
    const perNode = (read: (node: SampleSignals["nodes"][number]) => number | null) =>
      function* (): Iterable<Row<"cluster" | "node">> {
        for (const [cluster, series] of clusters()) {
          for (const node of series.signals.nodes) {
            const value = read(node);
            if (value !== null) yield [{ cluster, node: node.address }, value];
          }
        }
      };
    const perLink = (read: (link: LinkSignals) => number | null) =>
      function* (): Iterable<Row<"cluster" | "observer" | "peer">> {
        for (const [cluster, series] of clusters()) {
          for (const link of series.links) {
            const value = read(link);
            if (value !== null) yield [{ cluster, observer: link.observer, peer: link.peer }, value];
          }
        }
      };
    const perCluster = (read: (series: ClusterSeries) => number) =>
      function* (): Iterable<Row<"cluster">> {
        for (const [cluster, series] of clusters()) yield [{ cluster }, read(series)];
      };
    const messages = (pick: (name: string) => LabelValues<"type" | "direction"> | null) =>
      function* (): Iterable<Row<"cluster" | "node" | "type" | "direction">> {
        for (const [cluster, series] of clusters()) {
          for (const [node, byName] of series.messageTotals) {
            for (const [name, total] of byName) {
              const labels = pick(name);
              if (labels) yield [{ cluster, node, ...labels }, total];
            }
          }
        }
      };
    const node = ["cluster", "node"] as const;
    const link = ["cluster", "observer", "peer"] as const;
    const rate = (name: string) => perNode((signals) => signals.messageRates?.[name] ?? null);

    gauge(
      "node_up",
      "1 if the node answered the last sample's commands, else 0.",
      node,
      perNode((n) => (n.answering ? 1 : 0)),
    );
    gauge(
      "cluster_state_ok",
      "1 if the node's own CLUSTER INFO says cluster_state:ok, 0 for fail.",
      node,
      perNode((n) => (n.clusterState === null ? null : n.clusterState === "ok" ? 1 : 0)),
    );
    gauge(
      "cluster_slots_pfail",
      "cluster_slots_pfail in the node's own CLUSTER INFO.",
      node,
      perNode((n) => n.slotsPfail),
    );
    gauge(
      "cluster_slots_fail",
      "cluster_slots_fail in the node's own CLUSTER INFO.",
      node,
      perNode((n) => n.slotsFail),
    );
    gauge(
      "cluster_known_nodes",
      "cluster_known_nodes in the node's own CLUSTER INFO.",
      node,
      perNode((n) => n.knownNodes),
    );
    gauge(
      "connected_clients",
      "connected_clients from INFO clients (the monitor's own connection included).",
      node,
      perNode((n) => n.connectedClients),
    );
    gauge("cluster_messages_sent_per_second", "Cluster bus messages the node sent per second over the last sample interval.", node, rate("sent"));
    gauge("cluster_messages_received_per_second", "Cluster bus messages the node received per second over the last sample interval.", node, rate("received"));
    gauge(
      "cluster_messages_by_type_per_second",
      "Cluster bus messages per second by message type (ping, pong, meet, fail...) and direction, over the last sample interval.",
      [...node, "type", "direction"],
      function* () {
        for (const [cluster, series] of clusters()) {
          for (const n of series.signals.nodes) {
            for (const [name, value] of Object.entries(n.messageRates ?? {})) {
              const labels = messageType(name);
              if (labels) yield [{ cluster, node: n.address, ...labels }, value];
            }
          }
        }
      },
    );
    totals(
      "cluster_messages_sent_total",
      "Cluster bus messages the node sent (cluster_stats_messages_sent), counted since the monitor started.",
      node,
      messages((name) => (name === "sent" ? {} : null)),
    );
    totals(
      "cluster_messages_received_total",
      "Cluster bus messages the node received (cluster_stats_messages_received), counted since the monitor started.",
      node,
      messages((name) => (name === "received" ? {} : null)),
    );
    totals(
      "cluster_messages_by_type_total",
      "Cluster bus messages by message type and direction (cluster_stats_messages_<type>_<direction>), counted since the monitor started.",
      [...node, "type", "direction"],
      messages(messageType),
    );
    totals(
      "cluster_links_buffer_limit_exceeded_total",
      "Bus links the node freed because their send buffer passed cluster-link-sendbuf-limit (total_cluster_links_buffer_limit_exceeded; Redis 7.0+ and Valkey, no series on 6.2), counted since the monitor started.",
      node,
      function* () {
        for (const [cluster, series] of clusters()) for (const [address, total] of series.bufferLimitTotals) yield [{ cluster, node: address }, total];
      },
    );
    totals(
      "bus_link_recreations_total",
      "Bus link objects of the node (CLUSTER LINKS, to or from any peer) re-created since the monitor started.",
      node,
      function* () {
        for (const [cluster, series] of clusters()) for (const [observer, total] of series.recreationTotals) yield [{ cluster, node: observer }, total];
      },
    );

    gauge(
      "bus_ping_pending_seconds",
      "How long the observer's PING to the peer has waited for its PONG (links not healthy only, unless --link-metrics all).",
      link,
      perLink((l) => (l.pingPendingMs ?? 0) / 1000),
    );
    gauge(
      "bus_pong_age_seconds",
      "Time since the observer last received a PONG from the peer (links not healthy only, unless --link-metrics all).",
      link,
      perLink((l) => (l.pongAgeMs === null ? null : l.pongAgeMs / 1000)),
    );
    gauge(
      "bus_peer_flag",
      "1 if the observer flags the peer with this flag (pfail is fail? in CLUSTER NODES), else 0 (links not healthy only, unless --link-metrics all).",
      [...link, "flag"],
      function* () {
        for (const [cluster, series] of clusters()) {
          for (const l of series.links) {
            for (const flag of ["pfail", "fail"] as const) yield [{ cluster, observer: l.observer, peer: l.peer, flag }, l.flag === flag ? 1 : 0];
          }
        }
      },
    );
    gauge(
      "bus_failure_reports",
      "CLUSTER COUNT-FAILURE-REPORTS of the peer on the observer, while some node suspects the peer.",
      link,
      perLink((l) => l.failureReports),
    );
    gauge(
      "bus_links_notable",
      "Links not healthy now (a PING pending 100 ms or more, a flag, failure reports), exported or not.",
      ["cluster"],
      perCluster((s) => s.notableLinks),
    );

    gauge("alert_firing", "1 for each node of each alert busdoctor has firing now.", ["cluster", "code", "node"], function* () {
      for (const [cluster, series] of clusters())
        for (const alert of series.firing) for (const n of alert.nodes) yield [{ cluster, code: alert.code, node: n }, 1];
    });
    gauge(
      "incident_info",
      "1 for each open incident: `node` (with `cluster`) is its identity, the node it started on; the other labels describe it now.",
      ["cluster", "node", "incident", "cause", "severity", "phase", "nodes", "summary", "check"],
      function* () {
        for (const [, series] of clusters()) {
          for (const { labels, annotations } of series.incidents) {
            const { incident, cause, severity, phase, nodes, summary, check } = annotations;
            yield [{ cluster: labels.cluster, node: labels.node, incident, cause, severity, phase, nodes, summary, check }, 1];
          }
        }
      },
    );
    gauge(
      "incidents_open",
      "Incidents not yet recovered.",
      ["cluster"],
      perCluster((s) => s.incidentsOpen),
    );
    gauge(
      "early_warning_threshold_seconds",
      "A PING pending longer than this raises the early warning.",
      ["cluster"],
      perCluster((s) => s.thresholdSeconds),
    );
    gauge(
      "bus_round_trip_seconds",
      "The observed bus PING round trip the early-warning threshold is derived from.",
      ["cluster"],
      perCluster((s) => s.roundTripSeconds),
    );
    gauge(
      "last_sample_timestamp_seconds",
      "When the cluster's last sample was taken (Unix time): a watch of a hung cluster falls behind.",
      ["cluster"],
      perCluster((s) => s.signals.at / 1000),
    );
    totals(
      "output_failures_total",
      "Times an output (log, metrics, sd, alertmanager, webhook, history, record, dashboard) threw on a sample; the watch went on.",
      ["cluster", "output"],
      () => failures.totals(),
    );
    this.samples = new Counter({ name: `${PREFIX}samples_total`, help: "Samples taken (every node queried once).", labelNames: ["cluster"], registers });
    this.sampleSeconds = new Histogram({
      name: `${PREFIX}sample_duration_seconds`,
      help: "How long one sample of every node took.",
      labelNames: ["cluster"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.webhookQueue = new Gauge({
      name: `${PREFIX}webhook_queue_length`,
      help: "Alert events waiting for the webhook receiver (host) to take them.",
      labelNames: ["receiver"],
      registers,
    });
    const receiverCounter = (name: string, help: string): Counter<"receiver"> =>
      new Counter({ name: `${PREFIX}${name}`, help, labelNames: ["receiver"], registers });
    this.webhookCounters = {
      delivered: receiverCounter("webhook_deliveries_total", "Alert events the webhook receiver accepted (2xx)."),
      failedAttempts: receiverCounter("webhook_failed_attempts_total", "POSTs to the webhook receiver that failed and will be retried."),
      dropped: receiverCounter("webhook_dropped_total", "Alert events dropped because the webhook queue was full."),
    };
    const alertmanagerCounter = (name: string, help: string): Counter<"alertmanager"> =>
      new Counter({ name: `${PREFIX}${name}`, help, labelNames: ["alertmanager"], registers });
    this.alertmanagerCounters = {
      pushes: alertmanagerCounter("alertmanager_pushes_total", "Alert sets the Alertmanager (host) accepted."),
      failures: alertmanagerCounter("alertmanager_push_failures_total", "Pushes to the Alertmanager (host) that failed and will be retried."),
    };
    new Gauge({
      name: `${PREFIX}build_info`,
      help: "1, labelled with the busdoctor version: marks a target as a busdoctor watch.",
      labelNames: ["version"],
      registers,
    }).set({ version: VERSION }, 1);
    processMetrics(PREFIX, registers);
  }

  /** Replaces the cluster's series with this sample's and advances its counters. */
  update(cluster: string, output: StepOutput, sampleSeconds: number): void {
    const series = this.clusters.get(cluster) ?? new ClusterSeries(cluster, this.linkPolicy);
    this.clusters.set(cluster, series);
    series.take(output);
    this.samples.inc({ cluster });
    this.sampleSeconds.observe({ cluster }, sampleSeconds);
  }

  /** Pushes to Alertmanager, by its host (never the URL: it may hold credentials). */
  updateAlertmanager(host: string, stats: PushStats): void {
    const seen = this.alertmanagerSeen.get(host) ?? { pushes: 0, failures: 0 };
    for (const key of ["pushes", "failures"] as const) this.alertmanagerCounters[key].inc({ alertmanager: host }, stats[key] - seen[key]);
    this.alertmanagerSeen.set(host, stats);
  }

  /** Webhook delivery, by receiver host (never the full URL: webhook paths often hold a secret). */
  updateWebhook(receiver: string, stats: WebhookStats): void {
    const labels = { receiver };
    const seen = this.webhookSeen.get(receiver) ?? { delivered: 0, failedAttempts: 0, dropped: 0, queued: 0 };
    for (const key of ["delivered", "failedAttempts", "dropped"] as const) this.webhookCounters[key].inc(labels, stats[key] - seen[key]);
    this.webhookQueue.set(labels, stats.queued);
    this.webhookSeen.set(receiver, stats);
  }
}
