// fix on an IPv6 cluster: printed commands take the address where each tool wants it (redis-cli -h and
// CLUSTER MEET bare, `redis-cli --cluster` bare too, as it splits at the last colon), targets stay
// bracketed like every address busdoctor names. The evidence is the recorded IPv4 evidence with its
// addresses moved to fd00:b5d0::N, as Redis prints them (CLUSTER NODES unbracketed: "fd00:b5d0::6:6379@16379"):
// derived because recording every fix incident again on an IPv6 lab adds nothing the parser tests of
// recorded IPv6 snapshots (test/fixtures/<server>/snapshots/ipv6-*.json) do not already cover.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { clusterCliAddress } from "../../../src/cluster/address.js";
import { parseEvidence } from "../../../src/fix/evidence.js";
import { planOf } from "./fixtures.js";

const FIX_FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "v7.0.15", "fix");

/** The recorded evidence with 127.0.0.N moved to fd00:b5d0::N: bracketed where a whole address is a JSON string, bare elsewhere. */
function ipv6Evidence(name: string): ReturnType<typeof parseEvidence> {
  const text = readFileSync(join(FIX_FIXTURES, `${name}.json`), "utf8")
    .replace(/"127\.0\.0\.(\d+):(\d+)"/g, '"[fd00:b5d0::$1]:$2"')
    .replace(/127\.0\.0\.(\d+)/g, "fd00:b5d0::$1");
  return parseEvidence(text);
}

describe("clusterCliAddress", () => {
  it.each([
    ["127.0.0.3:6379", "127.0.0.3:6379"],
    ["[fd00:b5d0::3]:6379", "fd00:b5d0::3:6379"],
  ])("%s -> %s", (address, expected) => {
    expect(clusterCliAddress(address)).toBe(expected);
  });
});

describe("fix on an IPv6 cluster", () => {
  it("MEET: redis-cli -h and the MEET arguments take the raw address, the targets are bracketed", () => {
    const meet = planOf(ipv6Evidence("forgotten-replica")).plan.steps[0];
    expect(meet?.code).toBe("MEET_NODE");
    expect(meet?.action).toEqual({ kind: "meet", ip: "fd00:b5d0::6", port: 6379, busPort: 16379 });
    expect(meet?.targets[0]).toBe("[fd00:b5d0::1]:6379");
    expect(meet?.commands[0]).toBe("redis-cli -h fd00:b5d0::1 -p 6379 CLUSTER MEET fd00:b5d0::6 6379 16379");
  });

  it("redis-cli --cluster fix gets the address unbracketed", () => {
    const planned = planOf(ipv6Evidence("reshard-partial")).plan;
    expect(planned.steps[0]?.commands).toEqual(["redis-cli --cluster fix fd00:b5d0::3:6379"]);
  });
});
