// Slots: an open slot left by an interrupted migration (CLOSE_OPEN_SLOT, the only SETSLOT busdoctor
// sends is STABLE; FINISH_MIGRATION when keys sit on both sides), slots whose owner is failed
// (FORCE_FAILOVER, ASSIGN_ORPHAN_SLOTS: data-risk, printed only, refused while the owner is alive),
// and two masters claiming the same slots (RESOLVE_SPLIT_BRAIN, named by configEpoch).
import type { SlotRange } from "../../model/cluster.js";
import type { Evidence } from "../../model/finding.js";
import { SLOT_COUNT, countSlots, formatRanges, gaps } from "../../diagnose/slots.js";
import { readInteger } from "../evidence.js";
import type { Check, Refusal } from "../model.js";
import { answeringViews, isFlaggedFail, openSlots, ownersOf, type AnsweringView, type ClusterReading, type OpenSlot } from "../reading.js";
import { clusterWide, redisCli, shortId, type PlanContext, type StepDraft } from "./context.js";

export interface SlotPlan {
  steps: StepDraft[];
  refusals: Refusal[];
  notes: string[];
}

const EMPTY: SlotPlan = { steps: [], refusals: [], notes: [] };

function merge(plans: readonly SlotPlan[]): SlotPlan {
  return { steps: plans.flatMap((plan) => plan.steps), refusals: plans.flatMap((plan) => plan.refusals), notes: plans.flatMap((plan) => plan.notes) };
}

/** Answering masters: the nodes that may hold keys of a slot. */
function masters(views: readonly AnsweringView[]): AnsweringView[] {
  return views.filter((view) => view.own.role === "master");
}

/** "address slot:count" of every master's key count for the slot in a reading, to compare two readings. */
function keyCounts(reading: ClusterReading, addresses: readonly string[], slot: number): Map<string, number | null> {
  return new Map(addresses.map((address) => [address, readInteger(reading.reads, address, { kind: "countkeysinslot", slot })]));
}

/** The slot's open markers in every view, in one comparable line. */
function openMarkers(views: readonly AnsweringView[], slot: number): string {
  return openSlots(views)
    .filter((open) => open.slot === slot)
    .map((open) => `${open.address} ${open.direction} ${open.peerId}`)
    .sort()
    .join("; ");
}

function openSlotPlan(context: PlanContext, slot: number, open: readonly OpenSlot[], earlierViews: readonly AnsweringView[] | null): SlotPlan {
  const owners = ownersOf(context.views, slot);
  const owner = owners[0];
  const stable = ["CLUSTER", "SETSLOT", String(slot), "STABLE"];
  // Importing side first: it stops accepting ASKING imports before the owner stops redirecting.
  const sides = [...open].sort((a, b) => Number(a.direction === "migrating") - Number(b.direction === "migrating"));
  const targets = [...new Set(sides.map((side) => side.address))];
  const commands = targets.map((target) => redisCli(context, target, stable));
  const why: Evidence[] = sides.map((side) => ({
    source: side.address,
    what: "CLUSTER NODES (myself)",
    detail: `[${slot}${side.direction === "migrating" ? "->-" : "-<-"}${side.peerId}]: slot ${slot} ${side.direction} ${side.direction === "migrating" ? "to" : "from"} ${shortId(side.peerId)}`,
  }));
  if (owners.length !== 1 || !owner) {
    return { ...EMPTY, notes: [`slot ${slot} is open but ${owners.length === 0 ? "no node serves it" : `${owners.length} nodes serve it`}: it is not closed until that is resolved`] };
  }
  const all = masters(context.views).map((view) => view.node.address);
  const nonOwners = all.filter((address) => address !== owner.node.address);
  const now = keyCounts(context.current, all, slot);
  const holders = nonOwners.filter((address) => (now.get(address) ?? 0) > 0);
  const counted = [...now.values()].every((count) => count !== null);
  for (const address of all) why.push({ source: address, what: `CLUSTER COUNTKEYSINSLOT ${slot}`, detail: `${now.get(address) ?? "not read"}${address === owner.node.address ? " (owner)" : ""}` });
  if (holders.length > 0) {
    return {
      steps: [
        {
          code: "FINISH_MIGRATION",
          class: "data-risk",
          by: "operator",
          title: `finish moving slot ${slot}: ${holders.join(", ")} hold(s) keys of it while ${owner.node.address} owns it`,
          targets: [owner.node.address, ...holders],
          commands: [clusterWide(context, owner.node.address, "fix")],
          where: null,
          action: null,
          why,
          preconditions: [],
          expect: [{ kind: "slot-closed", slot }],
          verifyWithinMs: 0,
          verify: "busdoctor fix again: the slot is closed and only its owner holds its keys",
          risk: "redis-cli --cluster fix moves the keys with MIGRATE; a key present on both sides stops it, and --cluster-replace would overwrite one copy with the other.",
          undo: [],
          alternatives: [],
        },
      ],
      refusals: [
        {
          code: "STABLE_KEYS_ELSEWHERE",
          commands,
          targets,
          why: `${holders.join(", ")} hold(s) keys of slot ${slot} without owning it: SETSLOT STABLE would leave those keys where no client is ever sent again.`,
          evidence: why,
        },
      ],
      notes: [],
    };
  }
  const before = context.earlier && earlierViews ? keyCounts(context.earlier, all, slot) : null;
  const unchanged =
    before !== null &&
    earlierViews !== null &&
    counted &&
    openMarkers(earlierViews, slot) === openMarkers(context.views, slot) &&
    all.every((address) => before.get(address) === now.get(address));
  if (!unchanged) {
    const reason = !counted
      ? "CLUSTER COUNTKEYSINSLOT was not answered on every master"
      : before === null
        ? "there is only one reading: busdoctor fix on a live cluster reads the slot twice, seconds apart"
        : "the slot's markers or key counts changed between two readings: a migration is still moving keys";
    return { ...EMPTY, refusals: [{ code: "STABLE_UNPROVEN", commands, targets, why: `slot ${slot} is open, but not proven idle: ${reason}.`, evidence: why }] };
  }
  const ownerKeys = now.get(owner.node.address) ?? 0;
  return {
    ...EMPTY,
    steps: [
      {
        code: "CLOSE_OPEN_SLOT",
        class: "safe",
        by: "busdoctor",
        title: `close slot ${slot}, left ${sides.map((side) => side.direction).join("/")} by an interrupted migration: ${owner.node.address} owns it and holds all its ${ownerKeys} key(s)`,
        targets,
        commands,
        where: null,
        action: { kind: "setslot-stable", slot },
        why: [...why, { source: "busdoctor", what: "two readings", detail: `markers and key counts unchanged from ${new Date(context.earlier?.takenAtMs ?? 0).toISOString()} to ${new Date(context.current.takenAtMs).toISOString()}` }],
        preconditions: [
          { kind: "slot-owner", address: owner.node.address, slot },
          ...sides.map((side): Check => ({ kind: "slot-open", address: side.address, slot, direction: side.direction, peerId: side.peerId })),
          ...nonOwners.map((address): Check => ({ kind: "slot-keys", address, slot, count: 0 })),
          { kind: "slot-keys", address: owner.node.address, slot, count: ownerKeys },
        ],
        expect: [
          { kind: "slot-closed", slot },
          { kind: "slot-owner", address: owner.node.address, slot },
          { kind: "slot-keys", address: owner.node.address, slot, count: ownerKeys },
        ],
        verifyWithinMs: 1000,
        verify: "busdoctor re-collects: no node shows the slot open, its owner still serves it with the same key count",
        risk: "None for keys: every key of the slot is on its owner, which keeps serving it; only the redirections of the unfinished move stop.",
        undo: [],
        alternatives: [],
      },
    ],
  };
}

function openSlotsPlan(context: PlanContext): SlotPlan {
  const open = openSlots(context.views);
  const earlierViews = context.earlier ? answeringViews(context.earlier.analysis) : null;
  const slots = [...new Set(open.map((entry) => entry.slot))].sort((a, b) => a - b);
  return merge(slots.map((slot) => openSlotPlan(context, slot, open.filter((entry) => entry.slot === slot), earlierViews)));
}

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
      const replicas = views.flatMap((other) => other.entries.filter((replica) => replica.masterId === entry.id && !isFlaggedFail(replica)).map((replica) => replica.address));
      owners.set(entry.id, { id: entry.id, address: entry.ip === "" ? null : entry.address, ranges: entry.slots, replicas: [...new Set(replicas)], observer: view.node.address, line: entry.line });
    }
  }
  const unassigned = views.length > 0 && covered.indexOf(0) !== -1 ? gaps(covered) : [];
  const result = [...owners.values()];
  if (unassigned.length > 0) result.push({ id: null, address: null, ranges: unassigned, replicas: [], observer: views[0]?.node.address ?? "", line: null });
  return result;
}

function orphanPlan(context: PlanContext, owner: UncoveredOwner, views: readonly AnsweringView[]): SlotPlan {
  const slots = formatRanges(owner.ranges);
  const count = countSlots(owner.ranges);
  const seed = views[0]?.node.address ?? "";
  const ownerNode = owner.id === null ? undefined : context.current.analysis.nodes.find((node) => node.id === owner.id);
  const answering = ownerNode?.response.kind === "answering";
  const alive = answering || ownerNode?.clientProbe.state === "open";
  const evidence: Evidence[] = [
    ...(owner.line ? [{ source: owner.observer, what: "CLUSTER NODES", detail: owner.line }] : [{ source: owner.observer, what: "CLUSTER NODES", detail: `slots ${slots} are assigned to no master` }]),
    ...(ownerNode ? [{ source: "busdoctor", what: `client port of ${ownerNode.address}`, detail: answering ? "answers (PING PONG, CLUSTER MYID)" : `TCP ${ownerNode.clientProbe.state}` }] : []),
  ];
  const addslots = [clusterWide(context, seed, "fix", ["--cluster-fix-with-unreachable-masters"]), ...owner.ranges.map((range) => redisCli(context, seed, ["CLUSTER", "ADDSLOTSRANGE", String(range.start), String(range.end)]))];
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
  if (context.phase.name !== "settled") return { ...EMPTY, notes: [`slots ${slots} have a failed owner, but the cluster is still ${context.phase.name}: Redis may yet promote a replica`] };
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
          why: [...evidence, { source: "busdoctor", what: "masters up", detail: `${ownersUp.up} of ${ownersUp.total} slot-owning masters are up${mode === "TAKEOVER" ? ": too few to elect a replica, hence TAKEOVER" : ""}` }],
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

/**
 * Two answering masters whose own lines claim the same slot: the lower configEpoch is the stale one.
 * A stale claimant in cluster_state:fail takes no writes (CLUSTERDOWN): a note names it. One that
 * reports ok may be taking writes that will be lost: that is a data-risk step to read.
 */
function splitBrainPlan(context: PlanContext): SlotPlan {
  const claims = context.views.filter((view) => view.own.role === "master" && view.own.slots.length > 0);
  const steps: StepDraft[] = [];
  const notes: string[] = [];
  for (let a = 0; a < claims.length; a += 1) {
    for (let b = a + 1; b < claims.length; b += 1) {
      const first = claims[a];
      const second = claims[b];
      if (!first || !second) continue;
      const shared = overlap(first.own.slots, second.own.slots);
      if (shared.length === 0) continue;
      const [stale, winner] = first.own.configEpoch <= second.own.configEpoch ? [first, second] : [second, first];
      const tie = first.own.configEpoch === second.own.configEpoch;
      const slots = formatRanges(shared);
      if (!tie && stale.view.info?.state !== "ok") {
        notes.push(
          `split brain, stale side named by configEpoch: ${stale.node.address} (configEpoch ${stale.own.configEpoch}) still claims slots ${slots} in its own view, ${winner.node.address} (configEpoch ${winner.own.configEpoch}) serves them; ${stale.node.address} reports cluster_state:${stale.view.info?.state ?? "unknown"} and so takes no writes, and it yields once the bus connects them (busdoctor never changes epochs)`,
        );
        continue;
      }
      steps.push({
        code: "RESOLVE_SPLIT_BRAIN",
        class: "data-risk",
        by: "operator",
        title: tie
          ? `${first.node.address} and ${second.node.address} both claim slots ${slots} with configEpoch ${first.own.configEpoch}`
          : `${stale.node.address} (configEpoch ${stale.own.configEpoch}) is the stale claimant of slots ${slots}; ${winner.node.address} (configEpoch ${winner.own.configEpoch}) wins once the bus connects them`,
        targets: [stale.node.address],
        commands: [
          `# nothing to run: once the bus works between them, ${stale.node.address} yields slots ${slots} and becomes a replica`,
          `# to keep writes ${stale.node.address} accepted since the split, copy them out first: ${redisCli(context, stale.node.address, ["--scan"])}`,
          `# busdoctor never changes epochs: CLUSTER BUMPEPOCH on ${stale.node.address} would make it win instead and discard ${winner.node.address}'s writes`,
        ],
        where: null,
        action: null,
        why: [
          { source: stale.node.address, what: "CLUSTER NODES (myself)", detail: stale.own.line },
          { source: winner.node.address, what: "CLUSTER NODES (myself)", detail: winner.own.line },
        ],
        preconditions: [],
        expect: [],
        verifyWithinMs: 0,
        verify: "busdoctor fix again: one master per slot",
        risk: tie
          ? "Redis breaks the tie by node id (the lower id takes a new epoch); whichever side yields loses the writes it took since the split."
          : `Writes ${stale.node.address} accepted since the split are lost when it yields to the higher configEpoch.`,
        undo: [],
        alternatives: [],
      });
    }
  }
  return { ...EMPTY, steps, notes };
}

function overlap(a: readonly SlotRange[], b: readonly SlotRange[]): SlotRange[] {
  const ranges: SlotRange[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (start <= end) ranges.push({ start, end });
    }
  }
  return ranges.sort((x, y) => x.start - y.start);
}

export function slotPlan(context: PlanContext): SlotPlan {
  const views = majorityViews(context);
  const settled = context.phase.name === "settled";
  return merge([
    settled ? openSlotsPlan(context) : EMPTY,
    ...uncoveredOwners(views).map((owner) => orphanPlan(context, owner, views)),
    splitBrainPlan(context),
  ]);
}
