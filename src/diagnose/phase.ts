// The phase of an incident, read from the evidence and timed by cluster-node-timeout (NT):
// - developing: a fault shows on the bus or in probes, and Redis has not done yet what it will do about
//   it (peers flag a node PFAIL once a PING waited NT, FAIL once a majority of masters report it, then a
//   replica takes over its slots);
// - settled: Redis has done what it will do, or has had the time to;
// - recovering: links answer again, while flags, failovers or cluster_state have not caught up (Redis
//   clears FAIL of a master that kept its slots 2 x NT after it is reachable again).
// Pure: reads the rule context and the arranged findings.
import type { NodeSummary } from "../model/analysis.js";
import { DATA_RISK_COMMANDS, type Evidence, type Finding, type FindingCode, type Fix, type Severity } from "../model/finding.js";
import type { LinkCell } from "../model/links.js";
import type { Phase, PhaseName, PhaseStep } from "../model/phase.js";
import { isLinkBroken } from "./analyze/linkState.js";
import { faultAgeMs } from "./bus.js";
import type { Arranged } from "./engine.js";
import { TOOL } from "./evidence.js";
import { healingOf } from "./healing.js";
import type { RuleContext } from "./rule.js";
import { clockTime, joinNames, seconds } from "./words.js";

/** Margins on Redis's own timers: its cron runs every 100 ms, gossip spreads reports within a second or two. */
const MARGIN_MS = 1000;

/** Broken cells to or from the nodes, from every view (a node that is down is not in the bus picture). */
function brokenAround(context: RuleContext, nodes: ReadonlySet<string>): LinkCell[] {
  const thresholds = { pendingMs: context.analysis.pendingThresholdMs, pongStaleMs: context.analysis.pongStaleThresholdMs };
  const cells = new Set<LinkCell>();
  for (const address of nodes) {
    for (const cell of [...(context.linksTo.get(address) ?? []), ...(context.linksFrom.get(address) ?? [])]) {
      if (isLinkBroken(cell.state, thresholds)) cells.add(cell);
    }
  }
  return [...cells];
}

/** How long ago the causes' fault first showed: its oldest unanswered PING, or since peers last heard a node that is gone. */
function faultAge(context: RuleContext, broken: readonly LinkCell[], causeNodes: ReadonlySet<string>): number {
  if (broken.length > 0) return Math.max(...broken.map((cell) => faultAgeMs(cell.state)));
  let heard = Number.POSITIVE_INFINITY;
  for (const address of causeNodes) {
    for (const cell of context.linksTo.get(address) ?? [])
      if (cell.state.kind === "ok" && cell.state.pongAgeMs !== null) heard = Math.min(heard, cell.state.pongAgeMs);
  }
  return Number.isFinite(heard) ? heard : 0;
}

/** The longest wait of an unanswered PING: PFAIL comes cluster-node-timeout after it was sent. */
function longestPending(broken: readonly LinkCell[]): number {
  let longest = 0;
  for (const cell of broken) if (cell.state.kind === "ping-pending") longest = Math.max(longest, cell.state.pendingMs);
  return longest;
}

function step(what: string, atMs: number): PhaseStep {
  return { what, atMs };
}

interface Reading {
  name: PhaseName;
  summary: string;
  evidence: Evidence[];
  faultSinceMs: number | null;
  next: PhaseStep | null;
  lookAgainAtMs: number | null;
}

/**
 * Whether enough masters outside the fault can still talk to make the majority that flags a node FAIL:
 * more than half of the masters that serve slots (cluster_size), not counting the ones the fault cuts off.
 */
function masterQuorumLeft(context: RuleContext, faulty: ReadonlySet<string>): boolean {
  const masters = context.analysis.nodes.filter((node) => node.role === "master" && node.slots.length > 0);
  const reporting = masters.filter((node) => !faulty.has(node.address) && node.response.kind === "answering");
  return reporting.length * 2 > masters.length;
}

/** The master's replicas, split by whether one could win the election once the master is FAIL. */
function replicasOf(context: RuleContext, node: NodeSummary): { able: NodeSummary[]; unable: NodeSummary[] } {
  const replicas = context.analysis.nodes.filter((other) => other.masterAddress === node.address && other.role === "slave");
  // `slave,nofailover` (cluster-replica-no-failover yes) never starts an election; a replica that is
  // itself FAIL or does not answer cannot either.
  const able = replicas.filter((replica) => !replica.noFailover && replica.flaggedAs !== "fail" && replica.response.kind === "answering");
  return { able, unable: replicas.filter((replica) => !able.includes(replica)) };
}

/** A master that serves slots and has a replica able to take over: Redis will promote it once the master is FAIL. */
function failoverDue(context: RuleContext, node: NodeSummary): boolean {
  if (node.role !== "master" || node.slots.length === 0) return false;
  if (context.failovers.some((failover) => failover.oldMaster === node.address)) return false;
  return replicasOf(context, node).able.length > 0;
}

/** Why no replica will take over a master that serves slots: "127.0.0.17:6379 has nofailover". */
function noFailoverEvidence(context: RuleContext, nodes: readonly NodeSummary[]): Evidence[] {
  return nodes
    .filter(
      (node) =>
        node.role === "master" &&
        node.slots.length > 0 &&
        !context.failovers.some((failover) => failover.oldMaster === node.address) &&
        !failoverDue(context, node),
    )
    .map((node) => {
      const { unable } = replicasOf(context, node);
      const why = unable.map(
        (replica) =>
          `${replica.address} ${replica.noFailover ? "has nofailover (cluster-replica-no-failover yes)" : replica.flaggedAs === "fail" ? "is flagged fail itself" : "does not answer"}`,
      );
      return {
        source: TOOL,
        what: "phase",
        detail: `no replica will take over the slots of ${node.address}: ${why.length === 0 ? "it has none" : why.join("; ")}`,
      };
    });
}

function faultPhase(context: RuleContext, causes: readonly Finding[]): Reading {
  const { takenAtMs: now, nodeTimeoutMs: timeout } = context;
  const nodes = new Set(causes.flatMap((finding) => finding.nodes));
  const around = brokenAround(context, nodes);
  const age = faultAge(context, around, nodes);
  const since = now - age;
  const named = joinNames([...nodes].slice(0, 3)) + (nodes.size > 3 ? ` and ${nodes.size - 3} more` : "");
  const evidence: Evidence[] = [
    {
      source: TOOL,
      what: "phase",
      detail: `the fault first showed about ${seconds(age)} ago (oldest unanswered PING, or since peers last heard ${named}); cluster-node-timeout ${timeout} ms`,
    },
  ];
  // Faults Redis never flags (a one-way block, one pair) are settled once they are older than NT.
  if (causes.every((finding) => finding.severity !== "critical")) {
    if (age < timeout) {
      const next = step("peers would flag PFAIL if they lost the node both ways (a one-way block stays invisible to Redis 7)", since + timeout);
      return {
        name: "developing",
        summary: `developing: the fault showed ${seconds(age)} ago, less than cluster-node-timeout (${timeout} ms): it may still grow`,
        evidence,
        faultSinceMs: since,
        next,
        lookAgainAtMs: next.atMs + MARGIN_MS,
      };
    }
    return {
      name: "settled",
      summary: `settled: the fault is ${seconds(age)} old, past cluster-node-timeout (${timeout} ms), and Redis does not flag it`,
      evidence,
      faultSinceMs: since,
      next: null,
      lookAgainAtMs: null,
    };
  }
  const summaries = [...nodes].map((address) => context.nodeAt.get(address)).filter((node) => node !== undefined);
  const flaggedCells = around.filter((cell) => cell.state.kind === "pfail" || cell.state.kind === "fail").length;
  // PFAIL is done once most views that lost the node flag it (each view flags on its own timer).
  const pfailDone = around.length > 0 ? flaggedCells * 2 > around.length : summaries.every((node) => node.flaggedBy * 2 > node.listedBy);
  const failSeen = summaries.some((node) => node.flaggedAs === "fail");
  const failPossible = masterQuorumLeft(context, nodes);
  // Only a node most views flag fail gets failed over (in a partition, the minority side's masters).
  const due = summaries.filter((node) => node.flaggedAs === "fail" && node.flaggedBy * 2 > node.listedBy && failoverDue(context, node));
  for (const node of summaries.filter((candidate) => candidate.flaggedAs !== null)) {
    evidence.push({ source: TOOL, what: "phase", detail: `${node.flaggedBy} of ${node.listedBy} views flag ${node.address} ${node.flaggedAs}` });
  }
  const noTakeover = noFailoverEvidence(context, summaries);
  evidence.push(...noTakeover);
  if (!failPossible) evidence.push({ source: TOOL, what: "phase", detail: "too few masters outside the fault to make the majority that flags a node FAIL" });
  for (const failover of context.failovers) {
    evidence.push({
      source: TOOL,
      what: "phase",
      detail: `${failover.newMaster} took over the slots of ${failover.oldMaster} (config epoch ${failover.configEpoch})`,
    });
  }
  let next: PhaseStep | null = null;
  if (!pfailDone && age < timeout + MARGIN_MS) next = step(`peers flag ${named} PFAIL`, now - longestPending(around) + timeout);
  else if (!failSeen && failPossible && age < 2 * timeout + MARGIN_MS)
    next = step(`peers flag ${named} FAIL once a majority of masters report it`, since + 2 * timeout);
  else if (failSeen && due.length > 0 && age < 3 * timeout + 2 * MARGIN_MS) {
    next = step(`a replica takes over the slots of ${joinNames(due.map((node) => node.address))}`, since + 2 * timeout + 2 * MARGIN_MS);
  }
  if (next !== null) {
    next = { ...next, atMs: Math.max(next.atMs, now) };
    return {
      name: "developing",
      summary: `developing: the fault showed ${seconds(age)} ago; next, ${next.what} at about ${clockTime(next.atMs)} (in ${seconds(next.atMs - now)})`,
      evidence,
      faultSinceMs: since,
      next,
      lookAgainAtMs: next.atMs + MARGIN_MS,
    };
  }
  const it = nodes.size === 1 ? "it" : "them";
  const done =
    context.failovers.length > 0
      ? `Redis flagged ${it} fail and ${joinNames(context.failovers.map((failover) => `${failover.newMaster} took over the slots of ${failover.oldMaster}`))}`
      : failSeen
        ? `Redis flagged ${it} fail${noTakeover.length > 0 ? "; no replica will take over (see the evidence)" : ""}`
        : pfailDone
          ? failPossible
            ? `Redis flags ${it} PFAIL, but the masters did not agree on FAIL`
            : `Redis flags ${it} PFAIL; too few masters outside the fault to agree on FAIL`
          : `it is older than what Redis needs to act (${seconds(2 * timeout)})`;
  return { name: "settled", summary: `settled: the fault is ${seconds(age)} old and ${done}`, evidence, faultSinceMs: since, next: null, lookAgainAtMs: null };
}

/** Views that have not caught up although every link answers: flags on nodes that answer, cluster_state:fail. */
function unconverged(context: RuleContext): Evidence[] {
  const evidence: Evidence[] = [];
  for (const node of context.analysis.nodes) {
    // A node that forgot the cluster does not catch up by itself (stuckNodes names it).
    if (node.response.kind !== "answering" || context.forgotten.has(node.address)) continue;
    if (node.flaggedAs !== null)
      evidence.push({
        source: TOOL,
        what: "phase",
        detail: `${node.flaggedBy} of ${node.listedBy} views still flag ${node.address} ${node.flaggedAs}, though it answers`,
      });
    if (node.clusterState === "fail") evidence.push({ source: node.address, what: "CLUSTER INFO", detail: "cluster_state:fail" });
  }
  return evidence;
}

function recovering(context: RuleContext, evidence: Evidence[], why: string): Reading {
  const { takenAtMs: now, nodeTimeoutMs: timeout } = context;
  const next = step(
    `Redis clears the remaining flags (FAIL of a master that kept its slots 2 x cluster-node-timeout after it answers again) and cluster_state returns to ok`,
    now + 2 * timeout,
  );
  return {
    name: "recovering",
    summary: `recovering: ${why}; Redis converges by itself by about ${clockTime(next.atMs)} (in ${seconds(next.atMs - now)}): wait, then check again`,
    evidence,
    faultSinceMs: null,
    next,
    lookAgainAtMs: next.atMs + MARGIN_MS,
  };
}

/**
 * What Redis will not clear by itself, so that "recovering" (which promises it will, within a bound)
 * is never said of it: a node that forgot the cluster (nobody dials it, it dials nobody), and a node
 * still flagged by most views or still at cluster_state:fail although its bus links (CLUSTER LINKS)
 * have existed for more than 3 x NT: a blocked node's links are re-created about every NT, so the bus
 * has worked at least that long, past the 2 x NT after which Redis clears FAIL by itself.
 */
function stuckNodes(context: RuleContext): Array<{ address: string; evidence: Evidence }> {
  const stuck: Array<{ address: string; evidence: Evidence }> = [];
  for (const node of context.analysis.nodes) {
    if (node.response.kind !== "answering") continue;
    if (context.forgotten.has(node.address)) {
      stuck.push({
        address: node.address,
        evidence: { source: node.address, what: "CLUSTER NODES", detail: "lists no other node: it forgot the cluster, and no peer dials it" },
      });
      continue;
    }
    const flagged = node.flaggedBy * 2 > node.listedBy;
    if (!flagged && node.clusterState !== "fail") continue;
    const ageMs = context.linkAgeMs(node.address);
    if (ageMs !== null && ageMs > 3 * context.nodeTimeoutMs) {
      const detail = `the youngest bus link of ${node.address} is ${seconds(ageMs)} old, yet ${flagged ? "views still flag it" : "it still reports cluster_state:fail"}`;
      stuck.push({ address: node.address, evidence: { source: TOOL, what: "CLUSTER LINKS", detail } });
    }
  }
  return stuck;
}

function stuckReading(stuck: ReadonlyArray<{ address: string; evidence: Evidence }>, lagging: readonly Evidence[]): Reading {
  const nodes = stuck.map((entry) => entry.address);
  return {
    name: "settled",
    summary: `settled: the bus works, but ${joinNames(nodes)} ${nodes.length === 1 ? "is" : "are"} stuck where Redis does not recover by itself (see the evidence)`,
    evidence: [...stuck.map((entry) => entry.evidence), ...lagging].slice(0, 8),
    faultSinceMs: null,
    next: null,
    lookAgainAtMs: null,
  };
}

/** Every peer that has a view of the node hears it: a node busdoctor cannot reach is then fine for the cluster. */
function peersStillHear(context: RuleContext, address: string): boolean {
  const cells = (context.linksTo.get(address) ?? []).filter((cell) => cell.state.kind !== "unknown" && cell.state.kind !== "missing");
  return cells.length > 0 && cells.every((cell) => cell.state.kind === "ok");
}

function read(context: RuleContext, arranged: Arranged): Reading {
  const { looks, bus } = context;
  const causes = [arranged.rootCause, ...arranged.coRootCauses].filter((finding) => finding !== null);
  const lagging = unconverged(context);
  const gone = context.analysis.nodes.some(
    (node) => (node.response.kind === "unreachable" || node.response.kind === "unresponsive") && !peersStillHear(context, node.address),
  );
  const faulty = causes.some((finding) => finding.severity !== "info" && finding.code !== "TOPOLOGY_DRIFT");
  // Between two looks links of the fault still seen answered again and none broke: the bus heals.
  const healing = looks === null ? null : healingOf(bus, looks);
  if (
    looks !== null &&
    healing !== null &&
    (healing.healed.length > 0 || healing.busAnswersAgain.length > 0) &&
    looks.newlyBroken.length === 0 &&
    bus.brokenCells.length < Math.max(1, looks.brokenBefore)
  ) {
    const healed = `${healing.healed.length} of ${looks.brokenBefore} broken links healed since the first look`;
    const stuck = bus.brokenCells.length === 0 && !gone ? stuckNodes(context) : [];
    if (stuck.length > 0) return stuckReading(stuck, lagging);
    if (bus.brokenCells.length === 0 && lagging.length === 0 && !gone) {
      return {
        name: "settled",
        summary: `settled: the bus answers again (${healed}) and every view agrees`,
        evidence: [],
        faultSinceMs: null,
        next: null,
        lookAgainAtMs: null,
      };
    }
    const evidence: Evidence[] = [
      {
        source: TOOL,
        what: "two looks",
        detail: `${healing.healed.length} of ${looks.brokenBefore} bus links broken ${seconds(looks.intervalMs)} earlier answer again; none broke since`,
      },
      ...healing.busAnswersAgain.map((address) => ({
        source: TOOL,
        what: "TCP probe of the bus port",
        detail: `${address}: no answer in the first look, open now`,
      })),
      ...lagging,
    ];
    return recovering(context, evidence.slice(0, 8), `the bus answers again (${healed})`);
  }
  if (bus.brokenCells.length === 0 && !gone) {
    const stuck = stuckNodes(context);
    if (stuck.length > 0) return stuckReading(stuck, lagging);
    if (lagging.length > 0) return recovering(context, lagging.slice(0, 8), "every bus link answers, but some views have not caught up");
    return {
      name: "settled",
      summary: "settled: every bus link answers and the views agree",
      evidence: [],
      faultSinceMs: null,
      next: null,
      lookAgainAtMs: null,
    };
  }
  if (!faulty) return { name: "settled", summary: "settled: nothing Redis will act on", evidence: [], faultSinceMs: null, next: null, lookAgainAtMs: null };
  return faultPhase(
    context,
    causes.filter((finding) => finding.severity !== "info"),
  );
}

export function decidePhase(context: RuleContext, arranged: Arranged): Phase {
  const reading = read(context, arranged);
  return { ...reading, nodeTimeoutMs: context.nodeTimeoutMs, nodeTimeoutAssumed: context.analysis.nodeTimeoutMs === null };
}

/** While Redis converges by itself there is nothing to change: every fix is "wait, then check again". */
export function waitFix(phase: Phase, seeds: readonly string[]): Fix {
  const at = phase.lookAgainAtMs === null ? "a few seconds" : clockTime(phase.lookAgainAtMs);
  return {
    where: "nothing to change: Redis is converging by itself",
    lines: [
      `# wait until about ${at}, then check again:`,
      `busdoctor check ${seeds.join(" ") || "<any node>"}`,
      "# if it still shows then, the report names what is stuck",
    ],
  };
}

const CAP: Record<Severity, Severity> = { critical: "warning", warning: "warning", info: "info" };

/** Findings read off the link matrix: while the bus heals, the PINGs sent before the heal still show as them. */
const BUS_CODES: ReadonlySet<FindingCode> = new Set(["BUS_PORT_BLOCKED", "BUS_LINK_ONE_WAY", "BUS_PORT_NOT_LISTENING", "NETWORK_PARTITION"]);

/** While a fault develops, Redis is about to act (fail over, re-cover slots): no step that could lose data yet. */
function withoutDataRisk(finding: Finding): Finding {
  const fix = finding.fix.map((entry) => {
    const lines = entry.lines.filter((line) => !DATA_RISK_COMMANDS.test(line));
    return lines.length === entry.lines.length
      ? entry
      : { ...entry, lines: [...lines, "# (steps that can lose data only once Redis has settled: check again then)"] };
  });
  return { ...finding, fix };
}

/**
 * While recovering, nothing is to be done but wait: severities are capped at warning and every fix is
 * the wait. While developing, Redis is about to act: no step that could lose data. (No CLUSTER RESET,
 * --cluster fix, ADDSLOTS or FAILOVER TAKEOVER while Redis converges.)
 */
export function applyPhase(arranged: Arranged, phase: Phase, seeds: readonly string[]): Arranged {
  if (phase.name === "developing") {
    return {
      rootCause: arranged.rootCause && withoutDataRisk(arranged.rootCause),
      coRootCauses: arranged.coRootCauses.map(withoutDataRisk),
      consequences: arranged.consequences.map(withoutDataRisk),
      otherFindings: arranged.otherFindings,
    };
  }
  if (phase.name !== "recovering") return arranged;
  const wait = waitFix(phase, seeds);
  const calm = (finding: Finding): Finding => ({
    ...finding,
    severity: CAP[finding.severity],
    fix: finding.fix.length > 0 || finding.severity !== "info" ? [wait] : [],
  });
  // What the bus rules read off PINGs sent before the heal is the fault's leftover, not a fault: a note.
  const leftover = (finding: Finding): Finding => ({ ...finding, severity: "info", summary: `still settling after the heal: ${finding.summary}`, fix: [] });
  const actionable = [arranged.rootCause, ...arranged.coRootCauses, ...arranged.consequences].filter((finding) => finding !== null);
  const kept = actionable.filter((finding) => !BUS_CODES.has(finding.code)).map(calm);
  const [root = null, ...rest] = kept;
  return {
    rootCause: root,
    coRootCauses: [],
    consequences: rest,
    otherFindings: [...actionable.filter((finding) => BUS_CODES.has(finding.code)).map(leftover), ...arranged.otherFindings],
  };
}
