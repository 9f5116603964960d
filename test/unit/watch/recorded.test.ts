// The state machine replayed over samples recorded from real lab clusters (fixtures/record-samples.ts):
// which alerts fire for each fault, naming which node and cause, in which order against what Redis
// itself reported, and that each resolves after the heal.
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../../src/model/snapshot.js";
import type { Alert, WatchEvent } from "../../../src/model/events.js";
import { loadRecording, replay, type RecordingMeta } from "./replay.js";

type AlertEvent = Extract<WatchEvent, { type: "firing" | "resolved" }>;
const alertEvents = (events: readonly WatchEvent[]): AlertEvent[] =>
  events.filter((event): event is AlertEvent => event.type === "firing" || event.type === "resolved");

/** The first sample (tool clock) in which any view flags `node` fail? or fail: when Redis noticed. */
function firstFlagged(name: string, node: string): number | null {
  const { snapshots } = loadRecording(name);
  for (const snapshot of snapshots) {
    for (const entry of snapshot.nodes) {
      const reply = entry.commands.clusterNodes;
      if (!reply?.ok || typeof reply.reply !== "string") continue;
      if (reply.reply.split("\n").some((line) => line.includes(` ${node}@`) && /\bfail\??\b/.test(line.split(" ")[2] ?? ""))) return snapshot.takenAtMs;
    }
  }
  return null;
}

const CASES = [
  { name: "bus-blocked-both", cause: "BUS_PORT_BLOCKED", severity: "critical", redisFlagsIt: false },
  { name: "bus-blocked-node2-short", cause: "BUS_PORT_BLOCKED", severity: "critical", redisFlagsIt: false },
  { name: "bus-inbound-blocked", cause: "BUS_LINK_ONE_WAY", severity: "warning", redisFlagsIt: false },
  // The first sample shows one peer's PING pending and nobody else's: the node's own silent bus probe
  // names it, not the peer that happened to ping first.
  { name: "bus-inbound-one-peer-first", cause: "BUS_LINK_ONE_WAY", severity: "warning", redisFlagsIt: false },
  { name: "bus-blocked-failover", cause: "BUS_PORT_BLOCKED", severity: "critical", redisFlagsIt: true },
  { name: "node-killed", cause: "NODE_UNREACHABLE", severity: "critical", redisFlagsIt: false },
  { name: "bus-blocked-heal", cause: "BUS_PORT_BLOCKED", severity: "critical", redisFlagsIt: true },
] as const;

describe("early warning on recorded faults", () => {
  it.each(CASES)(
    "$name: one early warning naming the faulty node and $cause, after the fault and before Redis flags it",
    ({ name, cause, severity, redisFlagsIt }) => {
      const { meta, snapshots } = loadRecording(name);
      const { events } = replay(snapshots);
      const early = alertEvents(events).filter((event) => event.alert.code === "EARLY_WARNING");
      expect(early.map((event) => event.type)).toEqual(["firing", "resolved"]);
      const [firing, resolved] = early as [AlertEvent, AlertEvent];
      expect(firing.alert.nodes).toEqual([meta.faulty]);
      expect(firing.alert.cause).toMatchObject({ code: cause, nodes: [meta.faulty] });
      expect(firing.alert.severity).toBe(severity);
      expect(firing.at).toBeGreaterThan(meta.faultAt);
      expect(resolved.at).toBeGreaterThan(meta.healAt);
      const flagged = firstFlagged(name, meta.faulty);
      if (redisFlagsIt) expect(firing.at).toBeLessThan(flagged ?? 0);
      else expect(flagged).toBeNull();
    },
  );

  it.each(CASES)("$name: every alert belongs to one incident, which closes once they all resolved", ({ name }) => {
    const { events } = replay(loadRecording(name).snapshots);
    const opened = events.filter((event) => event.type === "incident-opened");
    const closed = events.filter((event) => event.type === "incident-closed");
    expect(opened).toHaveLength(1);
    expect(closed).toHaveLength(1);
    const alerts = alertEvents(events);
    expect(new Set(alerts.map((event) => event.incident.id))).toEqual(new Set([opened[0]?.incident.id]));
    const fired = new Map<string, number>();
    for (const event of alerts) fired.set(`${event.alert.id}:${event.type}`, (fired.get(`${event.alert.id}:${event.type}`) ?? 0) + 1);
    expect([...fired.values()].every((count) => count === 1)).toBe(true);
    expect(alerts.filter((event) => event.type === "firing")).toHaveLength(alerts.filter((event) => event.type === "resolved").length);
    expect(events.at(-1)?.type).toBe("incident-closed");
  });

  it("a healthy cluster under client load (redis-benchmark) raises nothing", () => {
    const { events, outputs } = replay(loadRecording("healthy-load").snapshots);
    expect(events).toEqual([]);
    // The load was really there: real clients on the masters.
    expect(Math.max(...outputs.flatMap((output) => output.signals.nodes.map((node) => node.connectedClients ?? 0)))).toBeGreaterThan(5);
  });
});

describe("consequences and the incident timeline", () => {
  it("groups what follows a blocked port under the early warning's incident, as consequences", () => {
    const { events } = replay(loadRecording("bus-blocked-failover").snapshots);
    const firing = alertEvents(events).filter((event) => event.type === "firing");
    expect(firing[0]?.alert.code).toBe("EARLY_WARNING");
    expect(firing.map((event) => event.alert.code)).toEqual(expect.arrayContaining(["CLUSTER_STATE_FAIL", "SLOTS_FAIL", "GOSSIP_ASYMMETRY"]));
    expect(firing.every((event) => event.incident.cause?.code === "BUS_PORT_BLOCKED")).toBe(true);
  });

  it("lists the steps of a fault that went all the way to a failover, in order", () => {
    const { meta, snapshots } = loadRecording("bus-blocked-failover");
    const { events } = replay(snapshots);
    const closed = events.find((event) => event.type === "incident-closed");
    const steps = [...(closed?.incident.steps ?? [])].sort((a, b) => a.at - b.at);
    expect(steps.map((step) => step.kind)).toEqual([
      "first-pending-ping",
      "early-warning",
      "phase",
      "pfail",
      "fail",
      "cluster-state-fail",
      "failover",
      "phase",
      "phase",
      "heal",
      "phase",
      "recovery",
    ]);
    // The incident goes through the phases in order: developing, settled (failed over), recovering, resolved.
    expect(steps.filter((step) => step.kind === "phase").map((step) => step.detail.split(":")[0])).toEqual(["developing", "settled", "recovering", "resolved"]);
    expect(steps[0]?.at).toBeGreaterThan(meta.faultAt);
    expect(steps.find((step) => step.kind === "heal")?.at).toBeGreaterThan(meta.healAt);
  });

  it("a gossip asymmetry alert names the node that hears nothing", () => {
    const { meta, snapshots } = loadRecording("bus-blocked-both");
    const gossip = alertEvents(replay(snapshots).events).filter((event): event is AlertEvent & { alert: Alert } => event.alert.code === "GOSSIP_ASYMMETRY");
    expect(gossip.map((event) => [event.type, event.alert.nodes])).toEqual([
      ["firing", [meta.faulty]],
      ["resolved", [meta.faulty]],
    ]);
  });
});

/** A copy of `snapshot` in which `address` answered nothing within the timeout (as a slow or hung node does). */
function timedOut(snapshot: Snapshot, address: string): Snapshot {
  const timeout = { ok: false as const, kind: "timeout" as const, error: "Command timed out", ms: 1000 };
  return {
    ...snapshot,
    nodes: snapshot.nodes.map((node) =>
      node.address !== address
        ? node
        : { ...node, commands: Object.fromEntries(Object.keys(node.commands).map((name) => [name, timeout])), failureReports: {} },
    ),
  };
}

describe("derived from recordings: a slow reply is not a hung node", () => {
  it("one sample in which the blocked node answers too slowly neither renames the cause nor splits the alert", () => {
    const { meta, snapshots } = loadRecording("bus-blocked-both");
    const firingAt = alertEvents(replay(snapshots).events).find((event) => event.type === "firing")?.at ?? 0;
    const index = snapshots.findIndex((snapshot) => snapshot.finishedAtMs > firingAt + 1500);
    const derived = snapshots.map((snapshot, at) => (at === index ? timedOut(snapshot, meta.faulty) : snapshot));
    const { events } = replay(derived);
    const early = alertEvents(events).filter((event) => event.alert.code === "EARLY_WARNING");
    expect(early.map((event) => [event.type, event.alert.cause?.code])).toEqual([
      ["firing", "BUS_PORT_BLOCKED"],
      ["resolved", "BUS_PORT_BLOCKED"],
    ]);
    expect(events.filter((event) => event.type === "incident-step" && event.step.kind === "cause-refined")).toEqual([]);
  });

  it("a node that stays unresponsive is named from its second sample", () => {
    const { snapshots } = loadRecording("healthy-load");
    const hung = "127.0.0.2:6379";
    const derived = snapshots.map((snapshot, index) => (index >= 10 && index < 14 ? timedOut(snapshot, hung) : snapshot));
    const firing = alertEvents(replay(derived).events).filter((event) => event.type === "firing");
    expect(firing.map((event) => [event.alert.code, event.alert.cause?.code, event.alert.nodes])).toEqual([["EARLY_WARNING", "NODE_UNRESPONSIVE", [hung]]]);
    expect(firing[0]?.at).toBe(derived[11]?.finishedAtMs);
  });
});

/** A copy of `snapshot` in which `address` is down: nothing listens on its ports. */
function down(snapshot: Snapshot, address: string, diedAtMs: number): Snapshot {
  const refused = (port: number) => ({ host: address.split(":")[0] ?? "", port, state: "refused" as const, ms: 0.2, error: "connect ECONNREFUSED" });
  return {
    ...snapshot,
    nodes: snapshot.nodes.map((node) => {
      if (node.address === address) {
        return {
          ...node,
          connection: { ok: false as const, kind: "connection" as const, error: "connection refused", ms: 0.2 },
          commands: {},
          failureReports: {},
          probes: { client: refused(node.port), bus: refused(node.port + 10000) },
        };
      }
      // Its peers saw the reset at once: the link is `disconnected`, the PING sent since then waits.
      const reply = node.commands.clusterNodes;
      if (!reply?.ok || typeof reply.reply !== "string") return node;
      const lines = reply.reply.split("\n").map((line) => {
        const fields = line.split(" ");
        if (!fields[1]?.startsWith(`${address}@`)) return line;
        fields[4] = String(diedAtMs);
        fields[7] = "disconnected";
        return fields.join(" ");
      });
      return { ...node, commands: { ...node.commands, clusterNodes: { ...reply, reply: lines.join("\n") } } };
    }),
  };
}

describe("derived from recordings: nodes that stop answering", () => {
  it("every node killed one after another: one incident whose alert names every node, none saying peers still hear it", () => {
    const { snapshots } = loadRecording("healthy-load");
    const nodes = snapshots[0]?.nodes.map((node) => node.address) ?? [];
    const derived = snapshots.map((snapshot, index) =>
      nodes.reduce(
        (current, address, order) => (index >= 8 + 2 * order ? down(current, address, (snapshots[8 + 2 * order]?.takenAtMs ?? 0) - 100) : current),
        snapshot,
      ),
    );
    const { events } = replay(derived);
    expect(events.filter((event) => event.type === "incident-opened")).toHaveLength(1);
    const alerts = alertEvents(events);
    const early = alerts.filter((event) => event.alert.code === "EARLY_WARNING");
    expect(early.at(-1)?.alert.cause).toMatchObject({ code: "NODE_UNREACHABLE" });
    expect([...(early.at(-1)?.alert.nodes ?? [])].sort()).toEqual([...nodes].sort());
    expect(alerts.filter((event) => /still hear/.test(event.alert.summary))).toEqual([]);
  });

  it("a node that answers PING but garbage for its view raises NODE_UNREADABLE from its second sample, and resolves", () => {
    const { snapshots } = loadRecording("healthy-load");
    const garbled = "127.0.0.2:6379";
    const derived = snapshots.map((snapshot, index) =>
      index >= 10 && index < 16
        ? {
            ...snapshot,
            nodes: snapshot.nodes.map((node) =>
              node.address === garbled
                ? {
                    ...node,
                    commands: {
                      ...node.commands,
                      clusterNodes: { ok: true as const, reply: "\u0000\u0001 not a reply", ms: 1 },
                      clusterInfo: { ok: false as const, kind: "connection" as const, error: "connection closed", ms: 1 },
                    },
                  }
                : node,
            ),
          }
        : snapshot,
    );
    const unreadable = alertEvents(replay(derived).events).filter((event) => event.alert.code === "NODE_UNREADABLE");
    expect(unreadable.map((event) => [event.type, event.alert.nodes])).toEqual([
      ["firing", [garbled]],
      ["resolved", [garbled]],
    ]);
    expect(unreadable[0]?.at).toBe(derived[11]?.finishedAtMs);
    expect(unreadable[0]?.alert.evidence[0]?.detail.split("; ").sort()).toEqual([
      "CLUSTER INFO: connection: connection closed",
      "CLUSTER NODES: reply did not parse",
    ]);
  });
});

describe("after a heal (bus-blocked-heal: node 3 blocked 40 s, failed over, healed)", () => {
  /**
   * The recording with node 3's PING to node 1, sent before the heal, still pending and flagged for the
   * first six samples after it, as a node's own view can show while its peers already hear it: the
   * leftover that once paged a false BUS_LINK_ONE_WAY "(longest 0 ms)" after a heal.
   */
  function withLeftover(): { meta: RecordingMeta; snapshots: Snapshot[] } {
    const { meta, snapshots } = loadRecording("bus-blocked-heal");
    const first = snapshots.findIndex((snapshot) => snapshot.takenAtMs > meta.healAt);
    const edited = snapshots.map((snapshot, index) => {
      if (index < first || index >= first + 6) return snapshot;
      return {
        ...snapshot,
        nodes: snapshot.nodes.map((node) => {
          const reply = node.commands.clusterNodes;
          if (node.address !== meta.faulty || !reply?.ok || typeof reply.reply !== "string") return node;
          const lines = reply.reply.split("\n").map((line) => {
            const fields = line.split(" ");
            if (!fields[1]?.startsWith("127.0.0.1:6379@")) return line;
            if (!fields[2]?.includes("fail")) fields[2] = `${fields[2]},fail?`;
            fields[4] = String(meta.healAt - 20_000);
            return fields.join(" ");
          });
          return { ...node, commands: { ...node.commands, clusterNodes: { ...reply, reply: lines.join("\n") } } };
        }),
      };
    });
    return { meta, snapshots: edited };
  }

  it.each([
    ["as recorded", () => loadRecording("bus-blocked-heal")],
    ["with a leftover pending PING after the heal", withLeftover],
  ])("%s: no early warning after the heal, the incident goes recovering then resolved", (_, load) => {
    const { meta, snapshots } = load();
    const { events } = replay(snapshots);
    const early = alertEvents(events).filter((event) => event.alert.code === "EARLY_WARNING");
    expect(early.filter((event) => event.type === "firing" && event.at > meta.healAt)).toEqual([]);
    // The wait the evidence quotes is the pending PING it is about: never "longest 0 ms".
    for (const event of early) expect(event.alert.evidence[0]?.detail).not.toMatch(/longest 0 ms/);
    const resolved = early.find((event) => event.type === "resolved");
    expect((resolved?.at ?? 0) - meta.healAt).toBeLessThan(4000);
    const closed = events.find((event) => event.type === "incident-closed");
    const phases = closed?.incident.steps.filter((step) => step.kind === "phase").map((step) => step.detail.split(":")[0]);
    expect(phases).toEqual(["developing", "settled", "recovering", "resolved"]);
  });
});
