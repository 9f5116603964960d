// GOSSIP_ASYMMETRY (needs `--sample`): a node's bus message rates, compared with the rest of the
// cluster over the same interval. Redis counts a message as sent only once it is written to a
// connected link, so a blocked bus shows as rates that fall flat, not as "sent without answer":
//   healthy  cluster_stats_messages_ping_sent +13   cluster_stats_messages_ping_received +15   (3 s)
//   inbound  node 3:                ping_sent +15                  ping_received +0
//   both     node 3:                ping_sent +0                   ping_received +0
import type { Finding } from "../../model/finding.js";
import type { NodeRates } from "../gossipRates.js";
import type { Rule } from "../rule.js";

/** A rate below this share of the cluster's median is "almost none". */
const LOW_SHARE = 0.25;
/** Medians under one message a second are too few to judge. */
const MIN_MEDIAN_PER_SECOND = 1;

const round = (value: number): number => Math.round(value * 10) / 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function summaryOf(address: string, lowIn: boolean, lowOut: boolean, seconds: number): string {
  if (lowIn && lowOut) return `${address} exchanged almost no bus messages with its peers over ${seconds} s`;
  if (lowIn) return `${address} receives almost no PINGs from its peers: they cannot reach its bus port`;
  return `${address} sends almost no PINGs: it cannot reach its peers' bus ports`;
}

export const gossipAsymmetry: Rule = {
  code: "GOSSIP_ASYMMETRY",
  kind: "symptom",
  check({ rates }) {
    if (!rates || rates.size < 3) return [];
    const all = [...rates.values()];
    const rate = (node: NodeRates, name: string): number => node.perSecond[name] ?? 0;
    const medianIn = median(all.map((node) => rate(node, "ping_received")));
    const medianOut = median(all.map((node) => rate(node, "ping_sent")));
    if (medianIn < MIN_MEDIAN_PER_SECOND && medianOut < MIN_MEDIAN_PER_SECOND) return [];
    const findings: Finding[] = [];
    for (const [address, node] of rates) {
      const pingIn = rate(node, "ping_received");
      const pingOut = rate(node, "ping_sent");
      const lowIn = medianIn >= MIN_MEDIAN_PER_SECOND && pingIn < medianIn * LOW_SHARE;
      const lowOut = medianOut >= MIN_MEDIAN_PER_SECOND && pingOut < medianOut * LOW_SHARE;
      if (!lowIn && !lowOut) continue;
      findings.push({
        code: "GOSSIP_ASYMMETRY",
        severity: "warning",
        nodes: [address],
        summary: summaryOf(address, lowIn, lowOut, round(node.intervalMs / 1000)),
        evidence: [
          {
            source: address,
            what: `CLUSTER INFO over ${node.intervalMs} ms`,
            detail: `ping received ${round(pingIn)}/s (cluster median ${round(medianIn)}/s), ping sent ${round(pingOut)}/s (median ${round(medianOut)}/s), all messages sent ${round(rate(node, "sent"))}/s, received ${round(rate(node, "received"))}/s`,
          },
        ],
        explanation:
          "Every node pings some peers each second and answers every PING with a PONG, so all nodes show similar message rates. Redis counts a message only once it is written to or read from a connected bus link: a node whose received PINGs fall flat is unreachable on its bus port; one whose sent PINGs fall flat cannot connect to its peers' bus ports.",
        fix: [],
      });
    }
    return findings;
  },
};
