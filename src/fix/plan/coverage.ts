// Slots the majority's views cannot serve because their owner is failed or missing: FORCE_FAILOVER and
// ASSIGN_ORPHAN_SLOTS (data-risk, printed only), refused outright while the owner is alive (it answers,
// or accepts connections, on its client port: the bus is what fails, and it holds the keys).
import type { SlotRange } from "../../model/cluster.js";
import type { Evidence } from "../../model/finding.js";
import { SLOT_COUNT, countSlots, formatRanges, gaps } from "../../diagnose/slots.js";
import type { Refusal } from "../model.js";
import { isFlaggedFail, type AnsweringView } from "../reading.js";
import { EMPTY, clusterWide, redisCli, shortId, type PartPlan, type PlanContext } from "./context.js";

/** Views outside the isolated nodes: theirs flag everyone, so they say nothing about coverage. */
export function majorityViews({ current, views }: Pick<PlanContext, "current" | "views">): AnsweringView[] {
  const isolated = new Set(current.bus.isolated.map((entry) => entry.node));
  const minority = new Set(current.bus.partition?.slice(0, -1).flat() ?? []);
  return views.filter((view) => !isolated.has(view.node.address) && !minority.has(view.node.address));
}

interface UncoveredOwner {
  /** The failed master's id, or null for slots no view assigns. */
  id: string | null;
  address: string | null;
  ranges: SlotRange[];
  replicas: string[];
  observer: string;
  line: string | null;
}

/** Per failed owner, the slots the majority's views cannot serve; the first view that shows each. */
export function uncoveredOwners(views: readonly AnsweringView[]): UncoveredOwner[] {
  const owners = new Map<string, UncoveredOwner>();
  const covered = new Uint8Array(SLOT_COUNT);
  for (const view of views) {
    for (const entry of view.entries) {
      if (entry.role !== "master") continue;
      for (const range of entry.slots) covered.fill(1, range.start, range.end + 1);
      if (!isFlaggedFail(entry) || entry.slots.length === 0 || owners.has(entry.id)) continue;
      const replicas = views.flatMap((other) =>
        other.entries.filter((replica) => replica.masterId === entry.id && !isFlaggedFail(replica)).map((replica) => replica.address),
      );
      owners.set(entry.id, {
        id: entry.id,
        address: entry.ip === "" ? null : entry.address,
        ranges: entry.slots,
        replicas: [...new Set(replicas)],
        observer: view.node.address,
        line: entry.line,
      });
    }
  }
  const unassigned = views.length > 0 && covered.indexOf(0) !== -1 ? gaps(covered) : [];
  const result = [...owners.values()];
  if (unassigned.length > 0) result.push({ id: null, address: null, ranges: unassigned, replicas: [], observer: views[0]?.node.address ?? "", line: null });
  return result;
}

export function orphanPlan(context: PlanContext, owner: UncoveredOwner, views: readonly AnsweringView[]): PartPlan {
  const slots = formatRanges(owner.ranges);
  const count = countSlots(owner.ranges);
  const seed = views[0]?.node.address ?? "";
  const ownerNode = owner.id === null ? undefined : context.current.analysis.nodes.find((node) => node.id === owner.id);
  const answering = ownerNode?.response.kind === "answering";
  const alive = answering || ownerNode?.clientProbe.state === "open";
  const evidence: Evidence[] = [
    ...(owner.line
      ? [{ source: owner.observer, what: "CLUSTER NODES", detail: owner.line }]
      : [{ source: owner.observer, what: "CLUSTER NODES", detail: `slots ${slots} are assigned to no master` }]),
    ...(ownerNode
      ? [
          {
            source: "busdoctor",
            what: `client port of ${ownerNode.address}`,
            detail: answering ? "answers (PING PONG, CLUSTER MYID)" : `TCP ${ownerNode.clientProbe.state}`,
          },
        ]
      : []),
  ];
  const addslots = [
    clusterWide(context, seed, "fix", ["--cluster-fix-with-unreachable-masters"]),
    ...owner.ranges.map((range) => redisCli(context, seed, ["CLUSTER", "ADDSLOTSRANGE", String(range.start), String(range.end)])),
  ];
  if (alive && ownerNode) {
    const refusals: Refusal[] = [
      {
        code: "ADDSLOTS_OWNER_ALIVE",
        commands: addslots,
        targets: [seed],
        why: `the ${count} slot(s) ${slots} look uncovered only because ${ownerNode.address}, their owner, is cut off on the bus: it ${answering ? "answers on its client port" : "accepts connections on its client port"} and holds their keys. ADDSLOTS (what redis-cli --cluster fix --cluster-fix-with-unreachable-masters does) would give them to another master, empty, and the keys on ${ownerNode.address} would be lost when it rejoins.`,
        evidence,
      },
    ];
    for (const replica of owner.replicas) {
      refusals.push({
        code: "FAILOVER_OWNER_ALIVE",
        commands: [redisCli(context, replica, ["CLUSTER", "FAILOVER", "TAKEOVER"])],
        targets: [replica],
        why: `${ownerNode.address} is alive: a forced failover to ${replica} would leave two masters for the same slots, and the writes the old master accepts meanwhile are lost when it yields.`,
        evidence,
      });
    }
    return { ...EMPTY, refusals };
  }
  if (context.phase.name !== "settled")
    return { ...EMPTY, notes: [`slots ${slots} have a failed owner, but the cluster is still ${context.phase.name}: Redis may yet promote a replica`] };
  const ownersUp = majorityOwnersUp(views);
  if (owner.replicas.length > 0) {
    const replica = owner.replicas[0] ?? "";
    const mode = ownersUp.up * 2 > ownersUp.total ? "FORCE" : "TAKEOVER";
    return {
      ...EMPTY,
      steps: [
        {
          code: "FORCE_FAILOVER",
          class: "data-risk",
          by: "operator",
          title: `promote ${replica} by hand for slots ${slots}: their master ${owner.address ?? shortId(owner.id ?? "")} is gone and no replica was elected`,
          targets: [replica],
          commands: [redisCli(context, replica, ["CLUSTER", "FAILOVER", mode])],
          where: null,
          action: null,
          why: [
            ...evidence,
            {
              source: "busdoctor",
              what: "masters up",
              detail: `${ownersUp.up} of ${ownersUp.total} slot-owning masters are up${mode === "TAKEOVER" ? ": too few to elect a replica, hence TAKEOVER" : ""}`,
            },
          ],
          preconditions: [],
          expect: [{ kind: "slot-owner", address: replica, slot: owner.ranges[0]?.start ?? 0 }],
          verifyWithinMs: 0,
          verify: "busdoctor fix again: the replica serves the slots and cluster_state is ok",
          risk: `Writes the old master took that never reached ${replica} are lost${mode === "TAKEOVER" ? ", and TAKEOVER bumps the epoch without agreement: if the old master returns it must yield" : ""}.`,
          undo: [],
          alternatives: [],
        },
      ],
    };
  }
  return {
    ...EMPTY,
    steps: [
      {
        code: "ASSIGN_ORPHAN_SLOTS",
        class: "data-risk",
        by: "operator",
        title: `give the ${count} slot(s) ${slots} to a living master: ${owner.id === null ? "no node owns them" : `their owner ${owner.address ?? shortId(owner.id)} is gone and has no replica`}`,
        targets: [seed],
        commands: addslots,
        where: null,
        action: null,
        why: evidence,
        preconditions: [],
        expect: [],
        verifyWithinMs: 0,
        verify: "busdoctor fix again: every slot is covered and cluster_state is ok",
        risk: "The keys those slots held are lost with their owner: the slots come back empty (restore them from a backup of that node if there is one).",
        undo: [],
        alternatives: [],
      },
    ],
  };
}

function majorityOwnersUp(views: readonly AnsweringView[]): { up: number; total: number } {
  const ids = new Map<string, boolean>();
  for (const view of views) {
    for (const entry of view.entries) {
      if (entry.role === "master" && entry.slots.length > 0) ids.set(entry.id, (ids.get(entry.id) ?? true) && !isFlaggedFail(entry));
    }
  }
  return { up: [...ids.values()].filter(Boolean).length, total: ids.size };
}
