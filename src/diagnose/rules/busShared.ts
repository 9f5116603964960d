// Small readings shared by the bus rules, so each fault is classified the same way everywhere.
import type { NodeSummary } from "../../model/analysis.js";
import type { Evidence } from "../../model/finding.js";
import { hostOf, splitAddress } from "../address.js";
import { probeEvidence } from "../evidence.js";
import type { BusTarget } from "../fixes/bus.js";
import type { RuleContext } from "../rule.js";

/** A bus port that answers SYN with a reset: nothing listens there, or a REJECT rule answers. */
export function refusesBus(node: NodeSummary | undefined): boolean {
  return node?.busProbe?.state === "refused";
}

export function busTarget(node: NodeSummary): BusTarget {
  return { ip: hostOf(node.address), clientPort: node.clientPort, busPort: node.busPort ?? node.clientPort + 10000 };
}

export function busPortOf(node: NodeSummary): number {
  return busTarget(node).busPort;
}

export function peerIps(context: RuleContext, except: readonly string[]): string[] {
  return context.bus.judged.filter((address) => !except.includes(address)).map((address) => splitAddress(address)[0]);
}

export function busProbeEvidence(node: NodeSummary): Evidence[] {
  return node.busProbe ? [probeEvidence(node.busProbe, "TCP probe of the announced bus port")] : [];
}

/** Whether any answering node's own view is `cluster_state:fail`: a latent fault has become an outage. */
export function anyViewFailing(context: RuleContext): boolean {
  return context.analysis.nodes.some((node) => node.clusterState === "fail");
}
