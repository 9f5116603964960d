// ADDRESS_OUT_OF_SCOPE: addresses the collector did not dial are a finding with the addresses, never a
// silent gap in a healthy verdict.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/diagnose/index.js";
import type { Finding } from "../../../src/model/finding.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { loadSnapshot } from "./fixtures.js";

function findings(snapshot: Snapshot): Finding[] {
  const { diagnosis } = diagnose(snapshot);
  return [diagnosis.rootCause, ...diagnosis.consequences, ...diagnosis.otherFindings].filter((finding): finding is Finding => finding !== null);
}

describe("ADDRESS_OUT_OF_SCOPE", () => {
  const healthy = loadSnapshot("healthy");

  it("is not raised when every listed address was dialled", () => {
    expect(findings(healthy).map((finding) => finding.code)).not.toContain("ADDRESS_OUT_OF_SCOPE");
  });

  it("turns a healthy cluster with skipped addresses into a warning that names them and who listed them", () => {
    const snapshot: Snapshot = {
      ...healthy,
      outOfScope: [
        {
          address: "10.0.0.1:22",
          kind: "outside",
          reason: "a private address, outside the seeds' scope (loopback); --allow widens it",
          listedBy: ["127.0.0.1:6379", "127.0.0.2:6379"],
        },
        { address: "169.254.169.254:80", kind: "link-local", reason: "a link-local address (...)", listedBy: ["127.0.0.1:6379"] },
      ],
    };
    const { diagnosis } = diagnose(snapshot);
    expect(diagnosis.health).toBe("warning");
    const finding = findings(snapshot).find((candidate) => candidate.code === "ADDRESS_OUT_OF_SCOPE");
    expect(finding).toMatchObject({
      severity: "warning",
      nodes: ["127.0.0.1:6379", "127.0.0.2:6379"],
      summary: "2 listed addresses were not dialled: 10.0.0.1:22, 169.254.169.254:80; the diagnosis does not cover them",
    });
    expect(finding?.evidence.map((evidence) => [evidence.source, evidence.what, evidence.detail])).toEqual([
      ["127.0.0.1:6379", "CLUSTER NODES (and 1 other view)", "10.0.0.1:22: a private address, outside the seeds' scope (loopback); --allow widens it"],
      ["127.0.0.1:6379", "CLUSTER NODES", "169.254.169.254:80: a link-local address (...)"],
    ]);
    // Only the address --allow can let in is offered, never the metadata service.
    expect(finding?.fix.flatMap((fix) => fix.lines)).toEqual(["busdoctor check 127.0.0.1:6379 --allow 10.0.0.0/24   # only if these are your nodes"]);
  });
});
