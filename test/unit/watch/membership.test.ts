// Following membership from the nodes' own CLUSTER NODES views (lines as redis-server 7.0.15 prints them).
import { describe, expect, it } from "vitest";
import { formatAddress } from "../../../src/cluster/address.js";
import { parseClusterNodes } from "../../../src/parse/clusterNodes.js";
import { checkScope, seedScope } from "../../../src/cluster/scope.js";
import { seedMembers, UNLISTED_ROUNDS_BEFORE_REMOVAL, updateMembership, type Member, type MembershipBounds } from "../../../src/watch/membership.js";

const BOUNDS: MembershipBounds = { admit: (host) => checkScope(seedScope(["127.0.0.1"], []), host), maxNodes: 1000 };

const ID = (n: number): string => String(n).repeat(40).slice(0, 40);
const line = (n: number, myself: boolean, extra = ""): string =>
  `${ID(n)} 127.0.0.${n}:6379@16379 ${myself ? "myself," : ""}master${extra} - 0 1795671757000 ${n} connected`;
/** Node `observer`'s view listing `nodes` (itself marked myself). */
const view = (observer: number, nodes: number[]): [string, ReturnType<typeof parseClusterNodes>] => [
  `127.0.0.${observer}:6379`,
  parseClusterNodes(nodes.map((n) => line(n, n === observer)).join("\n")),
];

function rounds(
  start: Member[],
  views: Array<Array<[string, ReturnType<typeof parseClusterNodes>]>>,
): { members: string[]; added: string[]; removed: string[]; renamed: string[] } {
  let members = start;
  const added: string[] = [];
  const removed: string[] = [];
  const renamed: string[] = [];
  for (const round of views) {
    const change = updateMembership(members, new Map(round), BOUNDS);
    members = change.members;
    added.push(...change.added.map((member) => member.address));
    removed.push(...change.removed.map((member) => member.address));
    renamed.push(...change.renamed.map(([from, to]) => `${from}->${to}`));
  }
  return { members: members.map((member) => member.address).sort(), added, removed, renamed };
}

const seed = seedMembers([{ host: "127.0.0.1", port: 6379 }], formatAddress);

describe("membership", () => {
  it("finds every node a seed's view lists", () => {
    expect(rounds(seed, [[view(1, [1, 2, 3])]])).toMatchObject({
      members: ["127.0.0.1:6379", "127.0.0.2:6379", "127.0.0.3:6379"],
      added: ["127.0.0.2:6379", "127.0.0.3:6379"],
    });
  });

  it("adds a node that joins later", () => {
    const three = rounds(seed, [[view(1, [1, 2, 3])]]);
    expect(three.members).toHaveLength(3);
    const result = rounds(seed, [[view(1, [1, 2, 3])], [view(1, [1, 2, 3, 4]), view(2, [1, 2, 3, 4])]]);
    expect(result.added).toContain("127.0.0.4:6379");
  });

  it("drops a node the others forgot, after it stayed unlisted for a while", () => {
    const full = [view(1, [1, 2, 3]), view(2, [1, 2, 3]), view(3, [3])];
    const forgotten = [view(1, [1, 2]), view(2, [1, 2]), view(3, [3])];
    const short = rounds(seed, [full, ...Array(UNLISTED_ROUNDS_BEFORE_REMOVAL - 1).fill(forgotten)]);
    expect(short.removed).toEqual([]);
    const long = rounds(seed, [full, ...Array(UNLISTED_ROUNDS_BEFORE_REMOVAL).fill(forgotten)]);
    expect(long.removed).toEqual(["127.0.0.3:6379"]);
  });

  it("keeps a failed node that the views still list, and every node when none answers", () => {
    const failed = parseClusterNodes([line(1, true), `${ID(3)} 127.0.0.3:6379@16379 master,fail - 0 1795671757000 3 disconnected`].join("\n"));
    const result = rounds(seed, [[view(1, [1, 3])], ...Array(8).fill([["127.0.0.1:6379", failed]]), ...Array(8).fill([])]);
    expect(result.members).toEqual(["127.0.0.1:6379", "127.0.0.3:6379"]);
    expect(result.removed).toEqual([]);
  });

  it("renames a seed given by name to the address it announces", () => {
    const byName = seedMembers([{ host: "localhost", port: 6379 }], formatAddress);
    const named = parseClusterNodes([line(1, true), line(2, false)].join("\n"));
    expect(rounds(byName, [[["localhost:6379", named]]])).toMatchObject({
      members: ["127.0.0.1:6379", "127.0.0.2:6379"],
      renamed: ["localhost:6379->127.0.0.1:6379"],
    });
  });
});

describe("membership by node id (NAT, multi-homed nodes) and within bounds", () => {
  /** A view of `observer` where `others` are listed at the given addresses. */
  const viewAt = (observer: string, own: number, others: Array<[n: number, address: string]>): [string, ReturnType<typeof parseClusterNodes>] => [
    observer,
    parseClusterNodes([line(own, true), ...others.map(([n, address]) => `${ID(n)} ${address}@16379 master - 0 1795671757000 ${n} connected`)].join("\n")),
  ];

  it("samples a node once when its peers list it under another address than its own, and never drops the seed", () => {
    // Node 1 says it is 127.0.0.1; node 2 lists it as 127.0.0.21 (both reach it).
    const first = [viewAt("127.0.0.1:6379", 1, [[2, "127.0.0.2:6379"]])];
    const later = [viewAt("127.0.0.1:6379", 1, [[2, "127.0.0.2:6379"]]), viewAt("127.0.0.2:6379", 2, [[1, "127.0.0.21:6379"]])];
    const result = rounds(seed, [first, ...Array(UNLISTED_ROUNDS_BEFORE_REMOVAL + 3).fill(later)]);
    expect(result).toEqual({ members: ["127.0.0.1:6379", "127.0.0.2:6379"], added: ["127.0.0.2:6379"], removed: [], renamed: [] });
  });

  it("keeps one member when a node was found under two addresses before its id was known", () => {
    const twoSeeds = seedMembers(
      [
        { host: "127.0.0.1", port: 6379 },
        { host: "127.0.0.21", port: 6379 },
      ],
      formatAddress,
    );
    // Both addresses reach node 1, which answers on each with its own view.
    const round = [viewAt("127.0.0.1:6379", 1, []), viewAt("127.0.0.21:6379", 1, [])];
    const change = updateMembership(twoSeeds, new Map(round), BOUNDS);
    expect(change.members.map((member) => member.address)).toEqual(["127.0.0.1:6379"]);
    expect(change.removed.map((member) => member.address)).toEqual(["127.0.0.21:6379"]);
    expect(change.merged).toEqual([["127.0.0.21:6379", "127.0.0.1:6379"]]);
  });

  it("adds only nodes in the seeds' scope and records the others with the views that listed them", () => {
    const change = updateMembership(
      seed,
      new Map([
        viewAt("127.0.0.1:6379", 1, [
          [2, "127.0.0.2:6379"],
          [3, "169.254.169.254:80"],
          [4, "10.0.0.1:22"],
        ]),
      ]),
      BOUNDS,
    );
    expect(change.added.map((member) => member.address)).toEqual(["127.0.0.2:6379"]);
    expect(change.outOfScope?.map(({ address, kind, listedBy }) => ({ address, kind, listedBy }))).toEqual([
      { address: "10.0.0.1:22", kind: "outside", listedBy: ["127.0.0.1:6379"] },
      { address: "169.254.169.254:80", kind: "link-local", listedBy: ["127.0.0.1:6379"] },
    ]);
  });

  it("adds no more than --max-nodes and counts the rest", () => {
    const others: Array<[number, string]> = [2, 3, 4, 5].map((n) => [n, `127.0.0.${n}:6379`]);
    const change = updateMembership(seed, new Map([viewAt("127.0.0.1:6379", 1, others)]), { ...BOUNDS, maxNodes: 3 });
    expect(change.members).toHaveLength(3);
    expect(change.overLimit).toBe(2);
  });
});
