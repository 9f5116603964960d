// OPEN_BUS and WAIT_FOR_RECOVERY: the bus path first, then time for Redis to reconcile by itself.
// The rule text comes from the diagnosis's generators (src/diagnose/fixes/bus.ts); this file only picks
// the layer the evidence points at, the targets and the peers, both directions, only node addresses.
import { hostOf } from "../../cluster/address.js";
import { busNotListeningFixes, cloudFixes, hostFirewallFixes, kubernetesFixes } from "../../diagnose/fixes/bus.js";
import type { CutDirection } from "../../diagnose/bus.js";
import { busIp, busTarget } from "../../diagnose/rules/busShared.js";
import type { NodeSummary } from "../../model/analysis.js";
import type { Evidence, Finding, Fix } from "../../model/finding.js";
import type { Check } from "../model.js";
import { rootCauses, type PlanContext, type StepDraft } from "./context.js";

/** What Redis waits before it clears FAIL of a master that kept its slots (CLUSTER_FAIL_UNDO_TIME_MULT). */
const FAIL_UNDO_TIME_MULT = 2;

const BUS_CAUSES: ReadonlySet<Finding["code"]> = new Set(["BUS_PORT_BLOCKED", "BUS_LINK_ONE_WAY", "BUS_PORT_NOT_LISTENING", "NETWORK_PARTITION"]);

/** Where the evidence says the block sits, and so which rule to show first. */
type Layer = "host" | "between-nodes" | "shared" | "listener";

interface BusCut {
  targets: NodeSummary[];
  direction: CutDirection;
  /** Addresses of the peers that must reach the targets' bus (and be reached). */
  peers: string[];
  layer: Layer;
  summary: string;
}

/** The finding of the diagnosis that names these nodes, for the step's evidence. */
function findingFor(context: PlanContext, addresses: readonly string[]): Finding | null {
  const findings = [...rootCauses(context.diagnosis), ...context.diagnosis.consequences, ...context.diagnosis.otherFindings];
  return (
    findings.find((finding) => BUS_CAUSES.has(finding.code) && finding.severity !== "info" && addresses.some((address) => finding.nodes.includes(address))) ??
    null
  );
}

function layerOf(node: NodeSummary): Layer {
  const probe = node.busProbe?.state;
  if (probe === "refused") return "listener";
  // Open from busdoctor's host while peers cannot get through: the rule filters by source (a security
  // group or NetworkPolicy that admits this host but not the nodes), not the node's own firewall.
  return probe === "open" ? "between-nodes" : "host";
}

function cutsOf(context: PlanContext): BusCut[] {
  const { bus, analysis } = context.current;
  const nodeAt = new Map(analysis.nodes.map((node) => [node.address, node]));
  const nodes = (addresses: readonly string[]): NodeSummary[] => addresses.flatMap((address) => nodeAt.get(address) ?? []);
  if (bus.everyPairBroken) {
    return [{ targets: nodes(bus.judged), direction: "both", peers: bus.judged, layer: "shared", summary: "every node's bus port, between all nodes" }];
  }
  const cuts: BusCut[] = [];
  if (bus.partition) {
    const [smallest, ...rest] = bus.partition;
    if (smallest)
      cuts.push({
        targets: nodes(smallest),
        direction: "both",
        peers: rest.flat(),
        layer: "between-nodes",
        summary: `between {${smallest.join(", ")}} and {${rest.flat().join(", ")}}`,
      });
  }
  for (const isolated of bus.isolated) {
    const node = nodeAt.get(isolated.node);
    if (!node) continue;
    const peers = bus.judged.filter((address) => address !== node.address);
    cuts.push({ targets: [node], direction: isolated.direction, peers, layer: layerOf(node), summary: `the bus port of ${node.address}` });
  }
  // Pairs no isolated node or partition explains: the peer's bus, for that one observer.
  const pairs = new Map<string, string[]>();
  for (const cell of bus.strayPairs) pairs.set(cell.peer, [...(pairs.get(cell.peer) ?? []), cell.observer]);
  for (const [peer, observers] of pairs) {
    const node = nodeAt.get(peer);
    if (node)
      cuts.push({ targets: [node], direction: "in", peers: observers, layer: layerOf(node), summary: `the bus port of ${peer} from ${observers.join(", ")}` });
  }
  return cuts;
}

/**
 * The rules host-audit found blocking the node's bus port on its host, removed exactly: an nftables
 * rule by its handle, an iptables rule by its number (highest first, so the others keep theirs). A
 * chain policy cannot be deleted: then the generic accept rules stay first.
 */
function auditedFixes(context: PlanContext, node: NodeSummary, generic: readonly Fix[]): Fix[] {
  const audit = context.hostFirewalls.find((entry) => entry.node === node.address);
  const blocks = (audit?.blocks ?? []).filter((block) => block.role === "bus");
  const nft = blocks.filter((block) => block.source === "nftables" && block.handle !== null);
  const iptables = blocks
    .filter((block) => block.source === "iptables" && /^rule \d+$/.test(block.ref))
    .sort((a, b) => Number(b.ref.slice(5)) - Number(a.ref.slice(5)));
  if (nft.length + iptables.length === 0) return [];
  const lines = [
    `# host-audit on ${hostOf(node.address)} found ${blocks.length} rule(s) blocking the bus port ${node.busPort ?? ""}; remove them:`,
    ...nft.map((block) => `nft delete rule ${block.family} ${block.table} ${block.chain} handle ${block.handle}   # ${block.rule} (${block.direction})`),
    ...iptables.map((block) => `iptables -t ${block.table} -D ${block.chain} ${block.ref.slice(5)}   # ${block.rule} (${block.direction})`),
  ];
  const rest = blocks.length - nft.length - iptables.length;
  const [hostRules] = generic;
  if (rest > 0 && hostRules)
    lines.push(`# and ${rest} more (a chain policy): let the peers through before it:`, ...hostRules.lines.filter((line) => line.startsWith("nft insert")));
  return [{ where: `nftables/iptables on the host of ${hostOf(node.address)} (found by busdoctor host-audit)`, lines }];
}

/** The fixes for a cut, the layer the evidence points at first (exact, when host-audit saw the rules). */
function fixesFor(context: PlanContext, cut: BusCut): Fix[] {
  const first = cut.targets[0];
  if (!first) return [];
  const nodeAt = new Map(context.current.analysis.nodes.map((node) => [node.address, node]));
  const ordered = layered(cut, first, (address) => busIp(nodeAt.get(address), address));
  return cut.targets.length === 1 ? [...auditedFixes(context, first, ordered), ...ordered] : ordered;
}

/**
 * The generators' rules for the cut, the layer the probes point at first. `busIpOf`: where a peer's bus
 * connections come from (not a Valkey client address).
 */
function layered(cut: BusCut, first: NodeSummary, busIpOf: (address: string) => string): Fix[] {
  const target = busTarget(first);
  const peerIps = [...new Set(cut.peers.filter((address) => !cut.targets.some((node) => node.address === address)).map(busIpOf))];
  const host = hostFirewallFixes(target, cut.direction, cut.layer === "shared" ? [...new Set(cut.peers.map(busIpOf))] : peerIps);
  const cloud = cloudFixes(target, cut.direction);
  const kubernetes = kubernetesFixes(target);
  switch (cut.layer) {
    case "listener":
      return [...busNotListeningFixes(target), ...host];
    case "host":
      return [...host, ...cloud, ...kubernetes];
    case "between-nodes":
    case "shared":
      return [...cloud, ...kubernetes, ...host];
  }
}

const LAYER_WORDS: Record<Layer, string> = {
  host: "busdoctor's own probe of the bus port is filtered too: the rule most likely sits on the node's host (or a network ACL in front of it)",
  "between-nodes":
    "busdoctor's own probe of the bus port gets through while the peers' do not: the rule filters by source (a security group or NetworkPolicy that admits this host but not the nodes)",
  shared: "every node's bus is blocked for every peer: a rule common to all nodes (a security group, a NetworkPolicy, a base firewall policy)",
  listener: "the bus port refuses connections: nothing listens at the announced port, or a REJECT rule answers for it",
};

function openBusStep(context: PlanContext, cut: BusCut): StepDraft | null {
  const [primary, ...others] = fixesFor(context, cut);
  if (!primary) return null;
  const addresses = cut.targets.map((node) => node.address);
  const finding = findingFor(context, addresses);
  const why: Evidence[] = [
    ...(finding ? [{ source: "busdoctor", what: finding.code, detail: finding.summary }, ...finding.evidence.slice(0, 4)] : []),
    { source: "busdoctor", what: "layer", detail: LAYER_WORDS[cut.layer] },
  ];
  const expect: Check[] = addresses.map((address) => ({ kind: "bus-healthy", address }));
  return {
    code: "OPEN_BUS",
    class: "safe",
    by: "operator",
    title: `open ${cut.summary} (${cut.direction === "both" ? "both directions" : cut.direction === "in" ? "inbound" : "outbound"})`,
    targets: addresses,
    commands: primary.lines,
    where: primary.where,
    action: null,
    why,
    preconditions: [],
    expect,
    verifyWithinMs: context.nodeTimeoutMs,
    verify: "busdoctor fix re-collects: no ping to or from these nodes stays pending, no PONG is stale",
    risk: "None for keys: the rule only lets the cluster's own nodes reach each other's bus port, and Redis then reconciles by itself.",
    undo: [],
    alternatives: others.map((fix) => ({ where: fix.where, lines: fix.lines })),
  };
}

export function openBusSteps(context: PlanContext): StepDraft[] {
  return cutsOf(context).flatMap((cut) => openBusStep(context, cut) ?? []);
}

/**
 * After the bus is open, or while a fault is still unfolding: nothing but time. A master that kept its
 * slots has its FAIL cleared 2 x node-timeout after the failure; a failed-over one comes back as a replica.
 */
export function waitStep(context: PlanContext, afterOpening: boolean): StepDraft | null {
  const { phase, nodeTimeoutMs } = context;
  if (!afterOpening && phase.name === "settled") return null;
  const forMs = FAIL_UNDO_TIME_MULT * nodeTimeoutMs;
  // A fault still developing without a bus cause (a node that died) ends in a new settled state, not a
  // healthy one: then the expected change is only that the bus is quiet; the plan after it says the rest.
  const healing = afterOpening || phase.name === "recovering";
  const expect: Check[] = healing
    ? [
        { kind: "bus-healthy", address: null },
        { kind: "not-flagged", address: null },
        { kind: "cluster-ok", address: null },
      ]
    : [];
  return {
    code: "WAIT_FOR_RECOVERY",
    class: "safe",
    by: "busdoctor",
    title: afterOpening
      ? `once the bus is open, wait ${forMs / 1000} s (2 x cluster-node-timeout) for Redis to clear FAIL flags, then look again`
      : `wait ${Math.max(0, Math.round(((phase.lookAgainAtMs ?? 0) - context.current.takenAtMs) / 1000))} s: the cluster is ${phase.name}, then look again`,
    targets: [],
    commands: [`sleep ${Math.ceil(forMs / 1000)}`, "busdoctor fix <seeds>"],
    where: null,
    action: { kind: "wait", untilMs: afterOpening ? null : phase.lookAgainAtMs, forMs },
    why: [{ source: "busdoctor", what: "phase", detail: phase.summary }],
    preconditions: healing ? [{ kind: "bus-healthy", address: null }] : [],
    expect,
    // Redis needs a ping round after the wait to show what it cleared.
    verifyWithinMs: context.nodeTimeoutMs,
    verify: healing
      ? "busdoctor re-collects: every link answers, no node is flagged fail, every node reports cluster_state:ok"
      : "busdoctor re-collects and plans again from what the cluster settled into",
    risk: "None: nothing is sent; running CLUSTER RESET, --cluster fix, ADDSLOTS or FAILOVER TAKEOVER in these seconds instead is what loses keys.",
    undo: [],
    alternatives: [],
  };
}
