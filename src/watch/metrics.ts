// The signals as Prometheus metrics (prom-client): one series per node and per observer -> peer link,
// plus the monitor's own alerts and health. Names follow Prometheus conventions: a `busdoctor_` prefix,
// base units (seconds), `_total` only on counters. prometheus/busdoctor-alerts.yml is written against them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { StepOutput } from "./machine.js";
import type { WebhookStats } from "./webhook.js";

const METRIC_PREFIX = "busdoctor_";

type NodeLabels = "node";
type LinkLabels = "observer" | "peer";

/** Counters that mirror Redis's own (which restart from 0 with the node) grow by each sample's increase. */
interface MirroredCounter {
  counter: Counter<NodeLabels>;
  last: Map<string, number>;
}

export class WatchMetrics {
  readonly registry = new Registry();
  private readonly nodeUp: Gauge<NodeLabels>;
  private readonly stateOk: Gauge<NodeLabels>;
  private readonly slotsPfail: Gauge<NodeLabels>;
  private readonly slotsFail: Gauge<NodeLabels>;
  private readonly knownNodes: Gauge<NodeLabels>;
  private readonly clients: Gauge<NodeLabels>;
  private readonly sentRate: Gauge<NodeLabels>;
  private readonly receivedRate: Gauge<NodeLabels>;
  private readonly typeRate: Gauge<NodeLabels | "type" | "direction">;
  private readonly sentTotal: MirroredCounter;
  private readonly receivedTotal: MirroredCounter;
  private readonly linksBufferLimitExceeded: MirroredCounter;
  private readonly pingPending: Gauge<LinkLabels>;
  private readonly pongAge: Gauge<LinkLabels>;
  private readonly peerFlag: Gauge<LinkLabels | "flag">;
  private readonly recreations: Counter<LinkLabels>;
  private readonly recreationsSeen = new Map<string, number>();
  private readonly failureReports: Gauge<LinkLabels>;
  private readonly alertFiring: Gauge<"code" | "severity" | "node">;
  private readonly incidentsOpen: Gauge;
  private readonly threshold: Gauge;
  private readonly roundTrip: Gauge;
  private readonly samples: Counter;
  private readonly webhookQueue: Gauge<"receiver">;
  private readonly webhookCounters: Record<"delivered" | "failedAttempts" | "dropped", Counter<"receiver">>;
  private readonly webhookSeen = new Map<string, WebhookStats>();
  private readonly sampleSeconds: Histogram;

  constructor() {
    const registers = [this.registry];
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> =>
      new Gauge({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers });
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
      new Counter({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers });
    const node = ["node"] as const;
    const link = ["observer", "peer"] as const;
    this.nodeUp = gauge("node_up", "1 if the node answered the last sample's commands, else 0.", node);
    this.stateOk = gauge("cluster_state_ok", "1 if the node's own CLUSTER INFO says cluster_state:ok, 0 for fail.", node);
    this.slotsPfail = gauge("cluster_slots_pfail", "cluster_slots_pfail in the node's own CLUSTER INFO.", node);
    this.slotsFail = gauge("cluster_slots_fail", "cluster_slots_fail in the node's own CLUSTER INFO.", node);
    this.knownNodes = gauge("cluster_known_nodes", "cluster_known_nodes in the node's own CLUSTER INFO.", node);
    this.clients = gauge("connected_clients", "connected_clients from INFO clients (the monitor's own connection included).", node);
    this.sentRate = gauge("cluster_messages_sent_per_second", "Cluster bus messages the node sent per second over the last sample interval.", node);
    this.receivedRate = gauge("cluster_messages_received_per_second", "Cluster bus messages the node received per second over the last sample interval.", node);
    this.typeRate = gauge("cluster_messages_by_type_per_second", "Cluster bus messages per second by message type (ping, pong, meet, fail...) and direction.", [
      "node",
      "type",
      "direction",
    ]);
    this.sentTotal = { counter: counter("cluster_messages_sent_total", "Cluster bus messages the node sent (cluster_stats_messages_sent).", node), last: new Map() };
    this.receivedTotal = {
      counter: counter("cluster_messages_received_total", "Cluster bus messages the node received (cluster_stats_messages_received).", node),
      last: new Map(),
    };
    this.linksBufferLimitExceeded = {
      counter: counter(
        "cluster_links_buffer_limit_exceeded_total",
        "Bus links the node freed because their send buffer passed cluster-link-sendbuf-limit (total_cluster_links_buffer_limit_exceeded; Redis 7.0+ and Valkey, no series on 6.2).",
        node,
      ),
      last: new Map(),
    };
    this.pingPending = gauge("bus_ping_pending_seconds", "How long the observer's PING to the peer has waited for its PONG (0: none pending).", link);
    this.pongAge = gauge("bus_pong_age_seconds", "Time since the observer last received a PONG from the peer.", link);
    this.peerFlag = gauge("bus_peer_flag", "1 if the observer flags the peer with this flag (pfail is fail? in CLUSTER NODES), else 0.", [
      "observer",
      "peer",
      "flag",
    ]);
    this.recreations = counter("bus_link_recreations_total", "Bus link objects between observer and peer re-created (CLUSTER LINKS create-time changes).", link);
    this.failureReports = gauge("bus_failure_reports", "CLUSTER COUNT-FAILURE-REPORTS of the peer on the observer, while some node suspects the peer.", link);
    this.alertFiring = gauge("alert_firing", "1 for each node of each alert firing now.", ["code", "severity", "node"]);
    this.incidentsOpen = gauge("incidents_open", "Incidents not yet recovered.", []);
    this.threshold = gauge("early_warning_threshold_seconds", "A PING pending longer than this raises the early warning.", []);
    this.roundTrip = gauge("bus_round_trip_seconds", "The observed bus PING round trip the early-warning threshold is derived from.", []);
    this.samples = counter("samples_total", "Samples taken (every node queried once).", []);
    this.sampleSeconds = new Histogram({
      name: `${METRIC_PREFIX}sample_duration_seconds`,
      help: "How long one sample of every node took.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.webhookQueue = gauge("webhook_queue_length", "Alert events waiting for the webhook receiver (host) to take them.", ["receiver"]);
    this.webhookCounters = {
      delivered: counter("webhook_deliveries_total", "Alert events the webhook receiver accepted (2xx).", ["receiver"]),
      failedAttempts: counter("webhook_failed_attempts_total", "POSTs to the webhook receiver that failed and will be retried.", ["receiver"]),
      dropped: counter("webhook_dropped_total", "Alert events dropped because the webhook queue was full.", ["receiver"]),
    };
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  private mirror(mirrored: MirroredCounter, node: string, value: number | undefined): void {
    if (value === undefined) return;
    const last = mirrored.last.get(node);
    // The first reading only sets the baseline; after a restart the node counts from 0 again.
    if (last === undefined) mirrored.counter.inc({ node }, 0);
    else mirrored.counter.inc({ node }, value >= last ? value - last : value);
    mirrored.last.set(node, value);
  }

  /** Replaces every per-node and per-link series with this sample's; departed nodes' counters go too. */
  update(output: StepOutput, sampleSeconds: number): void {
    const { signals } = output;
    for (const gauge of [this.nodeUp, this.stateOk, this.slotsPfail, this.slotsFail, this.knownNodes, this.clients, this.sentRate, this.receivedRate]) gauge.reset();
    for (const gauge of [this.typeRate, this.pingPending, this.pongAge, this.peerFlag, this.failureReports, this.alertFiring]) gauge.reset();
    for (const node of signals.nodes) {
      const labels = { node: node.address };
      this.nodeUp.set(labels, node.answering ? 1 : 0);
      if (node.clusterState !== null) this.stateOk.set(labels, node.clusterState === "ok" ? 1 : 0);
      if (node.slotsPfail !== null) this.slotsPfail.set(labels, node.slotsPfail);
      if (node.slotsFail !== null) this.slotsFail.set(labels, node.slotsFail);
      if (node.knownNodes !== null) this.knownNodes.set(labels, node.knownNodes);
      if (node.connectedClients !== null) this.clients.set(labels, node.connectedClients);
      this.mirror(this.sentTotal, node.address, node.messages?.["sent"]);
      this.mirror(this.receivedTotal, node.address, node.messages?.["received"]);
      this.mirror(this.linksBufferLimitExceeded, node.address, node.linksBufferLimitExceeded ?? undefined);
      for (const [name, rate] of Object.entries(node.messageRates ?? {})) {
        if (name === "sent") this.sentRate.set(labels, rate);
        else if (name === "received") this.receivedRate.set(labels, rate);
        else {
          // cluster_stats_messages_ping_sent -> type ping, direction sent
          const split = name.lastIndexOf("_");
          this.typeRate.set({ node: node.address, type: name.slice(0, split), direction: name.slice(split + 1) }, rate);
        }
      }
    }
    this.forgetDeparted(new Set(signals.nodes.map((node) => node.address)));
    for (const link of signals.links) {
      const labels = { observer: link.observer, peer: link.peer };
      this.pingPending.set(labels, (link.pingPendingMs ?? 0) / 1000);
      if (link.pongAgeMs !== null) this.pongAge.set(labels, link.pongAgeMs / 1000);
      this.peerFlag.set({ ...labels, flag: "pfail" }, link.flag === "pfail" ? 1 : 0);
      this.peerFlag.set({ ...labels, flag: "fail" }, link.flag === "fail" ? 1 : 0);
      if (link.failureReports !== null) this.failureReports.set(labels, link.failureReports);
      const key = `${link.observer}|${link.peer}`;
      this.recreations.inc(labels, link.linkRecreations - (this.recreationsSeen.get(key) ?? 0));
      this.recreationsSeen.set(key, link.linkRecreations);
    }
    for (const alert of output.firing) for (const node of alert.nodes) this.alertFiring.set({ code: alert.code, severity: alert.severity, node }, 1);
    this.incidentsOpen.set(output.state.book.open.length);
    this.threshold.set(output.thresholdMs / 1000);
    this.roundTrip.set(output.roundTripMs / 1000);
    this.samples.inc();
    this.sampleSeconds.observe(sampleSeconds);
  }

  /** Webhook delivery, by receiver host (never the full URL: webhook paths often hold a secret). */
  updateWebhook(receiver: string, stats: WebhookStats): void {
    const labels = { receiver };
    const seen = this.webhookSeen.get(receiver) ?? { delivered: 0, failedAttempts: 0, dropped: 0, queued: 0 };
    for (const key of ["delivered", "failedAttempts", "dropped"] as const) this.webhookCounters[key].inc(labels, stats[key] - seen[key]);
    this.webhookQueue.set(labels, stats.queued);
    this.webhookSeen.set(receiver, stats);
  }

  private forgetDeparted(members: ReadonlySet<string>): void {
    for (const mirrored of [this.sentTotal, this.receivedTotal, this.linksBufferLimitExceeded]) {
      for (const node of mirrored.last.keys()) {
        if (members.has(node)) continue;
        mirrored.counter.remove({ node });
        mirrored.last.delete(node);
      }
    }
    for (const key of this.recreationsSeen.keys()) {
      const [observer = "", peer = ""] = key.split("|");
      if (members.has(observer) && members.has(peer)) continue;
      this.recreations.remove({ observer, peer });
      this.recreationsSeen.delete(key);
    }
  }
}
