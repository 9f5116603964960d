// A cluster that is not settled is never "healthy": a fault developing or Redis still converging is at
// least a warning, whatever rules fired. Over every recorded incident, and over one that no real server
// writes (kept here because a snapshot file is hostile input): node 3 of a blocked-bus recording whose
// connection failed with an error while its replies stayed, so no rule judges it and the phase reads
// "recovering" from the other views alone. That snapshot once came out HEALTHY.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/diagnose/index.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { loadSnapshot, snapshotNames } from "./fixtures.js";

function errorOnNodeThree(): Snapshot {
  const snapshot = loadSnapshot("bus-blocked-both");
  return {
    ...snapshot,
    nodes: snapshot.nodes.map((node, index) => (index === 2 ? { ...node, connection: { ok: false, kind: "error", error: "ERR refused", ms: 1 } } : node)),
  };
}

describe("a cluster that is not settled is never healthy", () => {
  it.each(snapshotNames())("%s", (name) => {
    const { diagnosis } = diagnose(loadSnapshot(name));
    if (diagnosis.phase.name !== "settled") expect(diagnosis.health).not.toBe("healthy");
  });

  it("a node whose connection failed with an error while peers flag it: not settled, and a warning at least", () => {
    const { diagnosis } = diagnose(errorOnNodeThree());
    expect(diagnosis.phase.name).not.toBe("settled");
    expect(["warning", "critical"]).toContain(diagnosis.health);
  });
});
