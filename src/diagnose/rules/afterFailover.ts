// A master that is down or cut off and whose replica already took over its slots: the report says so,
// and the severity follows the risk that is left (no replica left for those slots: one more failure
// loses them; critical), rather than staying critical for a cluster that serves every slot again.
import type { Evidence, Severity } from "../../model/finding.js";
import type { RuleContext } from "../rule.js";
import { formatRanges } from "../slots.js";
import { joinNames } from "../words.js";

export interface AfterFailover {
  /** ", and 127.0.0.17:6379 took over its slots 4096-8191 (config epoch 9); no replica is left for them", or "". */
  note: string;
  severity: Severity;
  evidence: Evidence[];
}

export function afterFailover(context: RuleContext, nodes: readonly string[], severity: Severity): AfterFailover {
  const failovers = context.failovers.filter((failover) => nodes.includes(failover.oldMaster));
  if (failovers.length === 0 || severity !== "critical") return { note: "", severity, evidence: [] };
  const unprotected = failovers.filter((failover) => failover.replicas.length === 0);
  const allFailedOver = nodes.every((node) => failovers.some((failover) => failover.oldMaster === node) || context.nodeAt.get(node)?.role !== "master");
  const taken = failovers.map(
    (failover) =>
      `${failover.newMaster} took over ${nodes.length > 1 ? `the slots of ${failover.oldMaster}` : "its slots"} ${formatRanges(failover.slots)} (config epoch ${failover.configEpoch})`,
  );
  const risk =
    unprotected.length > 0
      ? `; no replica is left for ${unprotected.length === failovers.length ? "them" : `the slots of ${joinNames(unprotected.map((failover) => failover.newMaster))}`}: one more failure loses them`
      : "; the new master still has a replica";
  return {
    note: `. A replica took over: ${joinNames(taken)}${risk}`,
    severity: unprotected.length > 0 || !allFailedOver ? "critical" : "warning",
    evidence: failovers.map((failover) => ({
      source: "busdoctor",
      what: "failover",
      detail: `${failover.newMaster} serves ${formatRanges(failover.slots)} with config epoch ${failover.configEpoch}; ${failover.oldMaster} is flagged fail with no slots; replicas of the new master: ${failover.replicas.length === 0 ? "none" : failover.replicas.join(", ")}`,
    })),
  };
}
