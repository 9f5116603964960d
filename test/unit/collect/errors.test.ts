import { describe, expect, it } from "vitest";
import { CollectError, nodeFailure, noSeedError } from "../../../src/collect/errors.js";
import type { CommandResult, NodeSnapshot } from "../../../src/model/snapshot.js";

type SeedOutcome = Pick<NodeSnapshot, "address" | "connection" | "commands">;

const connected: CommandResult = { ok: true, reply: null, ms: 0.4 };
const pong: CommandResult = { ok: true, reply: "PONG", ms: 0.2 };
const hung: CommandResult = { ok: false, kind: "timeout", error: "connected but no reply within 1000 ms (hung or paused process?)", ms: 1000 };
const refused: CommandResult = { ok: false, kind: "connection", error: "connection refused", ms: 0.3 };
const wrongpass: CommandResult = { ok: false, kind: "wrongpass", error: "WRONGPASS invalid username-password pair or user is disabled.", ms: 0.5 };
const noauth: CommandResult = { ok: false, kind: "noauth", error: "NOAUTH Authentication required.", ms: 0.5 };
const noperm: CommandResult = { ok: false, kind: "noperm", error: "NOPERM this user has no permissions to run the 'config|get' command", ms: 0.5 };

const seed = (address: string, connection: CommandResult, commands: SeedOutcome["commands"] = {}): SeedOutcome => ({ address, connection, commands });

describe("nodeFailure", () => {
  it.each<[string, SeedOutcome, CommandResult | null]>([
    ["refused connection", seed("a:1", refused), refused],
    ["paused process: connected, every command timed out", seed("a:1", connected, { ping: hung, clusterNodes: hung }), hung],
    ["one command denied, the rest answered", seed("a:1", connected, { ping: pong, configNodeTimeout: noperm }), null],
    ["every command denied", seed("a:1", connected, { configNodeTimeout: noperm }), noperm],
  ])("%s", (_name, outcome, expected) => {
    expect(nodeFailure(outcome)).toEqual(expected);
  });
});

describe("noSeedError", () => {
  it.each<[string, SeedOutcome[], string | null, CollectError["reason"], string]>([
    [
      "refused and paused seeds",
      [seed("127.0.0.3:6379", refused), seed("127.0.0.4:6379", connected, { ping: hung })],
      null,
      "no-seed",
      "no seed reachable: 127.0.0.3:6379 connection refused; 127.0.0.4:6379 connected but no reply within 1000 ms (hung or paused process?)",
    ],
    [
      "wrong password everywhere",
      [seed("127.0.0.1:6379", wrongpass), seed("127.0.0.2:6379", wrongpass)],
      "monitor",
      "auth",
      'authentication failed as user "monitor" on every seed: 127.0.0.1:6379 WRONGPASS invalid username-password pair or user is disabled.; ' +
        "127.0.0.2:6379 WRONGPASS invalid username-password pair or user is disabled.",
    ],
    [
      "no password given",
      [seed("127.0.0.1:6379", noauth)],
      null,
      "auth",
      "authentication failed on every seed: 127.0.0.1:6379 NOAUTH Authentication required. (no password given: use --pass or REDISCLI_AUTH)",
    ],
    [
      "one seed rejects the password, another is down: the network is named too",
      [seed("127.0.0.1:6379", wrongpass), seed("127.0.0.3:6379", refused)],
      null,
      "no-seed",
      "no seed reachable: 127.0.0.1:6379 WRONGPASS invalid username-password pair or user is disabled.; 127.0.0.3:6379 connection refused",
    ],
  ])("%s", (_name, seeds, user, reason, message) => {
    const error = noSeedError(seeds, user);
    expect(error).toBeInstanceOf(CollectError);
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(message);
  });
});
