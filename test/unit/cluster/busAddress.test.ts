import { describe, expect, it } from "vitest";
import { announcedBus, busProbeHost, tlsServerName, type BusProbeInput } from "../../../src/cluster/busAddress.js";
import { parseClusterNodes } from "../../../src/parse/clusterNodes.js";
import { announced17000, fresh } from "./myselfLines.js";
import { checkScope, seedScope } from "../../../src/cluster/scope.js";

// Valkey 8 with cluster-announce-client-ipv4 127.0.1.3: CLUSTER NODES prints 127.0.1.3:6379@16379 to
// clients, while peers dial the bus at cluster-announce-ip 127.0.0.3 (test/fixtures/valkey-8.0.1).
const valkey = { busIp: "127.0.0.3", clientIps: ["127.0.1.3"], hostname: null };
const valkeyWithoutAnnounceIp = { busIp: null, clientIps: ["127.0.1.3"], hostname: null };
const plain = { busIp: "127.0.0.3", clientIps: [], hostname: "redis-3.example" };

describe("busProbeHost", () => {
  const cases: Array<{ name: string; input: BusProbeInput; host: string | null }> = [
    {
      name: "a node that announces no client address: where the tool knows it",
      input: { host: "127.0.0.3", own: plain, clusterAnnouncesClientIps: false },
      host: "127.0.0.3",
    },
    {
      name: "config not read, nobody announces client addresses",
      input: { host: "127.0.0.3", own: null, clusterAnnouncesClientIps: false },
      host: "127.0.0.3",
    },
    {
      name: "a printed client address: the node's cluster-announce-ip",
      input: { host: "127.0.1.3", own: valkey, clusterAnnouncesClientIps: true },
      host: "127.0.0.3",
    },
    { name: "a seed given at its bus address stays there", input: { host: "127.0.0.3", own: valkey, clusterAnnouncesClientIps: true }, host: "127.0.0.3" },
    {
      name: "a client address and no cluster-announce-ip: unknown",
      input: { host: "127.0.1.3", own: valkeyWithoutAnnounceIp, clusterAnnouncesClientIps: true },
      host: null,
    },
    {
      name: "config not read in a cluster that announces client addresses: unknown",
      input: { host: "127.0.1.5", own: null, clusterAnnouncesClientIps: true },
      host: null,
    },
  ];
  it.each(cases)("$name", ({ input, host }) => {
    expect(busProbeHost(input)).toBe(host);
  });

  it("never probes a bus address the node announces outside the seeds' scope (a claim like any other)", () => {
    const scope = seedScope(["127.0.0.1"], []);
    const admit = (host: string) => checkScope(scope, host);
    const outside = { busIp: "169.254.169.254", clientIps: ["127.0.1.3"], hostname: null };
    expect(busProbeHost({ host: "127.0.1.3", own: outside, clusterAnnouncesClientIps: true, admit })).toBeNull();
    expect(busProbeHost({ host: "127.0.1.3", own: valkey, clusterAnnouncesClientIps: true, admit })).toBe("127.0.0.3");
  });

  it("never probes a hostname: an announced one is not an address the tool knows a node by", () => {
    expect(busProbeHost({ host: "127.0.0.3", own: plain, clusterAnnouncesClientIps: false })).not.toBe(plain.hostname);
  });
});

describe("tlsServerName", () => {
  it.each([
    { dialed: "127.0.0.3", hostname: "redis-3.example", name: "redis-3.example" },
    { dialed: "fd00:b5d0::3", hostname: null, name: undefined },
    { dialed: "127.0.0.3", hostname: "", name: undefined },
    { dialed: "redis-a.internal", hostname: null, name: "redis-a.internal" },
    { dialed: "127.0.0.3", hostname: "a b\u0000.example", name: undefined },
    { dialed: "127.0.0.3", hostname: `${"a".repeat(254)}`, name: undefined },
  ])("dialing $dialed announced as $hostname: $name", ({ dialed, hostname, name }) => {
    expect(tlsServerName(dialed, hostname)).toBe(name);
  });
});

describe("announcedBus", () => {
  it("takes the announced ip and cport, or the given host when the node has no ip yet", () => {
    expect(announcedBus(announced17000, "10.0.0.9")).toMatchObject({ host: "127.0.0.3", port: 17000 });
    expect(announcedBus(fresh, "10.0.0.9")).toMatchObject({ host: "10.0.0.9", port: 16379 });
    expect(announcedBus(null, "10.0.0.9")).toBeNull();
  });

  it("takes the bus address, not a Valkey client address the node's own line prints", () => {
    // Valkey 8.0.1 with cluster-announce-client-ipv4 (test/fixtures/valkey-8.0.1/snapshots/announced-healthy.json).
    const [own] = parseClusterNodes(
      "261a20c412bc915ef0dcc578b53ebfd29b230720 127.0.1.3:6379@16379,redis-3.rec-compat.busdoctor.test myself,master - 0 0 3 connected 10923-16383",
    );
    expect(announcedBus(own ?? null, "127.0.1.3", { busIp: "127.0.0.3", clientIps: ["127.0.1.3"], hostname: null })).toMatchObject({
      host: "127.0.0.3",
      port: 16379,
    });
    // Without cluster-announce-ip the node does not say where its bus is: no address rather than the client one.
    expect(announcedBus(own ?? null, "127.0.1.3", { busIp: null, clientIps: ["127.0.1.3"], hostname: null })).toBeNull();
  });
});
