// One cluster's part of /metrics: its latest sample, the links it exports, and the running totals its
// counters show (Redis's own counters restart with their node; these never go down while it stays).
import { incidentAlerts, type IncidentAlert } from "../alerting/incidentAlert.js";
import type { Alert } from "../model/events.js";
import type { StepOutput } from "./machine.js";
import { linkIsNotable, type LinkSignals, type SampleSignals } from "../model/signals.js";

/** Which links get per-link series: only those not healthy (the default), or all, and at most how many. */
export interface LinkMetricsPolicy {
  scope: "notable" | "all";
  /** Per cluster; the links with the longest pending PING first. */
  limit: number;
}

export const DEFAULT_LINK_METRICS: LinkMetricsPolicy = { scope: "notable", limit: 1000 };

/** The links to export: the notable ones (or all), worst first, at most `limit`. */
export function linksToExport(links: readonly LinkSignals[], policy: LinkMetricsPolicy): { exported: LinkSignals[]; notable: number } {
  const notable = links.filter(linkIsNotable);
  const chosen = policy.scope === "all" ? [...links] : notable;
  if (chosen.length > policy.limit) chosen.sort((a, b) => (b.pingPendingMs ?? 0) - (a.pingPendingMs ?? 0) || Number(b.flag !== null) - Number(a.flag !== null));
  return { exported: chosen.slice(0, policy.limit), notable: notable.length };
}

/** cluster_stats_messages_ping_sent -> type ping, direction sent ("sent" and "received" are the totals). */
export function messageType(name: string): { type: string; direction: string } | null {
  const split = name.lastIndexOf("_");
  return split <= 0 ? null : { type: name.slice(0, split), direction: name.slice(split + 1) };
}

/** Adds the increase since the last reading; a counter that went down restarted with its node. */
function advance(totals: Map<string, number>, key: string, now: number, last: number | undefined): void {
  totals.set(key, (totals.get(key) ?? 0) + (last === undefined ? 0 : now >= last ? now - last : now));
}

export class ClusterSeries {
  signals: SampleSignals = { at: 0, nodes: [], links: [] };
  links: LinkSignals[] = [];
  notableLinks = 0;
  firing: Alert[] = [];
  incidents: IncidentAlert[] = [];
  incidentsOpen = 0;
  thresholdSeconds = 0;
  roundTripSeconds = 0;
  /** node -> cluster_stats_messages_* name -> total since the monitor started. */
  readonly messageTotals = new Map<string, Map<string, number>>();
  /** observer -> its bus link objects re-created since the monitor started. */
  readonly recreationTotals = new Map<string, number>();
  /** node -> bus links it freed for their send buffer (total_cluster_links_buffer_limit_exceeded) since the monitor started. */
  readonly bufferLimitTotals = new Map<string, number>();
  private readonly bufferLimitLast = new Map<string, number>();
  private readonly messageLast = new Map<string, Record<string, number>>();
  /** "observer|peer" -> the signals' running count of re-creations last seen. */
  private readonly recreationLast = new Map<string, number>();
  private readonly incidentMemory = new Map<number, IncidentAlert>();

  constructor(
    readonly cluster: string,
    private readonly linkPolicy: LinkMetricsPolicy,
  ) {}

  /** This sample's values replace the last ones; the counters advance. */
  take(output: StepOutput): void {
    const { exported, notable } = linksToExport(output.signals.links, this.linkPolicy);
    this.signals = output.signals;
    this.links = exported;
    this.notableLinks = notable;
    this.firing = output.firing;
    this.incidents = incidentAlerts(this.cluster, output, this.incidentMemory).open;
    this.incidentsOpen = output.state.book.open.length;
    this.thresholdSeconds = output.thresholdMs / 1000;
    this.roundTripSeconds = output.roundTripMs / 1000;
    this.advanceCounters();
  }

  private advanceCounters(): void {
    const members = new Set(this.signals.nodes.map((node) => node.address));
    for (const node of this.signals.nodes) {
      if (node.messages === null) continue;
      const last = this.messageLast.get(node.address);
      const totals = this.messageTotals.get(node.address) ?? new Map<string, number>();
      // Redis prints a message type only once it has counted one: absent before means 0 before.
      for (const [name, value] of Object.entries(node.messages)) advance(totals, name, value, last === undefined ? undefined : (last[name] ?? 0));
      this.messageTotals.set(node.address, totals);
      this.messageLast.set(node.address, node.messages);
    }
    for (const node of this.signals.nodes) {
      if (node.linksBufferLimitExceeded === null) continue;
      advance(this.bufferLimitTotals, node.address, node.linksBufferLimitExceeded, this.bufferLimitLast.get(node.address));
      this.bufferLimitLast.set(node.address, node.linksBufferLimitExceeded);
    }
    for (const link of this.signals.links) {
      const pair = `${link.observer}|${link.peer}`;
      advance(this.recreationTotals, link.observer, link.linkRecreations, this.recreationLast.get(pair) ?? 0);
      this.recreationLast.set(pair, link.linkRecreations);
    }
    // Nodes that left the cluster take their counters with them.
    for (const map of [this.messageTotals, this.messageLast, this.recreationTotals, this.bufferLimitTotals, this.bufferLimitLast])
      for (const address of map.keys()) if (!members.has(address)) map.delete(address);
    for (const pair of this.recreationLast.keys()) if (!members.has(pair.slice(0, pair.indexOf("|")))) this.recreationLast.delete(pair);
  }
}
