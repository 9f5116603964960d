// Whether the Redis a finding is about runs in cluster mode, and why busdoctor thinks so. Only then
// does a missing bus port matter: with evidence for cluster mode a finding keeps its severity; with
// none it is at most a note ("if this Redis runs in cluster mode..."); with evidence against it
// (Sentinel, standalone redis-server, a managed service) there is no finding at all.
import { BUS_PORT_OFFSET } from "../cluster/ports.js";
import type { ClusterPorts, EvidenceItem, LintFinding, Location, Policy, RedisNodeFacts, ScopeModel } from "./model.js";
import { portsCover } from "../firewall/ports.js";
import { openedPorts } from "./clusterPorts.js";

export type Judgement = { stance: "cluster" | "not-cluster"; why: string } | { stance: "unknown"; why: string };

const SENTINEL_PORT = 26379;

function where(at: Location): string {
  return `${at.file}:${at.line}`;
}

/** What one node's configuration says. */
export function nodeEvidence(node: RedisNodeFacts): EvidenceItem[] {
  if (node.clusterEnabled?.value === true) return [{ stance: "cluster", what: `cluster-enabled yes (${node.origin})`, at: node.clusterEnabled.at }];
  if (node.sentinel) return [{ stance: "not-cluster", what: `Sentinel (${node.origin})`, at: node.sentinel.at }];
  if (node.clusterEnabled?.value === false) return [{ stance: "not-cluster", what: `cluster-enabled no (${node.origin})`, at: node.clusterEnabled.at }];
  if (node.standalone) return [{ stance: "not-cluster", what: `redis-server runs without cluster-enabled (${node.origin})`, at: node.standalone }];
  return [];
}

function describe(item: EvidenceItem): string {
  return `${item.what} at ${where(item.at)}`;
}

export function judgeItems(items: readonly EvidenceItem[]): Judgement | undefined {
  const cluster = items.find((item) => item.stance === "cluster");
  if (cluster) return { stance: "cluster", why: `cluster mode: ${describe(cluster)}` };
  const against = items.find((item) => item.stance === "not-cluster");
  if (against) return { stance: "not-cluster", why: `not a cluster: ${describe(against)}` };
  return undefined;
}

/**
 * The scope's own evidence: what its files say (charts, operators, cluster create), its nodes, bus
 * ports it maps. The first item for cluster mode decides, so the search stops there.
 */
export function scopeEvidence(scope: ScopeModel, pairs: readonly ClusterPorts[]): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const firstFor = scope.evidence.find((item) => item.stance === "cluster");
  if (firstFor) return [firstFor];
  for (const item of scope.evidence) items.push(item);
  for (const node of scope.nodes) {
    const [item] = nodeEvidence(node);
    if (item?.stance === "cluster") return [item];
    if (item && !items.some((known) => known.stance === "not-cluster")) items.push(item);
  }
  for (const container of scope.containers) {
    for (const publication of container.publications) {
      const pair = pairs.find((candidate) => portsCover([publication.container], candidate.bus) && candidate.bus !== candidate.client);
      if (pair && publication.protocol === "tcp") return [{ stance: "cluster", what: `${container.name} publishes bus port ${pair.bus}`, at: publication.at }];
    }
  }
  for (const service of scope.services) {
    for (const port of service.ports) {
      if (/bus/i.test(port.name ?? "")) return [{ stance: "cluster", what: `Service ${service.name} carries a bus port (${port.name})`, at: port.at }];
    }
  }
  return items;
}

/** A policy's own word: it opens a bus port with its client port (cluster), or Sentinel's port (not one). */
export function policyEvidence(policy: Policy): EvidenceItem[] {
  if (policy.managedService)
    return [{ stance: "not-cluster", what: `${policy.name} guards ${policy.managedService}, which runs the cluster bus itself`, at: policy.at }];
  // Both directions together: a security group may open the client port inbound and the bus outbound.
  const opened = openedPorts(policy.in);
  for (const [port, at] of openedPorts(policy.out)) if (!opened.has(port)) opened.set(port, at);
  for (const port of opened.keys()) {
    const bus = opened.get(port + BUS_PORT_OFFSET);
    if (port >= 1024 && bus) return [{ stance: "cluster", what: `${policy.name} opens bus port ${port + BUS_PORT_OFFSET} with client port ${port}`, at: bus }];
  }
  const sentinel = opened.get(SENTINEL_PORT);
  if (sentinel) return [{ stance: "not-cluster", what: `${policy.name} opens Sentinel's port ${SENTINEL_PORT}`, at: sentinel }];
  return [];
}

export const NO_EVIDENCE =
  "no sign of cluster mode in the files read (no cluster-enabled yes, cluster Helm chart or operator, redis-cli --cluster create, or bus port opened next to the client port)";

/** Applies a judgement to a finding: kept, softened to a note that says what it depends on, or dropped. */
export function grade(finding: LintFinding, judgement: Judgement): LintFinding | undefined {
  if (judgement.stance === "not-cluster") return undefined;
  if (judgement.stance === "cluster") return { ...finding, evidence: judgement.why };
  return { ...finding, severity: "note", message: `If this Redis runs in cluster mode: ${finding.message}`, evidence: judgement.why };
}
