// CheckReport objects for the render tests, built from small realistic values: a 6-node cluster on
// 127.0.0.1-6:6379 (3 masters, 3 replicas) and real CLUSTER NODES lines in redis-server 7.0.15's
// format. The lead will add render tests over recorded snapshots; these cover every shape by hand.

import type { ClusterAnalysis, NodeSummary } from "../../../src/model/analysis.js";
import { MINIMUM_EVIDENCE, type Coverage } from "../../../src/model/coverage.js";
import type { Diagnosis, Finding } from "../../../src/model/finding.js";
import type { Phase } from "../../../src/model/phase.js";
import type { LinkCell, LinkState } from "../../../src/model/links.js";
import type { ProbeResult } from "../../../src/model/snapshot.js";
import type { CheckReport } from "../../../src/render/report.js";

export const IDS = [
  "3f1c2a9e4b7d8c0e1f2a3b4c5d6e7f8091a2b3c4",
  "a45b0c1d2e3f405162738495a6b7c8d9e0f1a2b3",
  "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca",
  "0b9e8d7c6b5a49382716f5e4d3c2b1a098765432",
  "5c0d7a1e9f3b2c4d6e8f0a1b3c5d7e9f1a3b5c7d",
  "9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3",
] as const;

export const address = (n: number): string => `127.0.0.${n}:6379`;

/** Node n's id: the fixed ones above for the 6-node cluster, a padded hex number past them. */
export const nodeId = (n: number): string => IDS[n - 1] ?? n.toString(16).padStart(40, "0");

const SLOTS: Record<number, { start: number; end: number }> = {
  1: { start: 0, end: 5460 },
  2: { start: 5461, end: 10922 },
  3: { start: 10923, end: 16383 },
};
/** Replica n -> its master. */
const MASTER_OF: Record<number, number> = { 4: 2, 5: 3, 6: 1 };

export function probe(n: number, port: number, state: ProbeResult["state"] = "open"): ProbeResult {
  return { host: `127.0.0.${n}`, port, state, ms: state === "timeout" ? 1000 : 1 };
}

/** Node n of the 6-node cluster, healthy unless overridden. */
export function node(n: number, overrides: Partial<NodeSummary> = {}): NodeSummary {
  const master = MASTER_OF[n];
  const slots = SLOTS[n];
  return {
    address: address(n),
    hostname: null,
    id: nodeId(n),
    role: master === undefined ? "master" : "slave",
    masterAddress: master === undefined ? null : address(master),
    noFailover: false,
    clientPort: 6379,
    busPort: 16379,
    response: { kind: "answering" },
    clientProbe: probe(n, 6379),
    busProbe: probe(n, 16379),
    clusterState: "ok",
    slots: slots ? [slots] : [],
    flaggedAs: null,
    flaggedBy: 0,
    listedBy: 5,
    ...overrides,
  };
}

/** The line observer's CLUSTER NODES prints for peer n, with the given flags and ping-sent. */
export function nodesLine(n: number, flags: string, pingSentMs = 0): string {
  const master = MASTER_OF[n];
  const masterId = master === undefined ? "-" : nodeId(master);
  const slots = SLOTS[n];
  const slotText = slots ? ` ${slots.start}-${slots.end}` : "";
  const role = master === undefined ? "master" : "slave";
  const flagText = flags === "" ? role : `${role},${flags}`;
  return `${nodeId(n)} ${address(n)}@16379 ${flagText} ${masterId} ${pingSentMs} 1714557590000 ${n <= 3 ? n : 1} connected${slotText}`;
}

export function cell(observer: number, peer: number, state: LinkState): LinkCell {
  return { observer: address(observer), peer: address(peer), state, connections: null, line: nodesLine(peer, "") };
}

/** A single-purpose analysis of nodes 1..count with exactly the given cells. */
export function analysisOf(count: number, cells: LinkCell[]): ClusterAnalysis {
  return analysis({ nodes: Array.from({ length: count }, (_, index) => node(index + 1)), links: cells });
}

/** Every observer -> peer cell of nodes 1..count, ok unless `state` says otherwise. */
export function links(count: number, state: (observer: number, peer: number) => LinkState | undefined = () => undefined): LinkCell[] {
  const cells: LinkCell[] = [];
  for (let observer = 1; observer <= count; observer += 1) {
    for (let peer = 1; peer <= count; peer += 1) {
      if (observer !== peer) cells.push(cell(observer, peer, state(observer, peer) ?? { kind: "ok", pongAgeMs: 250 }));
    }
  }
  return cells;
}

export function analysis(overrides: Partial<ClusterAnalysis> = {}): ClusterAnalysis {
  return {
    nodes: [1, 2, 3, 4, 5, 6].map((n) => node(n)),
    views: [],
    links: links(6),
    servers: [{ server: "Redis 7.0.15", nodes: 6 }],
    linksFromNodesOnly: [],
    nodeTimeoutMs: 3000,
    pendingThresholdMs: 1500,
    pongStaleThresholdMs: 1500,
    outOfScope: [],
    ...overrides,
  };
}

export const settledPhase: Phase = {
  name: "settled",
  summary: "settled: every bus link answers and the views agree",
  evidence: [],
  nodeTimeoutMs: 3000,
  nodeTimeoutAssumed: false,
  faultSinceMs: null,
  next: null,
  lookAgainAtMs: null,
};

/** Every command read from every node of the 6-node cluster, one look. */
export const fullCoverage: Coverage = {
  level: "full",
  minimum: MINIMUM_EVIDENCE,
  missing: [],
  assumptions: [],
  nodes: [1, 2, 3, 4, 5, 6].map((n) => ({
    address: address(n),
    read: ["PING", "CLUSTER MYID", "CLUSTER INFO", "CLUSTER NODES", "CLUSTER LINKS", "INFO", "CONFIG GET cluster-node-timeout", "CONFIG GET cluster-port"],
    notRead: [],
  })),
  looks: { count: 1, intervalMs: null, reasons: [] },
};

/** A diagnosis with the given parts; the rest as a healthy, fully read, settled cluster has them. */
export function diagnosisOf(parts: Partial<Diagnosis>): Diagnosis {
  return {
    health: "healthy",
    rootCause: null,
    coRootCauses: [],
    consequences: [],
    otherFindings: [],
    phase: settledPhase,
    coverage: fullCoverage,
    failovers: [],
    secondLook: [],
    ...parts,
  };
}

export const healthyDiagnosis: Diagnosis = diagnosisOf({});

export function report(overrides: Partial<CheckReport> = {}): CheckReport {
  return {
    generatedAt: "2024-05-01T10:00:00.000Z",
    seeds: [address(1)],
    durationMs: 142,
    firstLookMs: null,
    waitedMs: null,
    analysis: analysis(),
    diagnosis: healthyDiagnosis,
    ...overrides,
  };
}

export const busPortBlocked: Finding = {
  code: "BUS_PORT_BLOCKED",
  severity: "critical",
  nodes: [address(3)],
  summary: "the bus port of 127.0.0.3:6379 (16379) is blocked",
  evidence: [
    { source: "busdoctor", what: "TCP probe", detail: "127.0.0.3:16379 timeout after 1000 ms" },
    { source: address(1), what: "CLUSTER NODES", detail: nodesLine(3, "fail", 1714557595700) },
    { source: address(3), what: "CLUSTER INFO", detail: "cluster_state:fail" },
  ],
  explanation:
    "127.0.0.3:6379 answers on its client port 6379, but nothing reaches its bus port 16379: the other nodes stopped hearing its heartbeats, flagged it fail? after cluster-node-timeout (3000 ms) and then fail.",
  fix: [
    {
      where: "nftables on the host of 127.0.0.3",
      lines: ["nft add rule inet filter input tcp dport 16379 accept", "nft list ruleset | grep 16379"],
    },
    {
      where: "AWS security group of the cluster nodes",
      lines: ["aws ec2 authorize-security-group-ingress --group-id sg-XXXX --protocol tcp --port 16379 --source-group sg-XXXX"],
    },
  ],
};

export const clusterStateFail: Finding = {
  code: "CLUSTER_STATE_FAIL",
  severity: "critical",
  nodes: [1, 2, 3, 4, 5, 6].map(address),
  summary: "cluster_state:fail in 6 of 6 views",
  evidence: [{ source: address(1), what: "CLUSTER INFO", detail: "cluster_state:fail" }],
  explanation: "Clients get CLUSTERDOWN for every key while any slot is uncovered.",
  fix: [],
};

export const slotsUncovered: Finding = {
  code: "SLOTS_UNCOVERED",
  severity: "critical",
  nodes: [address(3)],
  summary: "slots 10923-16383 have no serving master in 5 views",
  evidence: [{ source: address(2), what: "CLUSTER NODES", detail: nodesLine(3, "fail") }],
  explanation: "Their master is flagged fail and no replica has been promoted yet.",
  fix: [],
};

export const topologyDrift: Finding = {
  code: "TOPOLOGY_DRIFT",
  severity: "warning",
  nodes: [address(5)],
  summary: "127.0.0.5:6379 knows 7 nodes, the others know 6",
  evidence: [{ source: address(5), what: "CLUSTER INFO", detail: "cluster_known_nodes:7" }],
  explanation: "A forgotten node still sits in one view.",
  fix: [{ where: "redis-cli", lines: ["redis-cli -h 127.0.0.5 -p 6379 CLUSTER FORGET <node-id>"] }],
};

/** Node 3's bus blocked both ways, before any failover: the issue's main scenario. */
export function blockedBusReport(): CheckReport {
  const isolated = (observer: number, peer: number): LinkState | undefined => {
    if (observer === 3) return { kind: "pfail", pendingMs: 4200, pongAgeMs: 5100 };
    if (peer === 3) return { kind: "fail", pendingMs: 4300, pongAgeMs: null };
    return undefined;
  };
  return report({
    analysis: analysis({
      nodes: [1, 2, 3, 4, 5, 6].map((n) =>
        node(n, {
          clusterState: "fail",
          ...(n === 3 ? { busProbe: probe(3, 16379, "timeout"), flaggedAs: "fail" as const, flaggedBy: 5 } : {}),
        }),
      ),
      links: links(6, isolated),
    }),
    diagnosis: diagnosisOf({
      health: "critical",
      rootCause: busPortBlocked,
      consequences: [clusterStateFail, slotsUncovered, topologyDrift],
      phase: {
        ...settledPhase,
        name: "developing",
        summary: "developing: the fault showed 4.3 s ago; next, a replica takes over the slots of 127.0.0.3:6379 at about 10:00:02 UTC (in 2.0 s)",
        faultSinceMs: 1714557595700,
        next: { what: "a replica takes over the slots of 127.0.0.3:6379", atMs: 1714557602000 },
        lookAgainAtMs: 1714557603000,
      },
    }),
  });
}
