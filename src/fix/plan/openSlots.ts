// CLOSE_OPEN_SLOT and FINISH_MIGRATION: a slot left migrating/importing by an interrupted migration.
// The only SETSLOT busdoctor sends is STABLE, and only when every key of the slot is on its owner and
// two readings seconds apart show the same markers and key counts (nothing is moving).
import type { Evidence } from "../../model/finding.js";
import { readInteger } from "../evidence.js";
import type { Check } from "../model.js";
import { answeringViews, openSlots, ownersOf, type AnsweringView, type ClusterReading, type OpenSlot } from "../reading.js";
import { EMPTY, mergeParts, clusterWide, redisCli, shortId, type PartPlan, type PlanContext } from "./context.js";

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

function openPartPlan(context: PlanContext, slot: number, open: readonly OpenSlot[], earlierViews: readonly AnsweringView[] | null): PartPlan {
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
    return {
      ...EMPTY,
      notes: [
        `slot ${slot} is open but ${owners.length === 0 ? "no node serves it" : `${owners.length} nodes serve it`}: it is not closed until that is resolved`,
      ],
    };
  }
  const all = masters(context.views).map((view) => view.node.address);
  const nonOwners = all.filter((address) => address !== owner.node.address);
  const now = keyCounts(context.current, all, slot);
  const holders = nonOwners.filter((address) => (now.get(address) ?? 0) > 0);
  const counted = [...now.values()].every((count) => count !== null);
  for (const address of all)
    why.push({
      source: address,
      what: `CLUSTER COUNTKEYSINSLOT ${slot}`,
      detail: `${now.get(address) ?? "not read"}${address === owner.node.address ? " (owner)" : ""}`,
    });
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
    return {
      ...EMPTY,
      refusals: [{ code: "STABLE_UNPROVEN", commands, targets, why: `slot ${slot} is open, but not proven idle: ${reason}.`, evidence: why }],
    };
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
        why: [
          ...why,
          {
            source: "busdoctor",
            what: "two readings",
            detail: `markers and key counts unchanged from ${new Date(context.earlier?.takenAtMs ?? 0).toISOString()} to ${new Date(context.current.takenAtMs).toISOString()}`,
          },
        ],
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

export function openSlotsPlan(context: PlanContext): PartPlan {
  const open = openSlots(context.views);
  const earlierViews = context.earlier ? answeringViews(context.earlier.analysis) : null;
  const slots = [...new Set(open.map((entry) => entry.slot))].sort((a, b) => a - b);
  return mergeParts(
    slots.map((slot) =>
      openPartPlan(
        context,
        slot,
        open.filter((entry) => entry.slot === slot),
        earlierViews,
      ),
    ),
  );
}
