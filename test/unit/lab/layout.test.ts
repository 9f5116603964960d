import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { nodeAddresses, planNodes, redisServerArgs, resolveLabOptions, type LabOptions } from "../../../src/lab/layout.js";

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
    { options: { baseAddress: "127.0.0" }, message: 'base address "127.0.0" is not an IPv4 address' },
    { options: { baseAddress: "127.0.0.300" }, message: 'base address "127.0.0.300" is not an IPv4 address' },
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
  ])("$count from $base", ({ base, count, addresses }) => {
    expect(nodeAddresses(base, count)).toEqual(addresses);
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
      dir: "/s/t/node3",
      configFile: "/s/t/node3/nodes.conf",
      pidfile: "/s/t/node3/redis.pid",
      logfile: "/s/t/node3/redis.log",
      status: "running",
    });
    expect(nodes.map((node) => node.endpoint)).toEqual(["127.0.0.11:6379", "127.0.0.12:6379", "127.0.0.13:6379"]);
  });
});

describe("redisServerArgs", () => {
  const [node] = planNodes(resolveLabOptions({ name: "t", port: 7000, clusterPort: 7100, baseAddress: "127.0.0.5", stateRoot: "/s" }));
  if (node === undefined) throw new Error("planNodes returned no node");
  const args = redisServerArgs(node, 2000);
  const valueOf = (flag: string): string | undefined => args[args.indexOf(flag) + 1];

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
    expect(valueOf(flag)).toBe(value);
  });

  it("announces another bus port only when asked to", () => {
    expect(args).not.toContain("--cluster-announce-bus-port");
    const announced = redisServerArgs(node, 2000, 17999);
    expect(announced[announced.indexOf("--cluster-announce-bus-port") + 1]).toBe("17999");
  });
});
