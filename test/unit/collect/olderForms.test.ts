import { describe, expect, it } from "vitest";
import type { CommandResult } from "../../../src/model/snapshot.js";
import { refusedNewerForms, wireForm } from "../../../src/collect/olderForms.js";

// Redis 6.2.16's reply to INFO with three sections (seen in the lab).
const syntaxError: CommandResult = { ok: false, kind: "error", error: "ERR syntax error", ms: 0.3 };

describe("refusedNewerForms", () => {
  it("asks again with plain INFO where Redis 6.2 refused INFO server clients cluster", () => {
    expect(refusedNewerForms({ info: syntaxError, ping: { ok: true, reply: "PONG", ms: 0.1 } })).toEqual(["info"]);
  });

  it("leaves other failures alone: a denied INFO stays denied, an unknown CLUSTER LINKS stays unknown", () => {
    expect(
      refusedNewerForms({
        info: { ok: false, kind: "noperm", error: "NOPERM this user has no permissions to run the 'info' command", ms: 0.2 },
        clusterLinks: {
          ok: false,
          kind: "unknown-command",
          error: "ERR Unknown subcommand or wrong number of arguments for 'LINKS'. Try CLUSTER HELP.",
          ms: 0.2,
        },
      }),
    ).toEqual([]);
  });
});

describe("wireForm", () => {
  it("sends INFO with four sections, or plain INFO once the node is known to want it", () => {
    expect(wireForm("info", false)).toEqual(["INFO", "server", "clients", "cluster", "replication"]);
    expect(wireForm("info", true)).toEqual(["INFO"]);
    expect(wireForm("clusterNodes", true)).toEqual(["CLUSTER", "NODES"]);
  });
});
