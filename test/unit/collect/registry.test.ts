import { describe, expect, it } from "vitest";
import { NodeRegistry, type NodeTarget } from "../../../src/collect/registry.js";
import { entryAt, freshNodeView, ownId, recordedView } from "./clusterViews.js";


function seeded(...seeds: [string, number][]): { registry: NodeRegistry; targets: NodeTarget[] } {
  const registry = new NodeRegistry();
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
    const { registry, targets: [seed] } = seeded(["127.0.0.1", 6379]);
    const discovered = registry.learnView(seed!, recordedView("healthy", 1));
    expect(seed).toEqual({ host: "127.0.0.1", port: 6379, address: "127.0.0.1:6379", origin: "seed", id: ownId("healthy", 1), hostname: null });
    expect(addresses(discovered)).toEqual(["127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379", "127.0.0.5:6379", "127.0.0.6:6379"]);
    expect(discovered.find((target) => target.address === "127.0.0.3:6379")).toEqual({
      host: "127.0.0.3",
      port: 6379,
      address: "127.0.0.3:6379",
      origin: "discovered",
      id: ownId("healthy", 3),
      hostname: null,
    });
    expect(registry.list()).toHaveLength(6);
  });

  it("keeps the hostname a view announces, for the TLS server name", () => {
    const { registry, targets: [seed] } = seeded(["127.0.0.1", 6379]);
    const discovered = registry.learnView(seed!, recordedView("hostnames", 1));
    expect(discovered.find((target) => target.address === "127.0.0.3:6379")?.hostname).toBe("redis-3.busdoctor.test");
  });

  it("returns nothing new for views of nodes it already knows", () => {
    const { registry, targets: [seed] } = seeded(["127.0.0.1", 6379]);
    const discovered = registry.learnView(seed!, recordedView("healthy", 1));
    for (const target of discovered) {
      const node = Number(target.host.split(".").at(-1));
      expect(registry.learnView(target, recordedView("healthy", node))).toEqual([]);
    }
    expect(registry.list()).toHaveLength(6);
  });

  it("renames a seed given by host name to the address it announces, keeping what it dialled", () => {
    const { registry, targets: [seed] } = seeded(["localhost", 6379]);
    const discovered = registry.learnView(seed!, recordedView("healthy", 1));
    expect(seed).toMatchObject({ host: "localhost", port: 6379, address: "127.0.0.1:6379", id: ownId("healthy", 1) });
    expect(discovered).toHaveLength(5);
    expect(registry.targetFor(entryAt(recordedView("healthy", 2), "127.0.0.1:6379"))).toBe(seed);
  });

  it("queries a seed given twice once", () => {
    const registry = new NodeRegistry();
    expect(registry.addSeed({ host: "127.0.0.1", port: 6379 })).not.toBeNull();
    expect(registry.addSeed({ host: "127.0.0.1", port: 6379 })).toBeNull();
    expect(registry.list()).toHaveLength(1);
  });

  it("gives a seed that never answered the id another view knows it by", () => {
    const { registry, targets: [silent, answering] } = seeded(["127.0.0.3", 6379], ["127.0.0.1", 6379]);
    const discovered = registry.learnView(answering!, recordedView("bus-both-blocked", 1));
    expect(silent).toMatchObject({ address: "127.0.0.3:6379", origin: "seed", id: ownId("bus-both-blocked", 3) });
    expect(addresses(discovered)).toEqual(["127.0.0.2:6379", "127.0.0.4:6379", "127.0.0.5:6379", "127.0.0.6:6379"]);
  });

  it.each([
    ["a handshake placeholder", "handshake", ["127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379", "127.0.0.5:6379", "127.0.0.6:6379"]],
    ["a noaddr node", "noaddr", ["127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379", "127.0.0.5:6379"]],
    ["hostnames after the address", "hostnames", ["127.0.0.2:6379", "127.0.0.3:6379", "127.0.0.4:6379", "127.0.0.5:6379", "127.0.0.6:6379"]],
  ])("skips what it cannot dial in a view with %s", (_name, scenario, expected) => {
    const { registry, targets: [seed] } = seeded(["127.0.0.1", 6379]);
    expect(addresses(registry.learnView(seed!, recordedView(scenario, 1)))).toEqual(expected);
  });

  it("keeps a seed's given address while its own view does not know its IP", () => {
    const { registry, targets: [seed] } = seeded(["127.0.0.1", 6379]);
    expect(registry.learnView(seed!, freshNodeView())).toEqual([]);
    expect(seed).toMatchObject({ address: "127.0.0.1:6379", id: freshNodeView()[0]?.id });
    expect(seed?.id).toMatch(/^[0-9a-f]{40}$/);
  });
});
