// The monitor's short probe of a suspect's bus port, replayed on recorded both-ways blocks. In these
// recordings the first evidence is the blocked node's own pending PING, so the first alert waited (up to
// 1 s, sampling every 250 ms) for its peers' pings to show the inbound side. The recordings were taken
// before the suspect probe got its short timeout: the follow-up sample after the wait began carries the
// probe result the sampler now has by then, put in by hand (real output from that sampler would hold it).
import { describe, expect, it } from "vitest";
import type { ProbeResult, Snapshot } from "../../../src/model/snapshot.js";
import type { WatchEvent } from "../../../src/model/events.js";
import { loadRecording, replay } from "./replay.js";

type Firing = Extract<WatchEvent, { type: "firing" }>;

function firstEarlyWarning(snapshots: readonly Snapshot[]): { index: number; event: Firing } | null {
  const { outputs } = replay(snapshots);
  for (const [index, output] of outputs.entries()) {
    const event = output.events.find((candidate): candidate is Firing => candidate.type === "firing" && candidate.alert.code === "EARLY_WARNING");
    if (event) return { index, event };
  }
  return null;
}

/** The first sample after which the machine asked to probe `node` and to sample again soon (the wait). */
function waitStarts(snapshots: readonly Snapshot[], node: string): number {
  const { outputs } = replay(snapshots);
  return outputs.findIndex((output) => output.probeBusOf.includes(node) && output.followUpInMs !== null);
}

function withBusProbe(snapshots: readonly Snapshot[], index: number, node: string, state: ProbeResult["state"]): Snapshot[] {
  return snapshots.map((snapshot, at) => {
    if (at !== index) return snapshot;
    const nodes = snapshot.nodes.map((entry) => {
      if (entry.address !== node) return entry;
      const [host = "", port = "0"] = node.split(":");
      const probe: ProbeResult = { host, port: Number(port) + 10000, state, ms: state === "timeout" ? 200 : 0.5 };
      return { ...entry, probes: { ...entry.probes, bus: probe } };
    });
    return { ...snapshot, nodes };
  });
}

/** The same recording as if the monitor's host had never reached any bus port (it runs outside the nodes' network). */
function withoutAnsweredProbes(snapshots: readonly Snapshot[]): Snapshot[] {
  return snapshots.map((snapshot) => ({ ...snapshot, nodes: snapshot.nodes.map((entry) => ({ ...entry, probes: { ...entry.probes, bus: null } })) }));
}

const RECORDINGS = ["bus-blocked-both", "bus-blocked-node2-short"] as const;

describe("a suspect's bus port probed from the monitor", () => {
  it.each(RECORDINGS)("%s: a filtered probe right after the wait began fires the early warning at once, naming the node blocked both ways", (name) => {
    const { meta, snapshots } = loadRecording(name);
    const waited = waitStarts(snapshots, meta.faulty);
    const plain = firstEarlyWarning(snapshots);
    expect(waited).toBeGreaterThan(0);
    expect(plain?.index).toBeGreaterThan(waited + 1);
    const probed = firstEarlyWarning(withBusProbe(snapshots, waited + 1, meta.faulty, "timeout"));
    expect(probed?.index).toBe(waited + 1);
    expect(probed?.event.alert.nodes).toEqual([meta.faulty]);
    expect(probed?.event.alert.cause).toMatchObject({ code: "BUS_PORT_BLOCKED", nodes: [meta.faulty] });
    // The alert is live (later samples sharpen its evidence): replay up to the firing to read it as fired.
    const asFired = firstEarlyWarning(withBusProbe(snapshots, waited + 1, meta.faulty, "timeout").slice(0, waited + 2));
    expect(asFired?.event.alert.evidence.map((line) => line.what)).toContain("TCP probe of the announced bus port, since the fault (it answered before)");
  });

  it.each(RECORDINGS)("%s: an open probe settles nothing: the first alert still waits for the peers' pings", (name) => {
    const { meta, snapshots } = loadRecording(name);
    const waited = waitStarts(snapshots, meta.faulty);
    const probed = firstEarlyWarning(withBusProbe(snapshots, waited + 1, meta.faulty, "open"));
    expect(probed?.index).toBe(firstEarlyWarning(snapshots)?.index);
    expect(probed?.event.alert.cause).toMatchObject({ code: "BUS_PORT_BLOCKED", nodes: [meta.faulty] });
  });

  it.each(RECORDINGS)("%s: a silent probe of a port that never answered the monitor settles nothing either", (name) => {
    const { meta, snapshots } = loadRecording(name);
    const unreachable = withoutAnsweredProbes(snapshots);
    const waited = waitStarts(unreachable, meta.faulty);
    const probed = firstEarlyWarning(withBusProbe(unreachable, waited + 1, meta.faulty, "timeout"));
    expect(probed?.index).toBeGreaterThan(waited + 1);
    expect(probed?.event.alert.cause).toMatchObject({ code: "BUS_PORT_BLOCKED", nodes: [meta.faulty] });
  });
});

describe("probing ahead of the threshold", () => {
  it.each(RECORDINGS)("%s: a follow-up sample asked for a ping about to cross the threshold also probes both ends of that ping", (name) => {
    const { meta, snapshots } = loadRecording(name);
    const { outputs } = replay(snapshots);
    // Hold rechecks come every 250 ms; a sooner follow-up is the one timed for a ping crossing the threshold.
    const ahead = outputs.filter((output) => output.followUpInMs !== null && output.followUpInMs < 250);
    expect(ahead.length).toBeGreaterThan(0);
    for (const output of ahead) {
      expect(output.probeBusOf).toContain(meta.faulty);
      expect(new Set(output.probeBusOf).size).toBeGreaterThanOrEqual(2);
    }
  });
});

describe("a one-way block first seen by one peer", () => {
  // Recorded in the watch e2e test (see the fixture's meta): after a heal, node 3 blocked inbound; the
  // first samples show one peer's PING to it pending and busdoctor's probe of its bus port silent, while
  // "which of the two hears less" is a PONG or two either way. That run alerted on the peer.
  it("names the node whose bus port stopped answering the monitor too, not the peer whose PING showed first", () => {
    const { meta, snapshots } = loadRecording("bus-inbound-after-both");
    const { events } = replay(snapshots);
    const after = events.filter((event): event is Firing => event.type === "firing" && event.alert.code === "EARLY_WARNING" && event.at > meta.faultAt);
    expect(after.map((event) => ({ nodes: event.alert.nodes, cause: event.alert.cause?.code }))).toEqual([{ nodes: [meta.faulty], cause: "BUS_LINK_ONE_WAY" }]);
  });
});
