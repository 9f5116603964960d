// NODE_UNREADABLE: a node that connects or answers, but whose view busdoctor cannot read (error
// replies, garbage, a connection closed mid-reply, denied commands), from the diagnosis' own coverage:
// a monitor that only noticed timeouts would watch such a node in silence. Nodes that are down or hung
// are named by the early warning (NODE_UNREACHABLE, NODE_UNRESPONSIVE). Pure.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { Diagnosis } from "../model/finding.js";
import type { Reading } from "./events.js";

const VIEW_COMMANDS = ["CLUSTER NODES", "CLUSTER INFO"];

export function unreadableReadings(diagnosis: Diagnosis, analysis: ClusterAnalysis): Reading[] {
  const response = new Map(analysis.nodes.map((node) => [node.address, node.response.kind]));
  const unread = diagnosis.coverage.nodes.filter((node) => {
    const kind = response.get(node.address);
    if (kind === "unreachable" || kind === "unresponsive") return false;
    return node.notRead.some((entry) => entry.command === "connection" || VIEW_COMMANDS.includes(entry.command) || entry.command === "PING");
  });
  if (unread.length === 0) return [];
  return [
    {
      key: "NODE_UNREADABLE",
      code: "NODE_UNREADABLE",
      severity: "warning",
      nodes: unread.map((node) => node.address),
      summary: `busdoctor cannot read the view of ${unread.length} node(s): what they say about the cluster is unknown`,
      evidence: unread.slice(0, 6).map((node) => ({
        source: node.address,
        what: "replies",
        detail: node.notRead.map((entry) => `${entry.command}: ${entry.reason}`).join("; "),
      })),
      cause: null,
      support: 0,
    },
  ];
}
