// GET /sd: the nodes busdoctor discovered, in Prometheus's http_sd format, so other scrapers (redis_exporter
// in multi-target mode, say) follow the clusters as they grow, shrink and fail over without a list kept
// by hand. One target group per cluster: `cluster` is a target label; each node's role is not (it changes
// at a failover, and a target label that changes makes a new target): it is __meta_busdoctor_role, for
// relabelling, in a group of its own. Pure.
//   [{"targets":["10.0.0.5:6379","10.0.0.6:6379"],"labels":{"cluster":"payments","__meta_busdoctor_role":"master"}}, ...]
import type { SampleSignals } from "../watch/signals.js";

export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** The target groups of every cluster, from each one's latest sample (nodes that answered or not). */
export function targetGroups(clusters: ReadonlyMap<string, SampleSignals>): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const [cluster, signals] of [...clusters].sort(([a], [b]) => a.localeCompare(b))) {
    const byRole = new Map<string, string[]>();
    for (const node of signals.nodes) {
      const role = node.role === "slave" ? "replica" : (node.role ?? "unknown");
      byRole.set(role, [...(byRole.get(role) ?? []), node.address]);
    }
    for (const [role, targets] of [...byRole].sort(([a], [b]) => a.localeCompare(b))) {
      groups.push({ targets: targets.sort(), labels: { cluster, __meta_busdoctor_role: role } });
    }
  }
  return groups;
}
