import { describe, expect, it } from "vitest";
import { hasUsableAddress, suspectNodeIds } from "../../../src/parse/nodeView.js";
import { entryAt, freshNodeView, ownId, recordedView } from "../collect/clusterViews.js";

/** The ids of these nodes in the bus-both-blocked scenario (node 3's bus blocked both ways), sorted. */
const blockedIds = (...nodes: number[]): string[] => nodes.map((node) => ownId("bus-both-blocked", node)).sort();

describe("hasUsableAddress", () => {
  it.each([
    ["a healthy peer", true, () => entryAt(recordedView("healthy", 1), "127.0.0.2:6379")],
    ["the node itself", true, () => entryAt(recordedView("healthy", 1), "127.0.0.1:6379")],
    ["a peer flagged fail", true, () => entryAt(recordedView("bus-both-blocked", 1), "127.0.0.3:6379")],
    ["a peer announcing a hostname", true, () => entryAt(recordedView("hostnames", 1), "127.0.0.3:6379")],
    ["a handshake placeholder", false, () => entryAt(recordedView("handshake", 1), "127.0.0.9:6379")],
    ["a noaddr peer", false, () => entryAt(recordedView("noaddr", 1), ":0")],
    ["a node that does not know its own IP", false, () => entryAt(freshNodeView(), ":6379")],
  ])("%s -> %s", (_name, expected, entry) => {
    expect(hasUsableAddress(entry())).toBe(expected);
  });
});

describe("suspectNodeIds", () => {
  it.each([
    ["healthy views", () => [1, 2, 3, 4, 5, 6].map((node) => recordedView("healthy", node)), () => []],
    ["the majority's views of an isolated master", () => [1, 2, 4, 5, 6].map((node) => recordedView("bus-both-blocked", node)), () => blockedIds(3)],
    ["the isolated master's own view (fail? on everyone)", () => [recordedView("bus-both-blocked", 3)], () => blockedIds(1, 2, 4, 5, 6)],
    ["every view", () => [1, 2, 3, 4, 5, 6].map((node) => recordedView("bus-both-blocked", node)), () => blockedIds(1, 2, 3, 4, 5, 6)],
  ])("%s", (_name, views, expected) => {
    expect(suspectNodeIds(views())).toEqual(expected());
  });
});
