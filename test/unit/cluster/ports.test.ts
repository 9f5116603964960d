// The bus-port rule and the majority rule: one home, read by collect (what to probe), watch (what to
// follow) and diagnose (what to report).
import { describe, expect, it } from "vitest";
import { chooseBusPort, defaultBusPort, listeningBusPort, majorityBusPort, type BusPortVote } from "../../../src/cluster/ports.js";
import { announced17000, fresh } from "./myselfLines.js";

describe("defaultBusPort and listeningBusPort", () => {
  it.each<[string, number, number, number | null]>([
    ["cluster-port 0: client port + 10000", 6379, 0, 16379],
    ["cluster-port set: that port", 6379, 7000, 7000],
    ["client port + 10000 past 65535: none", 60000, 0, null],
  ])("%s", (_name, clientPort, configured, expected) => {
    expect(listeningBusPort(clientPort, configured)).toBe(expected);
    if (configured === 0) expect(defaultBusPort(clientPort)).toBe(expected);
  });
});

describe("majorityBusPort", () => {
  const vote = (cport: number, own = false): BusPortVote => ({ cport, own });
  it.each<[string, BusPortVote[], number | null]>([
    ["no view lists the node", [], null],
    ["only handshake-style zero ports", [vote(0), vote(0)], null],
    ["every view agrees", [vote(16379, true), vote(16379), vote(16379)], 16379],
    ["the majority wins over the node's own", [vote(16400, true), vote(16379), vote(16379)], 16379],
    ["a tie goes to the node's own announcement", [vote(16400, true), vote(16379)], 16400],
    ["a tie without the node's own goes to the lowest port", [vote(17000), vote(16379)], 16379],
    ["zero is no vote", [vote(0), vote(0), vote(16379)], 16379],
    ["a tie among three ports, the node's own among them", [vote(17000), vote(16379), vote(16400, true)], 16400],
    ["the order of the views does not matter", [vote(17000), vote(16379), vote(17000), vote(16379)], 16379],
    ["the node's own outside the tie does not break it", [vote(16500, true), vote(17000), vote(16379), vote(17000), vote(16379)], 16379],
  ])("%s", (_name, votes, expected) => {
    expect(majorityBusPort(votes)).toBe(expected);
  });
});

describe("chooseBusPort", () => {
  it.each([
    { what: "CONFIG GET cluster-port set", client: 6379, configured: 16400, myself: announced17000, port: 16400, source: "config" },
    { what: "CONFIG GET cluster-port 0", client: 7000, configured: 0, myself: announced17000, port: 17000, source: "config-default" },
    { what: "CONFIG denied: the announced cport", client: 6379, configured: null, myself: announced17000, port: 17000, source: "announced" },
    { what: "nothing said: port + 10000", client: 6379, configured: null, myself: null, port: 16379, source: "default" },
    { what: "fresh node, CONFIG denied", client: 6379, configured: null, myself: fresh, port: 16379, source: "announced" },
  ])("$what -> $port ($source)", ({ client, configured, myself, port, source }) => {
    expect(chooseBusPort(client, configured, myself)).toMatchObject({ port, source });
  });

  it("reads a server without cluster-port (Redis 6.2 answers []) as port + 10000, and says why", () => {
    expect(chooseBusPort(7000, "no-setting", announced17000)).toEqual({
      port: 17000,
      source: "config-default",
      sourceText: "no cluster-port setting (Redis 6.2): client port + 10000",
    });
    expect(chooseBusPort(60000, "no-setting", null)).toBeNull();
  });

  it("has no default past 65535", () => {
    expect(chooseBusPort(60000, null, null)).toBeNull();
    expect(chooseBusPort(60000, 0, null)).toBeNull();
  });
});
