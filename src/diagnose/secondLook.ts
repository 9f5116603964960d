// What one snapshot cannot tell, and a second look a moment later can: a fresh fault from a path only
// busdoctor's host lacks, one-way from both ways, down from unreachable, a heal from a block between
// the nodes. With two looks in hand only evidence that is still thin remains (a node cut one way with
// nothing yet about the other way); `watch` holds its first alert on those. Pure.
import type { Phase } from "../model/phase.js";
import type { RuleContext } from "./rule.js";
import { nodeList } from "./words.js";

function involvedNodes(context: RuleContext): Set<string> {
  return new Set(context.bus.brokenCells.flatMap((cell) => [cell.observer, cell.peer]));
}

/** Peers' cells to the node are known and all answer: they heard it moments ago. */
function peersHear(context: RuleContext, address: string): boolean {
  const cells = (context.linksTo.get(address) ?? []).filter((cell) => cell.state.kind !== "unknown" && cell.state.kind !== "missing");
  return cells.length > 0 && cells.every((cell) => cell.state.kind === "ok");
}

/**
 * PINGs pending longer than this, while still under the threshold that counts them broken, are worth a
 * second look: a LAN round trip is well under a millisecond and a healthy view shows no PING pending at
 * all (none in 24 samples of a lab under redis-benchmark load), so a PING this old is a fault starting
 * (a node blocked outbound a moment ago shows nothing else yet), or a slow pong.
 */
const QUIET_PENDING_MS = 50;

/**
 * PINGs in flight at once, however young, worth a second look from this many on: a healthy view shows
 * none (24 samples under load, every recorded healthy snapshot), while 0.3 s into a partition one check
 * read three PINGs sent across it 0-30 ms before, and no other sign yet; in the view of 127.0.0.12:
 *   754cdccf... 127.0.0.11:7000@17100 master - 1796168342195 1796168341000 14 connected 0-5460
 */
const IN_FLIGHT_AT_ONCE = 2;

interface Pendings {
  /** Pending past QUIET_PENDING_MS but not yet counted broken. */
  quiet: number;
  /** Pending at all, not yet counted broken. */
  inFlight: number;
}

/** The PINGs the views show pending and not yet counted broken (nor flagged by Redis). */
function pendings(context: RuleContext): Pendings {
  const counts: Pendings = { quiet: 0, inFlight: 0 };
  for (const view of context.analysis.views) {
    const now = view.nowMs;
    if (now === null || view.nodes === null) continue;
    for (const entry of view.nodes) {
      if (entry.pingSentMs <= 0 || entry.myself || entry.flags.includes("fail?") || entry.flags.includes("fail")) continue;
      const pending = now - entry.pingSentMs;
      if (pending > context.analysis.pendingThresholdMs) continue;
      counts.inFlight += 1;
      if (pending >= QUIET_PENDING_MS) counts.quiet += 1;
    }
  }
  return counts;
}

function oneLookReasons(context: RuleContext, phase: Phase): string[] {
  const reasons: string[] = [];
  const { quiet, inFlight } = pendings(context);
  if (quiet > 0)
    reasons.push(`${quiet} PING(s) unanswered for more than ${QUIET_PENDING_MS} ms, not yet counted as broken: a fault a moment old, or a slow pong`);
  else if (inFlight >= IN_FLIGHT_AT_ONCE)
    reasons.push(`${inFlight} PINGs in flight at once, where a healthy bus answers each in well under a millisecond: a fault a moment old, or a busy bus`);
  const involved = involvedNodes(context);
  // (A node cut outbound cannot reach anyone: its own broken cells say nothing about its peers' ports.)
  const cutOut = new Set(context.bus.isolated.filter((isolated) => isolated.direction !== "in").map((isolated) => isolated.node));
  const unreached = new Set(context.bus.brokenCells.filter((cell) => !cutOut.has(cell.observer)).map((cell) => cell.peer));
  const toolOnly: string[] = [];
  const goneHeard: string[] = [];
  const slowHeard: string[] = [];
  const reachedHere: string[] = [];
  const refusedHeard: string[] = [];
  // Only nodes in one of these cases have their peers' cells looked at: a healthy 1000-node cluster
  // never groups its million cells by peer.
  for (const node of context.analysis.nodes) {
    const busState = node.busProbe?.state;
    const heard = (): boolean => peersHear(context, node.address);
    if (node.response.kind === "answering" && !involved.has(node.address) && (busState === "timeout" || busState === "unreachable") && heard())
      toolOnly.push(node.address);
    if (node.response.kind === "answering" && !involved.has(node.address) && busState === "refused" && heard()) refusedHeard.push(node.address);
    if (node.response.kind === "unreachable" && heard()) goneHeard.push(node.address);
    if (node.response.kind === "unresponsive" && heard()) slowHeard.push(node.address);
    // Peers cannot reach the node (or most flag it), yet busdoctor's probe of its bus port is answered.
    if (node.response.kind === "answering" && busState === "open" && (unreached.has(node.address) || node.flaggedBy * 2 > node.listedBy))
      reachedHere.push(node.address);
  }
  if (toolOnly.length > 0)
    reasons.push(
      `busdoctor gets no answer from the bus port of ${nodeList(toolOnly)} while peers heard it moments ago: a block only this host sees, or a fault seconds old`,
    );
  if (goneHeard.length > 0)
    reasons.push(`${nodeList(goneHeard)} does not answer busdoctor while peers heard it moments ago: down a moment ago, or cut off from this host only`);
  if (slowHeard.length > 0) reasons.push(`${nodeList(slowHeard)} connected but did not answer in time while peers still hear it: one slow reply, or hung`);
  if (refusedHeard.length > 0)
    reasons.push(
      `the announced bus port of ${nodeList(refusedHeard)} refuses busdoctor while peers still hear it over links made before: they fail as they re-dial it`,
    );
  if (reachedHere.length > 0)
    reasons.push(
      `busdoctor reaches the bus port of ${nodeList(reachedHere)} while peers do not (or still flag it): a block between the nodes, or one lifted a moment ago`,
    );
  for (const cell of context.bus.strayPairs) {
    for (const address of [cell.observer, cell.peer]) {
      if (context.nodeAt.get(address)?.busProbe?.state !== "timeout") continue;
      reasons.push(
        `the bus port of ${address} gives busdoctor no answer while only ${address === cell.peer ? cell.observer : cell.peer} fails with it so far: one pair, or the start of a block of ${address}`,
      );
    }
  }
  // A node announcing another bus port than its peers list for it: a change they have not learnt yet.
  const moving = context.analysis.views.flatMap((view) => {
    const own = view.nodes?.find((entry) => entry.myself);
    const listed = context.nodeAt.get(view.observer)?.busPort ?? null;
    return own && listed !== null && own.cport > 0 && own.cport !== listed ? [`${view.observer} (announces ${own.cport}, listed as ${listed})`] : [];
  });
  if (moving.length > 0) reasons.push(`${nodeList(moving)}: a bus port change its peers have not learnt yet`);
  if (phase.name === "developing" && phase.faultSinceMs !== null && context.takenAtMs - phase.faultSinceMs < context.nodeTimeoutMs) {
    reasons.push("the fault is younger than cluster-node-timeout: more peers show it in a moment");
  }
  if (phase.name === "recovering") reasons.push("views still flag nodes whose links answer: converging, or stuck");
  return reasons;
}

export function secondLookReasons(context: RuleContext, phase: Phase): string[] {
  const reasons: string[] = [];
  for (const isolated of context.bus.isolated) {
    if (!isolated.undecided) continue;
    const cut = isolated.direction === "in" ? "inbound" : "outbound";
    reasons.push(`${isolated.node} is cut ${cut} and nothing since the fault tells about the other way yet`);
  }
  for (const [a, b] of context.bus.undecidedPairs)
    reasons.push(`${a} and ${b} so far fail only with each other: one pair, or the start of a block of one of them`);
  return [...new Set([...reasons, ...(context.looks === null ? oneLookReasons(context, phase) : [])])];
}
