import { describe, expect, it } from "vitest";
import { MAX_HOPS, NodeRegistry, type NodeTarget } from "../../../src/collect/registry.js";
import { checkScope, seedScope } from "../../../src/cluster/scope.js";
import { parseClusterNodes } from "../../../src/parse/clusterNodes.js";
import { entryAt, freshNodeView, ownId, recordedView } from "./clusterViews.js";

/** The scope of loopback seeds, as check gives it for the recorded 127.0.0.x scenarios. */
const loopback = (host: string): ReturnType<typeof checkScope> => checkScope(seedScope(["127.0.0.1"], []), host);

function seeded(...seeds: [string, number][]): { registry: NodeRegistry; targets: NodeTarget[] } {
  const registry = new NodeRegistry(loopback);
  const targets = seeds.map(([host, port]) => {
    const target = registry.addSeed({ host, port });
    if (!target) throw new Error("duplicate seed");
    return target;
  });
  return { registry, targets };
}

const addresses = (targets: readonly NodeTarget[]): string[] => targets.map((target) => target.address).sort();

describe("NodeRegistry", () => {
  it("discovers every peer a seed's view lists, with the ids and addresses they announce", () => {
    const {
      registry,
      targets: [seed],
    } = seeded(["127.0.0.1", 6379]);
    const discovered = registry.learnView(seed!, recordedView("healthy", 1));
    expect(seed).toEqual({ host: "127.0.0.1", port: 6379, address: "127.0.0.1:6379", origin: "seed", id: ownId("healthy", 1), hostname: null, hops: 0 });
    expect(addresses(discovered)).toEqual(["127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379", "127.0.0.5:6379", "127.0.0.6:6379"]);
    expect(discovered.find((target) => target.address === "127.0.0.3:6379")).toEqual({
      host: "127.0.0.3",
      port: 6379,
      address: "127.0.0.3:6379",
      origin: "discovered",
      id: ownId("healthy", 3),
      hostname: null,
      hops: 1,
    });
    expect(registry.list()).toHaveLength(6);
  });

  it("keeps the hostname a view announces, for the TLS server name", () => {
    const {
      registry,
      targets: [seed],
    } = seeded(["127.0.0.1", 6379]);
    const discovered = registry.learnView(seed!, recordedView("hostnames", 1));
    expect(discovered.find((target) => target.address === "127.0.0.3:6379")?.hostname).toBe("redis-3.busdoctor.test");
  });

  it("returns nothing new for views of nodes it already knows", () => {
    const {
      registry,
      targets: [seed],
    } = seeded(["127.0.0.1", 6379]);
    const discovered = registry.learnView(seed!, recordedView("healthy", 1));
    for (const target of discovered) {
      const node = Number(target.host.split(".").at(-1));
      expect(registry.learnView(target, recordedView("healthy", node))).toEqual([]);
    }
    expect(registry.list()).toHaveLength(6);
  });

  it("renames a seed given by host name to the address it announces, keeping what it dialled", () => {
    const {
      registry,
      targets: [seed],
    } = seeded(["localhost", 6379]);
    const discovered = registry.learnView(seed!, recordedView("healthy", 1));
    expect(seed).toMatchObject({ host: "localhost", port: 6379, address: "127.0.0.1:6379", id: ownId("healthy", 1) });
    expect(discovered).toHaveLength(5);
    expect(registry.targetFor(entryAt(recordedView("healthy", 2), "127.0.0.1:6379"))).toBe(seed);
  });

  it("queries a seed given twice once", () => {
    const registry = new NodeRegistry(loopback);
    expect(registry.addSeed({ host: "127.0.0.1", port: 6379 })).not.toBeNull();
    expect(registry.addSeed({ host: "127.0.0.1", port: 6379 })).toBeNull();
    expect(registry.list()).toHaveLength(1);
  });

  it("gives a seed that never answered the id another view knows it by", () => {
    const {
      registry,
      targets: [silent, answering],
    } = seeded(["127.0.0.3", 6379], ["127.0.0.1", 6379]);
    const discovered = registry.learnView(answering!, recordedView("bus-both-blocked", 1));
    expect(silent).toMatchObject({ address: "127.0.0.3:6379", origin: "seed", id: ownId("bus-both-blocked", 3) });
    expect(addresses(discovered)).toEqual(["127.0.0.2:6379", "127.0.0.4:6379", "127.0.0.5:6379", "127.0.0.6:6379"]);
  });

  it.each([
    ["a handshake placeholder", "handshake", ["127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379", "127.0.0.5:6379", "127.0.0.6:6379"]],
    ["a noaddr node", "noaddr", ["127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379", "127.0.0.5:6379"]],
    ["hostnames after the address", "hostnames", ["127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379", "127.0.0.5:6379", "127.0.0.6:6379"]],
  ])("skips what it cannot dial in a view with %s", (_name, scenario, expected) => {
    const {
      registry,
      targets: [seed],
    } = seeded(["127.0.0.1", 6379]);
    expect(addresses(registry.learnView(seed!, recordedView(scenario, 1)))).toEqual(expected);
  });

  it("keeps a seed's given address while its own view does not know its IP", () => {
    const {
      registry,
      targets: [seed],
    } = seeded(["127.0.0.1", 6379]);
    expect(registry.learnView(seed!, freshNodeView())).toEqual([]);
    expect(seed).toMatchObject({ address: "127.0.0.1:6379", id: freshNodeView()[0]?.id });
    expect(seed?.id).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe("NodeRegistry and the seeds' scope", () => {
  const id = (tag: string): string => tag.padEnd(40, "0");
  const seedLine = `${id("a1")} 127.0.0.1:6379@16379 myself,master - 0 0 1 connected 0-16383`;
  const listed = (address: string, tag: string): string => `${id(tag)} ${address}@16379 master - 0 0 2 connected`;

  it("dials a listed loopback node but only records what lies elsewhere, with the view that listed it", () => {
    const {
      registry,
      targets: [seed],
    } = seeded(["127.0.0.1", 6379]);
    const view = parseClusterNodes(
      [
        seedLine,
        listed("127.0.0.2:6379", "b1"),
        listed("169.254.169.254:80", "b2"),
        listed("10.0.0.1:22", "b3"),
        listed("metadata.internal:80", "b4"),
        listed("0.0.0.0:6379", "b5"),
      ].join("\n"),
    );
    expect(addresses(registry.learnView(seed!, view))).toEqual(["127.0.0.2:6379"]);
    expect(registry.outOfScope().map(({ address, kind, listedBy }) => ({ address, kind, listedBy }))).toEqual([
      { address: "0.0.0.0:6379", kind: "special", listedBy: ["127.0.0.1:6379"] },
      { address: "10.0.0.1:22", kind: "outside", listedBy: ["127.0.0.1:6379"] },
      { address: "169.254.169.254:80", kind: "link-local", listedBy: ["127.0.0.1:6379"] },
      { address: "metadata.internal:80", kind: "host-name", listedBy: ["127.0.0.1:6379"] },
    ]);
    expect(registry.size).toBe(6);
  });

  it("never dials a node listed under another's id, whatever address the line claims", () => {
    const {
      registry,
      targets: [seed],
    } = seeded(["127.0.0.1", 6379]);
    const view = parseClusterNodes([seedLine, listed("127.0.0.2:6379", "b1"), listed("8.8.8.8:6379", "b1")].join("\n"));
    expect(addresses(registry.learnView(seed!, view))).toEqual(["127.0.0.2:6379"]);
    expect(registry.outOfScope()).toEqual([]);
  });
});

describe("NodeRegistry and chains of views", () => {
  const id = (n: number): string => String(n).padStart(40, "c");
  /** Node n's view: itself, and node n + 1 only (a chain, as no real cluster lists its nodes). */
  const chainView = (n: number): ReturnType<typeof parseClusterNodes> =>
    parseClusterNodes(
      [`${id(n)} 127.0.0.${n}:6379@16379 myself,master - 0 0 1 connected`, `${id(n + 1)} 127.0.0.${n + 1}:6379@16379 master - 0 0 1 connected`].join("\n"),
    );

  it(`follows views ${MAX_HOPS} hops from the seeds and records what lies further`, () => {
    const {
      registry,
      targets: [seed],
    } = seeded(["127.0.0.1", 6379]);
    let observer = seed!;
    const followed: string[] = [];
    for (let n = 1; n <= MAX_HOPS + 1; n++) {
      const [next] = registry.learnView(observer, chainView(n));
      if (next === undefined) break;
      followed.push(next.address);
      observer = next;
    }
    expect(followed).toEqual(["127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379"]);
    expect(registry.outOfScope()).toEqual([
      { address: "127.0.0.5:6379", kind: "far", reason: expect.stringMatching(/more than 3 nodes from the seeds/), listedBy: ["127.0.0.4:6379"] },
    ]);
  });
});
