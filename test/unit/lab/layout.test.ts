import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { clientAddresses, nodeAddresses } from "../../../src/lab/addresses.js";
import { checkServerSupports, planNodes, redisServerArgs, resolveLabOptions, type LabOptions, type NodeServerSettings } from "../../../src/lab/layout.js";
import { parseServerVersion, serverProfile, type ServerProfile } from "../../../src/lab/server.js";

function profileOf(versionLine: string): ServerProfile {
  const version = parseServerVersion(versionLine);
  if (version === null) throw new Error(`not a version line: ${versionLine}`);
  return serverProfile(version, "/x/redis-server");
}
const REDIS_7_0 = profileOf("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c971a948f0");
const REDIS_6_2 = profileOf("Redis server v=6.2.16 sha=00000000:0 malloc=libc bits=64 build=6802c2fb3baf080c");
const VALKEY_8 = profileOf("Valkey server v=8.0.1 sha=00000000:1 malloc=libc bits=64 build=7e68a1a1cf24f61e");

describe("resolveLabOptions", () => {
  it("defaults to 3 masters with 1 replica each on 127.0.0.1:6379, bus 16379, node timeout 3000 ms", () => {
    expect(resolveLabOptions()).toEqual({
      name: "lab",
      masters: 3,
      replicasPerMaster: 1,
      port: 6379,
      clusterPort: 16379,
      nodeTimeoutMs: 3000,
      baseAddress: "127.0.0.1",
      stateRoot: "/run/busdoctor/labs",
      settleTimeoutMs: 60000,
      server: null,
      tls: false,
      hostnames: false,
      clientAnnounce: false,
    });
  });

  it.each([
    { options: { port: 7000 }, clusterPort: 17000 },
    { options: { port: 7000, clusterPort: 7100 }, clusterPort: 7100 },
    { options: { port: 60000, clusterPort: 16000 }, clusterPort: 16000 },
  ])("cluster port for $options is $clusterPort", ({ options, clusterPort }) => {
    expect(resolveLabOptions(options).clusterPort).toBe(clusterPort);
  });

  const invalid: Array<{ options: LabOptions; message: string }> = [
    { options: { name: "../etc" }, message: 'lab name "../etc" is invalid: use up to 40 letters, digits, ".", "_" or "-"' },
    { options: { name: "" }, message: 'lab name "" is invalid: use up to 40 letters, digits, ".", "_" or "-"' },
    { options: { masters: 2 }, message: "masters must be an integer from 3 to 100, got 2" },
    { options: { replicasPerMaster: -1 }, message: "replicas per master must be an integer from 0 to 10, got -1" },
    { options: { port: 70000 }, message: "port must be an integer from 1 to 65535, got 70000" },
    { options: { port: 60000 }, message: "port 60000 + 10000 is past 65535: give a cluster port explicitly" },
    { options: { port: 7000, clusterPort: 7000 }, message: "cluster port must differ from the client port (7000)" },
    { options: { nodeTimeoutMs: 1.5 }, message: "node timeout (ms) must be an integer from 100 to 3600000, got 1.5" },
    { options: { baseAddress: "10.0.0.1" }, message: "base address 10.0.0.1 with 6 nodes leaves 127.0.0.1-127.255.255.254 (loopback only)" },
    { options: { baseAddress: "127.255.255.252" }, message: "base address 127.255.255.252 with 6 nodes leaves 127.0.0.1-127.255.255.254 (loopback only)" },
    { options: { baseAddress: "127.0.0" }, message: 'base address "127.0.0" is not an IPv4 or IPv6 address' },
    { options: { baseAddress: "127.0.0.300" }, message: 'base address "127.0.0.300" is not an IPv4 or IPv6 address' },
    { options: { baseAddress: "2001:db8::1" }, message: "base address 2001:db8::1 is not a unique-local IPv6 address (fc00::/7)" },
    { options: { baseAddress: "fd00::fffe" }, message: "base address fd00::fffe with 6 nodes leaves its last group (use one like fd00:b5d0::1)" },
    { options: { ipv6: true, baseAddress: "127.0.0.1" }, message: "--ipv6 and base address 127.0.0.1 disagree: give an IPv6 base address or none" },
    { options: { ipv6: true, clientAnnounce: true }, message: "client addresses (cluster-announce-client-ipv4) need an IPv4 lab" },
  ];
  it.each(invalid)("refuses $options", ({ options, message }) => {
    expect(() => resolveLabOptions(options)).toThrow(new UsageError(message));
  });
});

describe("nodeAddresses", () => {
  it.each([
    { base: "127.0.0.1", count: 3, addresses: ["127.0.0.1", "127.0.0.2", "127.0.0.3"] },
    { base: "127.0.0.11", count: 2, addresses: ["127.0.0.11", "127.0.0.12"] },
    { base: "127.0.0.254", count: 3, addresses: ["127.0.0.254", "127.0.0.255", "127.0.1.0"] },
    // IPv6 in the canonical form Redis prints (inet_ntop), counting in the last group.
    { base: "fd00:b5d0::1", count: 3, addresses: ["fd00:b5d0::1", "fd00:b5d0::2", "fd00:b5d0::3"] },
    { base: "FD00:B5D0:0:0::9", count: 2, addresses: ["fd00:b5d0::9", "fd00:b5d0::a"] },
  ])("$count from $base", ({ base, count, addresses }) => {
    expect(nodeAddresses(base, count)).toEqual(addresses);
  });

  it("gives Valkey client addresses one /24 above the bus addresses", () => {
    expect(clientAddresses(["127.0.0.1", "127.0.0.6"])).toEqual(["127.0.1.1", "127.0.1.6"]);
  });
});

describe("planNodes", () => {
  it("gives node N the Nth address, the shared ports and its own files under the lab's state dir", () => {
    const nodes = planNodes(resolveLabOptions({ name: "t", masters: 3, replicasPerMaster: 0, baseAddress: "127.0.0.11", stateRoot: "/s" }));
    expect(nodes.at(-1)).toEqual({
      index: 3,
      address: "127.0.0.13",
      port: 6379,
      clusterPort: 16379,
      endpoint: "127.0.0.13:6379",
      hostname: null,
      clientAddress: null,
      dir: "/s/t/node3",
      configFile: "/s/t/node3/nodes.conf",
      pidfile: "/s/t/node3/redis.pid",
      logfile: "/s/t/node3/redis.log",
      status: "running",
    });
    expect(nodes.map((node) => node.endpoint)).toEqual(["127.0.0.11:6379", "127.0.0.12:6379", "127.0.0.13:6379"]);
  });

  it("brackets IPv6 endpoints and names hostnames under .test", () => {
    const nodes = planNodes(resolveLabOptions({ name: "v6", masters: 3, replicasPerMaster: 0, ipv6: true, hostnames: true, stateRoot: "/s" }));
    expect(nodes.map((node) => [node.address, node.endpoint, node.hostname])).toEqual([
      ["fd00:b5d0::1", "[fd00:b5d0::1]:6379", "redis-1.v6.busdoctor.test"],
      ["fd00:b5d0::2", "[fd00:b5d0::2]:6379", "redis-2.v6.busdoctor.test"],
      ["fd00:b5d0::3", "[fd00:b5d0::3]:6379", "redis-3.v6.busdoctor.test"],
    ]);
  });
});

describe("checkServerSupports", () => {
  it.each([
    {
      options: { clusterPort: 17000 },
      server: REDIS_6_2,
      message: "Redis 6.2.16 has no cluster-port setting: its bus port is always port + 10000, so drop --cluster-port",
    },
    { options: { hostnames: true }, server: REDIS_6_2, message: "Redis 6.2.16 cannot announce hostnames (cluster-announce-hostname came with Redis 7.0)" },
    {
      options: { clientAnnounce: true },
      server: REDIS_7_0,
      message: "Redis 7.0.15 cannot announce a client address apart from the bus address (cluster-announce-client-ipv4 is Valkey 8+)",
    },
  ])("refuses $options on $server.version", ({ options, server, message }) => {
    expect(() => checkServerSupports(resolveLabOptions(options), server)).toThrow(new UsageError(message));
  });

  it("accepts the default bus port on 6.2 and client addresses on Valkey 8", () => {
    expect(() => checkServerSupports(resolveLabOptions({ port: 7000, clusterPort: 17000 }), REDIS_6_2)).not.toThrow();
    expect(() => checkServerSupports(resolveLabOptions({ clientAnnounce: true }), VALKEY_8)).not.toThrow();
  });
});

describe("redisServerArgs", () => {
  const [node] = planNodes(resolveLabOptions({ name: "t", port: 7000, clusterPort: 7100, baseAddress: "127.0.0.5", stateRoot: "/s" }));
  if (node === undefined) throw new Error("planNodes returned no node");
  const settings: NodeServerSettings = { nodeTimeoutMs: 2000, server: REDIS_7_0, tlsCaFile: null };
  const args = redisServerArgs(node, settings);
  const valueAfter = (flag: string): string | undefined => args[args.indexOf(flag) + 1];

  it.each([
    ["--bind", "127.0.0.5"],
    ["--bind-source-addr", "127.0.0.5"],
    ["--cluster-announce-ip", "127.0.0.5"],
    ["--port", "7000"],
    ["--cluster-port", "7100"],
    ["--protected-mode", "no"],
    ["--cluster-enabled", "yes"],
    ["--cluster-config-file", "/s/t/node1/nodes.conf"],
    ["--cluster-node-timeout", "2000"],
    ["--dir", "/s/t/node1"],
    ["--save", ""],
    ["--appendonly", "no"],
    ["--daemonize", "yes"],
    ["--pidfile", "/s/t/node1/redis.pid"],
    ["--logfile", "/s/t/node1/redis.log"],
  ])("%s %j", (flag, value) => {
    expect(valueAfter(flag)).toBe(value);
  });

  it("announces another bus port only when asked to", () => {
    expect(args).not.toContain("--cluster-announce-bus-port");
    const announced = redisServerArgs(node, { ...settings, announcedBusPort: 17999 });
    expect(announced[announced.indexOf("--cluster-announce-bus-port") + 1]).toBe("17999");
  });

  it("leaves out what Redis 6.2 does not know: cluster-port and bind-source-addr", () => {
    const old = redisServerArgs(node, { ...settings, server: REDIS_6_2 });
    expect(old).not.toContain("--cluster-port");
    expect(old).not.toContain("--bind-source-addr");
    // Its outgoing bus connections leave from the first --bind address: the node's own.
    expect(old.slice(0, 2)).toEqual(["--bind", "127.0.0.5"]);
  });

  it("serves TLS only on the client port, the bus and replication in a TLS lab", () => {
    const tls = redisServerArgs(node, { ...settings, tlsCaFile: "/s/t/tls/ca.crt" });
    const tlsValue = (flag: string): string | undefined => tls[tls.indexOf(flag) + 1];
    expect([tlsValue("--port"), tlsValue("--tls-port"), tlsValue("--tls-cluster"), tlsValue("--tls-replication")]).toEqual(["0", "7000", "yes", "yes"]);
    expect([tlsValue("--tls-cert-file"), tlsValue("--tls-key-file"), tlsValue("--tls-ca-cert-file")]).toEqual([
      "/s/t/node1/tls.crt",
      "/s/t/node1/tls.key",
      "/s/t/tls/ca.crt",
    ]);
  });

  it("announces hostnames and Valkey client addresses, binding the client address too", () => {
    const [valkeyNode] = planNodes(resolveLabOptions({ name: "v", hostnames: true, clientAnnounce: true, stateRoot: "/s" }));
    if (valkeyNode === undefined) throw new Error("planNodes returned no node");
    const valkey = redisServerArgs(valkeyNode, { ...settings, server: VALKEY_8 });
    expect(valkey.slice(0, 3)).toEqual(["--bind", "127.0.0.1", "127.0.1.1"]);
    expect(valkey[valkey.indexOf("--cluster-announce-client-ipv4") + 1]).toBe("127.0.1.1");
    expect(valkey[valkey.indexOf("--cluster-announce-ip") + 1]).toBe("127.0.0.1");
    expect(valkey[valkey.indexOf("--cluster-announce-hostname") + 1]).toBe("redis-1.v.busdoctor.test");
  });
});
