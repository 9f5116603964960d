// Preconditions and expected changes, evaluated on a reading of the cluster. Pure: the applier makes
// the reading fresh (a new snapshot and the extra reads `readsFor` asks for) right before it checks.
import { isLinkBroken } from "../diagnose/analyze/linkState.js";
import { readConfig, readInteger } from "./evidence.js";
import type { Check, ExtraRead } from "./model.js";
import { answeringViews, entryFor, isFlaggedFail, servesSlot, viewAt, type ClusterReading } from "./reading.js";

export interface CheckResult {
  check: Check;
  /** null: the reading cannot tell (the node did not answer, the read was denied). */
  holds: boolean | null;
  /** What was seen, in words: "127.0.0.1:6379 answers CLUSTER MYID 5dbc1150...". */
  seen: string;
}

const short = (id: string): string => id.slice(0, 8);

/** The check in words, as a plan prints it. */
export function describeCheck(check: Check): string {
  switch (check.kind) {
    case "answers-as":
      return `CLUSTER MYID at ${check.address} answers ${check.id}`;
    case "not-answering-as":
      return check.address === null ? `${short(check.id)} has no address to answer at` : `nothing at ${check.address} answers as ${short(check.id)}`;
    case "knows-ids":
      return `CLUSTER NODES at ${check.address} lists this cluster's masters ${check.ids.map(short).join(", ")}`;
    case "lists":
      return `${check.observer} lists ${short(check.id)}${check.at ? ` at ${check.at}` : ""}`;
    case "lacks":
      return `${check.observer} does not list ${short(check.id)}`;
    case "ghost":
      return `${short(check.id)} has no slots and no replica, and every view flags it fail or noaddr`;
    case "all-answer":
      return check.except.length === 0 ? "every node answers" : `every node answers (except ${check.except.map(short).join(", ")})`;
    case "slot-open":
      return `${check.address} shows slot ${check.slot} ${check.direction} ${check.direction === "migrating" ? "to" : "from"} ${short(check.peerId)}`;
    case "slot-closed":
      return `no node shows slot ${check.slot} migrating or importing`;
    case "slot-keys":
      return `CLUSTER COUNTKEYSINSLOT ${check.slot} at ${check.address} answers ${check.count}`;
    case "slot-owner":
      return `${check.address} serves slot ${check.slot} in its own view`;
    case "not-flagged":
      return check.address === null ? "no view flags a node that answers fail or fail?" : `no view flags ${check.address} fail or fail?`;
    case "bus-healthy":
      return check.address === null ? "every bus link answers" : `every bus link to and from ${check.address} answers`;
    case "cluster-ok":
      return check.address === null ? "every node reports cluster_state:ok" : `${check.address} reports cluster_state:ok`;
    case "config":
      return `CONFIG GET ${check.parameter} at ${check.address} answers ${check.value}`;
  }
}

/** The extra reads (beyond a snapshot) that evaluating these checks needs, per address. */
export function readsFor(checks: readonly Check[]): Array<{ address: string; read: ExtraRead }> {
  const reads: Array<{ address: string; read: ExtraRead }> = [];
  for (const check of checks) {
    if (check.kind === "slot-keys") reads.push({ address: check.address, read: { kind: "countkeysinslot", slot: check.slot } });
    if (check.kind === "config") reads.push({ address: check.address, read: { kind: "config-get", parameter: check.parameter } });
  }
  return reads;
}

function result(check: Check, holds: boolean | null, seen: string): CheckResult {
  return { check, holds, seen };
}

export function evaluateCheck(check: Check, reading: ClusterReading): CheckResult {
  const { analysis } = reading;
  const views = answeringViews(analysis);
  const unknownAt = (address: string): CheckResult => result(check, null, `${address} did not answer`);
  switch (check.kind) {
    case "answers-as": {
      const view = viewAt(analysis, check.address);
      if (!view) return unknownAt(check.address);
      return result(check, view.view.myId === check.id, `${check.address} answers CLUSTER MYID ${view.view.myId ?? "(nothing)"}`);
    }
    case "not-answering-as": {
      if (check.address === null) return result(check, true, "no address is known for it");
      const view = viewAt(analysis, check.address);
      if (!view) {
        const node = analysis.nodes.find((candidate) => candidate.address === check.address);
        return result(check, true, `${check.address} does not answer (client port ${node?.clientProbe.state ?? "not probed"})`);
      }
      return result(check, view.view.myId !== check.id, `${check.address} answers CLUSTER MYID ${view.view.myId ?? "(nothing)"}`);
    }
    case "knows-ids": {
      const view = viewAt(analysis, check.address);
      if (!view) return unknownAt(check.address);
      const missing = check.ids.filter((id) => entryFor(view, id) === null);
      return result(
        check,
        missing.length === 0,
        missing.length === 0 ? `${check.address} lists all ${check.ids.length}` : `${check.address} does not list ${missing.map(short).join(", ")}`,
      );
    }
    case "lists":
    case "lacks": {
      const view = viewAt(analysis, check.observer);
      if (!view) return unknownAt(check.observer);
      const entry = entryFor(view, check.id);
      if (check.kind === "lacks")
        return result(check, entry === null, entry ? `${check.observer} lists it: ${entry.line}` : `${check.observer} does not list it`);
      const listed = entry !== null && (check.at === null || entry.address === check.at);
      return result(check, listed, entry ? `${check.observer}: ${entry.line}` : `${check.observer} does not list it`);
    }
    case "ghost": {
      const listing = views.flatMap((view) => {
        const entry = entryFor(view, check.id);
        return entry ? [{ view, entry }] : [];
      });
      const alive = listing.filter(({ entry }) => !isFlaggedFail(entry));
      const withSlots = listing.filter(({ entry }) => entry.slots.length > 0);
      const replicas = views.flatMap((view) => view.entries.filter((entry) => entry.masterId === check.id && !isFlaggedFail(entry)));
      const problems = [
        ...alive.slice(0, 1).map(({ view, entry }) => `${view.node.address} flags it ${entry.flags.join(",")}`),
        ...withSlots.slice(0, 1).map(({ view }) => `${view.node.address} gives it slots`),
        ...replicas.slice(0, 1).map((entry) => `${entry.address} replicates it`),
      ];
      return result(
        check,
        problems.length === 0,
        problems.length === 0 ? `${listing.length} view(s) list it, all flag it failed, no slots, no replica` : problems.join("; "),
      );
    }
    case "all-answer": {
      const silent = analysis.nodes.filter((node) => node.response.kind !== "answering" && !(node.id !== null && check.except.includes(node.id)));
      return result(
        check,
        silent.length === 0,
        silent.length === 0 ? `${views.length} node(s) answered` : `${silent.map((node) => node.address).join(", ")} did not answer`,
      );
    }
    case "slot-open": {
      const view = viewAt(analysis, check.address);
      if (!view) return unknownAt(check.address);
      const open = view.own.migrations.find((migration) => migration.slot === check.slot);
      const same = open !== undefined && open.direction === check.direction && open.nodeId === check.peerId;
      return result(
        check,
        same,
        open ? `${check.address}: slot ${open.slot} ${open.direction} ${short(open.nodeId)}` : `${check.address}: slot ${check.slot} is not open`,
      );
    }
    case "slot-closed": {
      const open = views.filter((view) => view.own.migrations.some((migration) => migration.slot === check.slot));
      return result(
        check,
        open.length === 0,
        open.length === 0 ? `no view shows slot ${check.slot} open` : `${open.map((view) => view.node.address).join(", ")} still show(s) it open`,
      );
    }
    case "slot-keys": {
      const count = readInteger(reading.reads, check.address, { kind: "countkeysinslot", slot: check.slot });
      if (count === null) return result(check, null, `CLUSTER COUNTKEYSINSLOT ${check.slot} at ${check.address} was not answered`);
      return result(check, count === check.count, `${check.address} holds ${count} key(s) in slot ${check.slot}`);
    }
    case "slot-owner": {
      const view = viewAt(analysis, check.address);
      if (!view) return unknownAt(check.address);
      return result(
        check,
        servesSlot(view.own, check.slot),
        `${check.address} serves ${view.own.slots.map((range) => `${range.start}-${range.end}`).join(",") || "no slots"}`,
      );
    }
    case "not-flagged": {
      const answering = new Set(views.map((view) => view.node.address));
      const flagging = analysis.links.filter(
        (cell) =>
          (check.address === null ? answering.has(cell.peer) : cell.peer === check.address) && (cell.state.kind === "fail" || cell.state.kind === "pfail"),
      );
      const shown = flagging.slice(0, 4).map((cell) => `${cell.observer} flags ${cell.peer} ${cell.state.kind}`);
      return result(
        check,
        flagging.length === 0,
        flagging.length === 0 ? "no view flags it" : `${shown.join(", ")}${flagging.length > 4 ? ` and ${flagging.length - 4} more` : ""}`,
      );
    }
    case "bus-healthy": {
      const thresholds = { pendingMs: analysis.pendingThresholdMs, pongStaleMs: analysis.pongStaleThresholdMs };
      const broken = analysis.links.filter(
        (cell) => (check.address === null || cell.peer === check.address || cell.observer === check.address) && isLinkBroken(cell.state, thresholds),
      );
      return result(
        check,
        broken.length === 0,
        broken.length === 0
          ? "no broken link"
          : `${broken.length} broken link(s), e.g. ${broken[0]?.observer} -> ${broken[0]?.peer} (${broken[0]?.state.kind})`,
      );
    }
    case "cluster-ok": {
      if (check.address === null) {
        const failing = views.filter((view) => view.view.info?.state !== "ok").map((view) => `${view.node.address} (${view.view.info?.state ?? "unknown"})`);
        return result(check, failing.length === 0, failing.length === 0 ? `all ${views.length} report ok` : `not ok: ${failing.join(", ")}`);
      }
      const view = viewAt(analysis, check.address);
      if (!view) return unknownAt(check.address);
      return result(check, view.view.info?.state === "ok", `${check.address} reports cluster_state:${view.view.info?.state ?? "unknown"}`);
    }
    case "config": {
      const value = readConfig(reading.reads, check.address, { kind: "config-get", parameter: check.parameter });
      if (value === null) return result(check, null, `CONFIG GET ${check.parameter} at ${check.address} was not answered`);
      return result(check, value === check.value, `${check.address}: ${check.parameter} ${value}`);
    }
  }
}

export function evaluateChecks(checks: readonly Check[], reading: ClusterReading): CheckResult[] {
  return checks.map((check) => evaluateCheck(check, reading));
}
