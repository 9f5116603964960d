// CLUSTER_STATE_FAIL: a node's own CLUSTER INFO says `cluster_state:fail`; its clients get
// CLUSTERDOWN. Grouped into one finding naming every node whose view is failing.
import type { Rule } from "../rule.js";

export const clusterStateFail: Rule = {
  code: "CLUSTER_STATE_FAIL",
  kind: "symptom",
  check({ analysis, forgotten }) {
    // A node that forgot the cluster reports fail for that reason: NODE_NEEDS_REJOIN names it.
    const failing = analysis.views.filter((view) => view.info?.state === "fail" && !forgotten.has(view.observer));
    if (failing.length === 0) return [];
    const everyone = failing.length === analysis.views.filter((view) => view.info !== null && !forgotten.has(view.observer)).length;
    return [
      {
        code: "CLUSTER_STATE_FAIL",
        severity: "critical",
        nodes: failing.map((view) => view.observer),
        summary: everyone
          ? "every node reports cluster_state:fail: clients get CLUSTERDOWN everywhere"
          : `${failing.length} node(s) report cluster_state:fail: their clients get CLUSTERDOWN`,
        evidence: failing.slice(0, 6).map((view) => ({
          source: view.observer,
          what: "CLUSTER INFO",
          detail: `cluster_state:fail cluster_slots_ok:${view.info?.slotsOk} cluster_slots_pfail:${view.info?.slotsPfail} cluster_slots_fail:${view.info?.slotsFail} cluster_known_nodes:${view.info?.knownNodes}`,
        })),
        explanation:
          "A node reports fail when, in its own view, some slot has no reachable master, or when it cannot reach a majority of masters. It then refuses queries with CLUSTERDOWN even though it answers PING.",
        fix: [
          {
            where: "after the cause is fixed",
            lines: [
              "# cluster_state returns to ok by itself once every slot has a master the node can reach:",
              `redis-cli --cluster check ${failing[0]?.observer ?? "<node>"}`,
            ],
          },
        ],
      },
    ];
  },
};
