// The failure busdoctor exists for: the client port is open, the cluster bus port is not.
import type { LintFinding } from "../model.js";
import { allowFix, directionWord, finding, lineRef, modelRule, portPairAccesses, type LintRule } from "./rule.js";

export const busPortNotAllowed: LintRule = {
  id: "bus-port-not-allowed",
  defaultSeverity: "error",
  summary: "The client port is allowed but the cluster bus port is not.",
  help:
    "Redis Cluster nodes gossip, detect failures and vote over the cluster bus (client port + 10000 unless cluster-port says otherwise). " +
    "When a security group, NetworkPolicy or host firewall allows the client port but not the bus port, every node still answers PING, " +
    "but peers mark each other failed and the cluster goes down (CLUSTERDOWN). Allow the bus port wherever the client port is allowed, in both directions.",
  check({ scope, pairs, judgePolicy }) {
    const findings: LintFinding[] = [];
    for (const { policy, direction, rules, pair, client, bus } of portPairAccesses(scope, pairs)) {
      if (!client.allowed || bus.allowed || bus.unknown) continue;
      const model = modelRule(client.allowRules, direction);
      const fix = allowFix(rules, direction, {
        ports: [pair.bus],
        ...(model ? { model: { rule: model, direction } } : {}),
        ...(bus.blockedBy ? { before: bus.blockedBy } : {}),
      });
      const notes = [...new Set(rules.chains.flatMap((chain) => chain.rules.flatMap((rule) => (rule.note ? [rule.note] : []))))];
      const noteText = notes.length > 0 ? ` (${notes.join("; ")})` : "";
      const judgement = judgePolicy(policy);
      let found: LintFinding | undefined;
      if (bus.blockedBy) {
        found = finding(
          this.id,
          "error",
          bus.blockedBy.at,
          `${policy.name} drops ${directionWord(direction)} TCP ${pair.bus} (the cluster bus port of client port ${pair.client}) while the client port gets through: ` +
            `nodes will answer PING but cannot gossip, and the cluster fails. Remove this rule or allow the bus port before it.`,
          fix,
          judgement,
        );
      } else if (model) {
        found = finding(
          this.id,
          "error",
          model.at,
          `${policy.name} allows ${directionWord(direction)} TCP ${pair.client} (client port) but not ${pair.bus} (cluster bus port)${noteText}: ` +
            `nodes will answer PING but cannot gossip, and the cluster fails. Allow ${pair.bus} next to the rule at ${lineRef(model.at)}.`,
          fix,
          judgement,
        );
      }
      if (found) findings.push(found);
    }
    return findings;
  },
};
