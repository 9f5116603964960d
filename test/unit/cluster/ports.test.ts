// The bus-port rule and the majority rule: one home, read by collect (what to probe), watch (what to
// follow) and diagnose (what to report).
import { describe, expect, it } from "vitest";
import { defaultBusPort, listeningBusPort, majorityBusPort, type BusPortVote } from "../../../src/cluster/ports.js";

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
