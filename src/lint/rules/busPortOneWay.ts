// The bus port allowed in one direction only, where the other direction is restricted.
import { evaluatePort } from "../evaluate.js";
import type { Direction, DirectionPolicy, LintFinding } from "../model.js";
import { allowFix, directionWord, finding, lineRef, type LintRule } from "./rule.js";

export const busPortOneWay: LintRule = {
  id: "bus-port-one-way",
  defaultSeverity: "error",
  summary: "The cluster bus port is allowed inbound but not outbound (or the reverse) where both directions are restricted.",
  help:
    "Every node both accepts bus connections from its peers and opens its own to each of them. When egress is restricted " +
    "(a NetworkPolicy with policyTypes Egress, a security group with egress rules, an output chain that drops) and only one " +
    "direction allows the bus port, half of the links never come up: Redis 7 may still report cluster_state:ok while pings go " +
    "unanswered, and the next change takes the cluster down. Allow the bus port in both directions.",
  check({ scope, pairs, judgePolicy }) {
    const findings: LintFinding[] = [];
    for (const policy of scope.policies) {
      if (policy.managedService || !policy.in || !policy.out) continue;
      const sides: Record<Direction, DirectionPolicy> = { in: policy.in, out: policy.out };
      for (const pair of pairs) {
        for (const [allowed, missing] of [
          ["in", "out"],
          ["out", "in"],
        ] as [Direction, Direction][]) {
          const present = evaluatePort(sides[allowed], allowed, pair.bus);
          const absent = evaluatePort(sides[missing], missing, pair.bus);
          const model = present.allowRules[0];
          // Only explicit rules count: a side that allows everything by default is not a one-way setup.
          if (!model || absent.allowed || absent.unknown) continue;
          // When the client port gets through the other side, bus-port-not-allowed reports it there.
          if (evaluatePort(sides[missing], missing, pair.client).allowed) continue;
          const fix = allowFix(sides[missing], missing, {
            ports: [pair.bus],
            model: { rule: model, direction: allowed },
            ...(absent.blockedBy ? { before: absent.blockedBy } : {}),
          });
          const found = finding(
            this.id,
            "error",
            model.at,
            `${policy.name} allows the cluster bus port ${pair.bus} ${directionWord(allowed)} (${lineRef(model.at)}) but not ${directionWord(missing)}, ` +
              `and ${directionWord(missing)} traffic is restricted: nodes accept bus connections but cannot open their own (or the reverse), so half of the links never come up.`,
            fix,
            judgePolicy(policy),
          );
          if (found) findings.push(found);
        }
      }
    }
    return findings;
  },
};
