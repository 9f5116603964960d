// MEET_NODE and FORGET_GHOST: who belongs to the cluster. A MEET goes only to a node that proves, at
// its address, who it is and that it knows this cluster's masters (a MEET to another cluster's node
// merges the two). A FORGET goes only to a ghost: no slots, no replica, failed in every view, and
// nothing answers as it at its address; it is sent to every node at once, since each node bans the id
// for 60 s only (CLUSTER_BLACKLIST_TTL) and would otherwise learn it back from another's gossip.
import { forgottenNodes } from "../../diagnose/forgotten.js";
import type { ClusterNodeEntry } from "../../model/cluster.js";
import type { Evidence } from "../../model/finding.js";
import { evaluateCheck } from "../checks.js";
import type { Check } from "../model.js";
import { entryFor, isFlaggedFail, slotOwnerIds, type AnsweringView } from "../reading.js";
import { EMPTY, mergeParts, redisCli, shortId, type PartPlan, type PlanContext } from "./context.js";

function meetFor(context: PlanContext, node: AnsweringView, forgotten: ReadonlySet<string>): PartPlan {
  // A node that forgot the cluster (it lists only itself) is no member to send a MEET from: a MEET it
  // sent would make it one, unproven (its own MEET is refused below).
  const others = context.views.filter((view) => view !== node && !forgotten.has(view.node.address));
  const { id, ip, port, cport } = node.own;
  const stale = others.filter((view) => {
    const entry = entryFor(view, id);
    return entry !== null && (entry.flags.includes("noaddr") || entry.address !== node.own.address);
  });
  const lacking = others.filter((view) => entryFor(view, id) === null);
  const targets = [...lacking, ...stale];
  if (targets.length === 0 || ip === "" || port <= 0) return EMPTY;
  const masters = slotOwnerIds(others).filter((master) => master !== id);
  const address = node.node.address;
  const identity: Check[] = [
    { kind: "answers-as", address, id },
    { kind: "knows-ids", address, ids: masters },
  ];
  const meet = ["CLUSTER", "MEET", ip, String(port), String(cport)];
  const commands = targets.map((view) => redisCli(context, view.node.address, meet));
  const why: Evidence[] = [
    { source: address, what: "CLUSTER MYID", detail: id },
    ...lacking.slice(0, 3).map((view): Evidence => ({ source: view.node.address, what: "CLUSTER NODES", detail: `does not list ${shortId(id)} (${address})` })),
    ...stale.slice(0, 3).map((view): Evidence => ({ source: view.node.address, what: "CLUSTER NODES", detail: entryFor(view, id)?.line ?? "" })),
  ];
  const knows = evaluateCheck(identity[1] as Check, context.current);
  if (masters.length === 0 || knows.holds !== true) {
    return {
      ...EMPTY,
      refusals: [
        {
          code: "MEET_IDENTITY_UNPROVEN",
          commands,
          targets: targets.map((view) => view.node.address),
          why: `${address} answers as ${shortId(id)} but its CLUSTER NODES does not list this cluster's masters (${knows.seen}): it belongs to another cluster or was reset, and a MEET would merge two clusters. Adding a new node is redis-cli --cluster add-node, not a recovery step.`,
          evidence: why,
        },
      ],
    };
  }
  return {
    steps: [
      {
        code: "MEET_NODE",
        class: "safe",
        by: "busdoctor",
        title: `meet ${address} (${shortId(id)}) again from ${targets.length} node(s) that ${stale.length > 0 ? "hold a stale address for it or " : ""}lack it`,
        targets: targets.map((view) => view.node.address),
        commands,
        where: null,
        action: { kind: "meet", ip, port, busPort: cport },
        why,
        preconditions: [...identity, ...lacking.map((view): Check => ({ kind: "lacks", observer: view.node.address, id }))],
        expect: targets.map((view): Check => ({ kind: "lists", observer: view.node.address, id, at: node.own.address })),
        // A handshake takes a ping round; gossip then confirms the node's role and slots.
        verifyWithinMs: Math.max(3000, context.nodeTimeoutMs),
        verify: "busdoctor re-collects: every target lists the node at its address, not as a handshake",
        risk: "None for keys: the node proved at its address that it is this id and knows this cluster's masters, so the MEET only re-introduces a member (or updates its address).",
        undo: [],
        alternatives: [],
      },
    ],
    refusals: [],
    notes: [],
  };
}

interface Candidate {
  id: string;
  /** The client address views give it; null when every view has it noaddr. */
  address: string | null;
  listing: AnsweringView[];
  entries: ClusterNodeEntry[];
}

/** Ids that every answering view listing them flags failed, with the views that list them. */
function failedEverywhere(context: PlanContext): Candidate[] {
  const candidates = new Map<string, Candidate>();
  for (const view of context.views) {
    for (const entry of view.entries) {
      if (entry.myself || entry.flags.includes("handshake")) continue;
      const candidate = candidates.get(entry.id) ?? { id: entry.id, address: null, listing: [], entries: [] };
      candidate.listing.push(view);
      candidate.entries.push(entry);
      if (candidate.address === null && !entry.flags.includes("noaddr") && entry.ip !== "") candidate.address = entry.address;
      candidates.set(entry.id, candidate);
    }
  }
  return [...candidates.values()].filter((candidate) => candidate.entries.every(isFlaggedFail));
}

function forgetFor(context: PlanContext, candidate: Candidate, ghosts: readonly string[]): PartPlan {
  const { id, address, listing } = candidate;
  const targets = listing.map((view) => view.node.address);
  const forget = ["CLUSTER", "FORGET", id];
  const commands = targets.map((target) => redisCli(context, target, forget));
  const ghost: Check = { kind: "ghost", id };
  const absent: Check = { kind: "not-answering-as", address, id };
  const ghostResult = evaluateCheck(ghost, context.current);
  const absentResult = evaluateCheck(absent, context.current);
  const [sample] = candidate.entries;
  const why: Evidence[] = [
    ...(sample && listing[0] ? [{ source: listing[0].node.address, what: "CLUSTER NODES", detail: sample.line }] : []),
    { source: "busdoctor", what: "views", detail: ghostResult.seen },
    { source: "busdoctor", what: address === null ? "address" : `CLUSTER MYID at ${address}`, detail: absentResult.seen },
  ];
  if (ghostResult.holds !== true || absentResult.holds !== true) {
    const reason = absentResult.holds !== true ? `it answers as itself at ${address}: it is alive, and its bus is what fails` : ghostResult.seen;
    return {
      ...EMPTY,
      refusals: [
        {
          code: "FORGET_NOT_A_GHOST",
          commands,
          targets,
          why: `every other view flags ${shortId(id)} failed, but it is not a ghost: ${reason}. FORGET would drop a member from every view, and with it any slots it serves there and the master its replicas follow.`,
          evidence: why,
        },
      ],
    };
  }
  return {
    steps: [
      {
        code: "FORGET_GHOST",
        class: "safe",
        by: "busdoctor",
        title: `forget the ghost ${shortId(id)}${address ? ` (${address})` : ""} on all ${targets.length} node(s) that list it, within seconds`,
        targets,
        commands,
        where: null,
        action: { kind: "forget", nodeId: id },
        why,
        preconditions: [
          ghost,
          absent,
          { kind: "all-answer", except: [...ghosts] },
          ...targets.map((target): Check => ({ kind: "lists", observer: target, id, at: null })),
        ],
        expect: targets.map((target): Check => ({ kind: "lacks", observer: target, id })),
        verifyWithinMs: 2000,
        verify: "busdoctor re-collects: no node lists the id any more",
        risk: "None for keys: it serves no slot and nobody replicates it; should that host come back with this id, busdoctor fix plans a MEET for it.",
        undo: [],
        alternatives: [],
      },
    ],
    refusals: [],
    notes: [],
  };
}

export function membershipPlan(context: PlanContext): PartPlan {
  const forgotten = forgottenNodes(context.current.analysis);
  const meets = context.views.map((view) => meetFor(context, view, forgotten));
  const answeringIds = new Set(context.views.map((view) => view.own.id));
  const candidates = failedEverywhere(context);
  // A node that answers and that every other view fails is no ghost: said once, as a refusal.
  const ghosts = candidates.filter((candidate) => !answeringIds.has(candidate.id)).map((candidate) => candidate.id);
  const forgets = candidates.map((candidate) => forgetFor(context, candidate, ghosts));
  return mergeParts([...meets, ...forgets]);
}
