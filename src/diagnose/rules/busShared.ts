// Small readings shared by the bus rules, so each fault is classified the same way everywhere.
import type { NodeSummary } from "../../model/analysis.js";
import type { Evidence, Fix } from "../../model/finding.js";
import { hostOf } from "../../cluster/address.js";
import { defaultBusPort } from "../../cluster/ports.js";
import { probeEvidence } from "../evidence.js";
import { byAddress, joinNames } from "../words.js";
import type { IsolatedNode } from "../bus.js";
import type { BusTarget } from "../fixes/bus.js";
import type { RuleContext } from "../rule.js";

/** A bus port that answers SYN with a reset: nothing listens there, or a REJECT rule answers. */
export function refusesBus(node: NodeSummary | undefined): boolean {
  return node?.busProbe?.state === "refused";
}

/** Where a node's bus is: where it was probed (not a Valkey client address), else its address's host. */
export function busIp(node: NodeSummary | undefined, address: string): string {
  return node?.busProbe?.host ?? hostOf(address);
}

export function busTarget(node: NodeSummary): BusTarget {
  const ip = busIp(node, node.address);
  return { ip, hosts: ip, clientPort: node.clientPort, busPort: node.busPort ?? defaultBusPort(node.clientPort) ?? node.clientPort };
}

/** One target for several nodes of one cause (they share the port): the first node's, naming every host. */
export function groupTarget(nodes: readonly NodeSummary[]): BusTarget {
  const first = busTarget(nodes[0] as NodeSummary);
  return { ...first, hosts: joinNames(nodes.map((node) => busIp(node, node.address))) };
}

/** Fixes written for the first node of a group, saying they apply to each. */
export function forEachNode(fixes: Fix[], addresses: readonly string[]): Fix[] {
  if (addresses.length <= 1) return fixes;
  return fixes.map((fix) => ({ ...fix, lines: [`# for each of ${joinNames(addresses)} (shown for the first):`, ...fix.lines] }));
}

/** Nodes grouped by a key (same code, port and direction make one cause), in address order. */
export function groupBy<T extends { address: string }>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => byAddress(a.address, b.address))) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()];
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

/** An isolated node of the bus picture with its summary. */
export interface IsolatedEntry {
  isolated: IsolatedNode;
  node: NodeSummary;
  address: string;
}

/** Nodes of one cause (same code, port and direction): what a finding naming all of them needs. */
export interface IsolatedGroup {
  entries: IsolatedEntry[];
  nodes: NodeSummary[];
  addresses: string[];
  /** "A", "A and B": every node, for the summary. */
  names: string;
  one: boolean;
  port: number;
}

/** The isolated nodes `keep` accepts, grouped by `keyOf` (nodes in address order). */
export function isolatedGroups(context: RuleContext, keep: (entry: IsolatedEntry) => boolean, keyOf: (entry: IsolatedEntry) => string): IsolatedGroup[] {
  const entries = context.bus.isolated
    .map((isolated) => ({ isolated, node: context.nodeAt.get(isolated.node) }))
    .filter((entry): entry is { isolated: IsolatedNode; node: NodeSummary } => entry.node !== undefined)
    .map((entry) => ({ ...entry, address: entry.node.address }))
    .filter(keep);
  return groupBy(entries, keyOf).map((group) => {
    const nodes = group.map((entry) => entry.node);
    const addresses = nodes.map((node) => node.address);
    return { entries: group, nodes, addresses, names: joinNames(addresses), one: nodes.length === 1, port: busPortOf(nodes[0] as NodeSummary) };
  });
}
