// Small readings shared by the bus rules, so each fault is classified the same way everywhere.
import type { NodeSummary } from "../../model/analysis.js";
import type { Evidence } from "../../model/finding.js";
import { hostOf } from "../../cluster/address.js";
import { defaultBusPort } from "../../cluster/ports.js";
import { probeEvidence } from "../evidence.js";
import type { BusTarget } from "../fixes/bus.js";
import type { RuleContext } from "../rule.js";

/** A bus port that answers SYN with a reset: nothing listens there, or a REJECT rule answers. */
export function refusesBus(node: NodeSummary | undefined): boolean {
  return node?.busProbe?.state === "refused";
}

/** Where a node's bus is: where it was probed (not a Valkey client address), else its address's host. */
function busIp(node: NodeSummary | undefined, address: string): string {
  return node?.busProbe?.host ?? hostOf(address);
}

export function busTarget(node: NodeSummary): BusTarget {
  return { ip: busIp(node, node.address), clientPort: node.clientPort, busPort: node.busPort ?? defaultBusPort(node.clientPort) ?? node.clientPort };
}

export function busPortOf(node: NodeSummary): number {
  return busTarget(node).busPort;
}

export function peerIps(context: RuleContext, except: readonly string[]): string[] {
  return context.bus.judged.filter((address) => !except.includes(address)).map((address) => busIp(context.nodeAt.get(address), address));
}

export function busProbeEvidence(node: NodeSummary): Evidence[] {
  return node.busProbe ? [probeEvidence(node.busProbe, "TCP probe of the announced bus port")] : [];
}

/** Whether any answering node's own view is `cluster_state:fail`: a latent fault has become an outage. */
export function anyViewFailing(context: RuleContext): boolean {
  return context.analysis.nodes.some((node) => node.clusterState === "fail");
}

/**
 * What the node listens on, from its own CONFIG GET cluster-port, when that differs from the bus port
 * it announces (`@cport`), which is the one peers dial: a NAT or container mapping, or a wrong
 * cluster-announce-bus-port.
 */
export function announcedPortMismatch(context: RuleContext, node: NodeSummary): { listening: number; evidence: Evidence } | null {
  const view = context.analysis.views.find((candidate) => candidate.observer === node.address);
  const listening = view?.listeningBusPort ?? null;
  if (listening === null || node.busPort === null || listening === node.busPort) return null;
  return {
    listening,
    evidence: {
      source: node.address,
      what: "CONFIG GET cluster-port",
      detail: `listens on bus port ${listening} but announces @${node.busPort} in CLUSTER NODES: peers dial ${node.busPort}`,
    },
  };
}

/** The highest CLUSTER COUNT-FAILURE-REPORTS any node gave for this one: masters that report it failing. */
export function failureReportEvidence(context: RuleContext, node: NodeSummary): Evidence[] {
  if (node.id === null) return [];
  let best: { source: string; count: number } | null = null;
  for (const view of context.analysis.views) {
    const count = view.failureReports[node.id];
    if (count !== undefined && count > (best?.count ?? 0)) best = { source: view.observer, count };
  }
  if (best === null) return [];
  return [
    {
      source: best.source,
      what: `CLUSTER COUNT-FAILURE-REPORTS ${node.id}`,
      detail: `${best.count} master(s) currently report ${node.address} as failing`,
    },
  ];
}
