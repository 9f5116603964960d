// TOPOLOGY_DRIFT: the nodes' own views disagree on who is in the cluster (membership, known_nodes)
// or on a node's role, e.g. after a failover that an isolated node never heard of:
//   majority:  7c2d... 127.0.0.6:6379@16379 master - 0 1732600009000 7 connected 10923-16383
//   isolated:  7c2d... 127.0.0.6:6379@16379 slave 9f0e... 0 1732600001000 3 connected
import type { Evidence } from "../../model/finding.js";
import { majority } from "../analyze/index.js";
import type { Rule } from "../rule.js";

export const topologyDrift: Rule = {
  code: "TOPOLOGY_DRIFT",
  kind: "symptom",
  check({ analysis }) {
    const views = analysis.views.filter((view) => view.nodes !== null);
    if (views.length < 2) return [];
    const members = views.map((view) => new Set((view.nodes ?? []).filter((e) => !e.flags.includes("handshake")).map((e) => e.id)));
    const union = new Set<string>();
    for (const set of members) for (const id of set) union.add(id);
    const evidence: Evidence[] = [];
    const drifted = new Set<string>();
    views.forEach((view, index) => {
      const missing = [...union].filter((id) => !members[index]?.has(id));
      if (missing.length === 0) return;
      drifted.add(view.observer);
      evidence.push({
        source: view.observer,
        what: "CLUSTER NODES",
        detail: `lists ${members[index]?.size} nodes, lacks ${missing.map((id) => id.slice(0, 8)).join(", ")}`,
      });
    });
    const known = views.map((view) => view.info?.knownNodes).filter((n): n is number => n !== undefined);
    const usual = majority(known);
    for (const view of views) {
      if (view.info && usual !== null && view.info.knownNodes !== usual) {
        drifted.add(view.observer);
        evidence.push({ source: view.observer, what: "CLUSTER INFO", detail: `cluster_known_nodes:${view.info.knownNodes} (most nodes say ${usual})` });
      }
    }
    // Role disagreements: one line per node whose role differs between views (with up to three
    // observers named per side, so a 1000-node cluster does not copy 1000 names per node).
    const roles = new Map<string, Map<string, { count: number; observers: string[] }>>();
    for (const view of views) {
      for (const entry of view.nodes ?? []) {
        let byRole = roles.get(entry.address);
        if (!byRole) roles.set(entry.address, (byRole = new Map()));
        const role = entry.role ?? "none";
        let side = byRole.get(role);
        if (!side) byRole.set(role, (side = { count: 0, observers: [] }));
        side.count += 1;
        if (side.observers.length < 3) side.observers.push(view.observer);
      }
    }
    for (const [address, byRole] of roles) {
      if (byRole.size < 2) continue;
      drifted.add(address);
      const sides = [...byRole].map(([role, side]) => `${role} per ${side.count} view(s) (${side.observers.join(", ")})`);
      evidence.push({ source: "busdoctor", what: "CLUSTER NODES", detail: `${address} is ${sides.join(" but ")}` });
    }
    if (drifted.size === 0) return [];
    return [
      {
        code: "TOPOLOGY_DRIFT",
        severity: "warning",
        nodes: [...drifted],
        summary: `the nodes' views of the cluster disagree (membership, known_nodes or roles) on ${drifted.size} node(s)`,
        evidence: evidence.slice(0, 12),
        explanation:
          "Nodes learn membership and roles through gossip on the bus. Views that disagree mean gossip is not reaching everyone (a blocked bus port or a partition), a node was added or forgotten on only some nodes, or a failover happened that an isolated node has not heard of.",
        fix: [{ where: "once the bus works between all nodes", lines: [`redis-cli --cluster check ${views[0]?.observer ?? "<node>"}`, "# a node missing from some views: CLUSTER MEET it from a node that lacks it"] }],
      },
    ];
  },
};
