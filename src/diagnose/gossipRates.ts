// Rates of the cluster_stats_messages_* counters between the `--sample` baseline and the snapshot:
//   cluster_stats_messages_ping_sent:1534   cluster_stats_messages_pong_received:1530
// A node whose sent counters climb while its received ones stay flat is talking into a void.
import type { NodeView } from "../model/analysis.js";
import type { SnapshotBaseline } from "../model/snapshot.js";
import { parseClusterInfo } from "../parse/clusterInfo.js";

export interface NodeRates {
  intervalMs: number;
  /** Messages per second, keyed like the counters without their prefix: `ping_sent`, `received`... */
  perSecond: Record<string, number>;
}

export type GossipRates = Map<string, NodeRates>;

export function computeGossipRates(baseline: SnapshotBaseline, views: readonly NodeView[], takenAtMs: number): GossipRates {
  const rates: GossipRates = new Map();
  const intervalMs = takenAtMs - baseline.takenAtMs;
  if (intervalMs <= 0) return rates;
  for (const view of views) {
    const before = baseline.clusterInfo[view.observer];
    if (!view.info || !before?.ok || typeof before.reply !== "string") continue;
    let earlier: Record<string, number>;
    try {
      earlier = parseClusterInfo(before.reply).messages;
    } catch {
      continue; // the baseline reply is unreadable: no rate for this node, the rest goes on
    }
    const perSecond: Record<string, number> = {};
    for (const [name, now] of Object.entries(view.info.messages)) {
      const then = earlier[name] ?? 0;
      perSecond[name] = Math.max(0, ((now - then) * 1000) / intervalMs);
    }
    rates.set(view.observer, { intervalMs, perSecond });
  }
  return rates;
}
