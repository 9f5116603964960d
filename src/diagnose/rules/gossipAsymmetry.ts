// GOSSIP_ASYMMETRY (needs `--sample`): a node keeps sending bus messages but receives few back.
// Healthy nodes receive about as many messages as they send (each PING is answered by a PONG).
import type { Finding } from "../../model/finding.js";
import type { Rule } from "../rule.js";

/** Below this share of received to sent messages a node is talking into a void. */
const RECEIVED_SHARE = 0.5;
/** Rates under one message a second are too few to judge. */
const MIN_SENT_PER_SECOND = 1;

const round = (value: number): number => Math.round(value * 10) / 10;

export const gossipAsymmetry: Rule = {
  code: "GOSSIP_ASYMMETRY",
  kind: "symptom",
  check({ rates }) {
    if (!rates) return [];
    const findings: Finding[] = [];
    for (const [address, { perSecond, intervalMs }] of rates) {
      const sent = perSecond["sent"] ?? 0;
      const received = perSecond["received"] ?? 0;
      const pingSent = perSecond["ping_sent"] ?? 0;
      const pongReceived = perSecond["pong_received"] ?? 0;
      const totalsSkewed = sent >= MIN_SENT_PER_SECOND && received < sent * RECEIVED_SHARE;
      const pongsMissing = pingSent >= MIN_SENT_PER_SECOND && pongReceived < pingSent * RECEIVED_SHARE;
      if (!totalsSkewed && !pongsMissing) continue;
      findings.push({
        code: "GOSSIP_ASYMMETRY",
        severity: "warning",
        nodes: [address],
        summary: `${address} sends ${round(sent)} bus messages/s but receives ${round(received)}/s`,
        evidence: [
          {
            source: address,
            what: `CLUSTER INFO over ${intervalMs} ms`,
            detail: `messages sent ${round(sent)}/s, received ${round(received)}/s; ping sent ${round(pingSent)}/s, pong received ${round(pongReceived)}/s`,
          },
        ],
        explanation:
          "Every PING a node sends should be answered by a PONG. Sent counters that climb while received ones stay flat mean its messages leave but the answers never come back: a one-way block on the bus path.",
        fix: [],
      });
    }
    return findings;
  },
};
