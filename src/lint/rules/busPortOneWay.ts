// The bus port allowed in one direction only, where the other direction is restricted.
import { evaluatePort } from "../evaluate.js";
import { writeAllowFix } from "../fix/index.js";
import type { Direction, LintFinding } from "../model.js";
import { busApplies, directionWord, finding, lineRef, type LintRule } from "./rule.js";

export const busPortOneWay: LintRule = {
  id: "bus-port-one-way",
  defaultSeverity: "error",
  summary: "The cluster bus port is allowed inbound but not outbound (or the reverse) where both directions are restricted.",
  help:
    "Every node both accepts bus connections from its peers and opens its own to each of them. When egress is restricted " +
    "(a NetworkPolicy with policyTypes Egress, a security group with egress rules, an output chain that drops) and only one " +
    "direction allows the bus port, half of the links never come up: Redis 7 may still report cluster_state:ok while pings go " +
    "unanswered, and the next change takes the cluster down. Allow the bus port in both directions.",
  check({ scope, pairs, mode }) {
    if (!busApplies(mode)) return [];
    const findings: LintFinding[] = [];
    for (const policy of scope.policies) {
      if (policy.managedService || !policy.in || !policy.out) continue;
      const sides: Record<Direction, NonNullable<typeof policy.in>> = { in: policy.in, out: policy.out };
      for (const pair of pairs) {
        for (const [allowed, missing] of [["in", "out"], ["out", "in"]] as [Direction, Direction][]) {
          const present = evaluatePort(sides[allowed], pair.bus);
          const absent = evaluatePort(sides[missing], pair.bus);
          const model = present.allowRules[0];
          // Only explicit rules count: a side that allows everything by default is not a one-way setup.
          if (!model || absent.allowed || absent.unknown) continue;
          // When the client port gets through the other side, bus-port-not-allowed reports it there.
          if (evaluatePort(sides[missing], pair.client).allowed) continue;
          const fix = writeAllowFix({
            syntax: sides[missing].syntax,
            direction: missing,
            ports: [pair.bus],
            model: { rule: model, direction: allowed },
          });
          findings.push(
            finding(
              this.id,
              "error",
              model.at,
              `${policy.name} allows the cluster bus port ${pair.bus} ${directionWord(allowed)} (${lineRef(model.at)}) but restricts ` +
                `${directionWord(missing)} traffic and nothing allows it ${directionWord(missing)}: ` +
                (missing === "out"
                  ? "nodes accept bus connections but cannot open their own to their peers."
                  : "nodes can open bus connections but their peers' connections to them are dropped."),
              fix,
            ),
          );
        }
      }
    }
    return findings;
  },
};
