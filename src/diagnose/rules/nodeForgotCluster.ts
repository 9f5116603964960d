// NODE_FORGOT_CLUSTER: a node that answers but forgot the cluster (forgotten.ts): it lists nobody but
// itself and serves no slot, and its peers keep its old id with no address:
//   cd0f0944... :0@0 slave,noaddr c3a16cf5... 1796150887267 1796150887065 3 disconnected
// Redis never brings it back by itself, so it is never "recovering"; it is added again as a new node.
import type { Evidence, Finding } from "../../model/finding.js";
import { forgottenFixes } from "../fixes/node.js";
import type { Rule, RuleContext } from "../rule.js";
import { byAddress, joinNames } from "../words.js";
import { forEachNode } from "./busShared.js";

/** Lines of other views with no address (`:0@0 slave,noaddr`): the identity a reset node had. */
function noAddressEntries(context: RuleContext): Evidence[] {
  const seen = new Set<string>();
  const evidence: Evidence[] = [];
  for (const view of context.analysis.views) {
    for (const entry of view.nodes ?? []) {
      if (!entry.flags.includes("noaddr") || seen.has(entry.id)) continue;
      seen.add(entry.id);
      evidence.push({ source: view.observer, what: "CLUSTER NODES", detail: `${entry.id} ${entry.address} ${entry.flags.join(",")} ${entry.masterId ?? "-"}` });
    }
  }
  return evidence;
}

export const nodeForgotCluster: Rule = {
  code: "NODE_FORGOT_CLUSTER",
  kind: "cause",
  check(context) {
    const finding = forgottenFinding(context);
    return finding ? [finding] : [];
  },
};

function forgottenFinding(context: RuleContext): Finding | null {
  const { analysis, forgotten } = context;
  const addresses = [...forgotten].sort(byAddress);
  const first = addresses[0] === undefined ? undefined : context.nodeAt.get(addresses[0]);
  if (first === undefined) return null;
  const one = addresses.length === 1;
  const members = analysis.nodes.filter((node) => !forgotten.has(node.address) && node.response.kind === "answering" && node.clusterState !== null);
  const healthy = members.find((node) => node.clusterState === "ok") ?? members[0];
  const leftovers = noAddressEntries(context);
  // A reset replica's old line keeps its master: `... :0@0 slave,noaddr <master id> ...`.
  const oldMasters = [...new Set(leftovers.map((entry) => entry.detail.split(" ")[3]).filter((id) => id !== undefined && id !== "-"))];
  const evidence: Evidence[] = [
    ...addresses.flatMap((address) => {
      const view = analysis.views.find((candidate) => candidate.observer === address);
      const own = view?.nodes?.[0];
      return [
        {
          source: address,
          what: "CLUSTER NODES",
          detail: own ? `${own.id} ${own.address} ${own.flags.join(",")}: the only line, no slots` : "lists only itself",
        },
        ...(view?.info
          ? [{ source: address, what: "CLUSTER INFO", detail: `cluster_state:${view.info.state} cluster_known_nodes:${view.info.knownNodes}` }]
          : []),
      ];
    }),
    ...leftovers.slice(0, 3),
  ];
  return {
    code: "NODE_FORGOT_CLUSTER",
    // Alone it serves no slot: the cluster lost a replica or a spare, and the node's own clients get CLUSTERDOWN.
    severity: "warning",
    nodes: addresses,
    summary: `${joinNames(addresses)} ${one ? "answers but knows" : "answer but know"} no other node and ${one ? "serves" : "serve"} no slot: ${one ? "it forgot" : "they forgot"} the cluster (CLUSTER RESET, a lost nodes.conf) or ${one ? "was" : "were"} never met, and Redis does not bring ${one ? "it" : "them"} back by itself${members.length === 0 ? "; busdoctor reached no node of a cluster: give a seed that is one" : ""}`,
    evidence,
    explanation:
      "A node learns its peers only through CLUSTER MEET and gossip, and keeps them in nodes.conf. After CLUSTER RESET HARD (or losing nodes.conf) it starts alone with a new id, reports cluster_state:fail and answers CLUSTERDOWN; its peers keep its old id with no address (noaddr) and never dial it again. Waiting does not help: it is a new, empty node now, added like one (redis-cli --cluster add-node checks that it holds no keys and knows no other cluster).",
    fix: forEachNode(forgottenFixes(first.address, healthy?.address ?? null, oldMasters.length === 1 ? (oldMasters[0] ?? null) : null), addresses),
  };
}
