// The lab itself, on a real 6-node cluster: faults must do exactly what their names say at the TCP
// level, process faults must reach the processes, and `down` must leave nothing behind.
import { existsSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Lab, builtCliScript, type LabStatus } from "../../src/lab/index.js";
import { runCommand } from "../../src/lab/run.js";
import { VERSION } from "../../src/version.js";
import { useLab } from "./support/lab.js";
import { redisCli, tcpConnect } from "./support/tcp.js";

const NAME = "e2e-lab";
const BUS = 16379;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `done` holds (bounded): the cluster reacts to changes over a few heartbeats. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let last = await read();
  for (let attempt = 0; attempt < 100 && !done(last); attempt++) {
    await sleep(100);
    last = await read();
  }
  if (!done(last)) throw new Error(`gave up waiting for ${what}; last value: ${JSON.stringify(last)}`);
  return last;
}

function netnsInode(pid: number | "self"): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return null;
  }
}

describe("lab: 3 masters, 3 replicas, node timeout 2000 ms", () => {
  const lab = useLab({ name: NAME, nodeTimeoutMs: 2000 });

  it("comes up settled: every node reports cluster_state:ok and sees 3 masters and 3 replicas", async () => {
    for (const node of lab().nodes) {
      const info = await redisCli(lab(), node.address, "cluster", "info");
      expect(info.stdout, node.endpoint).toContain("cluster_state:ok");
      const nodes = await redisCli(lab(), node.address, "cluster", "nodes");
      // CLUSTER NODES: <id> <ip:port@cport> <flags> <master-id> ...; flags like "myself,master" or "slave".
      const roles = nodes.stdout
        .trim()
        .split("\n")
        .map((line) => line.split(" ")[2]?.replace("myself,", ""));
      expect(roles.sort()).toEqual(["master", "master", "master", "slave", "slave", "slave"]);
      expect(nodes.stdout).not.toMatch(/fail/);
    }
  });

  it("drop on node 3's inbound bus: a connect to its bus port times out while its client port answers PING", async () => {
    await lab().fault({ kind: "bus", node: 3, direction: "in", action: "drop" });
    expect(await tcpConnect(lab(), { host: "127.0.0.3", port: BUS })).toBe("timeout");
    expect(await tcpConnect(lab(), { host: "127.0.0.2", port: BUS })).toBe("open");
    expect((await redisCli(lab(), "127.0.0.3", "ping")).stdout.trim()).toBe("PONG");
    const table = await lab().exec(["nft", "list", "table", "inet", "busdoctor_lab"]);
    expect(table.stdout).toContain("ip daddr 127.0.0.3 tcp dport 16379 drop");
    await lab().heal();
    expect(await tcpConnect(lab(), { host: "127.0.0.3", port: BUS })).toBe("open");
  });

  it("reject on node 3's bus: the connect is refused", async () => {
    await lab().fault({ kind: "bus", node: 3, direction: "both", action: "reject" });
    expect(await tcpConnect(lab(), { host: "127.0.0.3", port: BUS })).toBe("refused");
    expect((await redisCli(lab(), "127.0.0.3", "ping")).stdout.trim()).toBe("PONG");
    await lab().heal();
  });

  it("outbound block on node 3: node 3 reaches no peer's bus, peers still reach node 3's", async () => {
    await lab().fault({ kind: "bus", node: 3, direction: "out", action: "drop" });
    expect(await tcpConnect(lab(), { from: "127.0.0.3", host: "127.0.0.5", port: BUS })).toBe("timeout");
    expect(await tcpConnect(lab(), { from: "127.0.0.5", host: "127.0.0.3", port: BUS })).toBe("open");
    expect(await tcpConnect(lab(), { from: "127.0.0.3", host: "127.0.0.5", port: 6379 })).toBe("open");
    await lab().heal();
  });

  it("a pair fault blocks one direction between two nodes only", async () => {
    await lab().fault({ kind: "pair", from: 2, to: 3, action: "drop" });
    expect(await tcpConnect(lab(), { from: "127.0.0.2", host: "127.0.0.3", port: BUS })).toBe("timeout");
    expect(await tcpConnect(lab(), { from: "127.0.0.3", host: "127.0.0.2", port: BUS })).toBe("open");
    expect(await tcpConnect(lab(), { from: "127.0.0.4", host: "127.0.0.3", port: BUS })).toBe("open");
    await lab().heal();
  });

  it("a partition of {1,4} and {2,3,5,6} blocks the bus across groups both ways, not within them", async () => {
    await lab().fault({
      kind: "partition",
      groups: [
        [1, 4],
        [2, 3, 5, 6],
      ],
      action: "reject",
    });
    expect(await tcpConnect(lab(), { from: "127.0.0.4", host: "127.0.0.2", port: BUS })).toBe("refused");
    expect(await tcpConnect(lab(), { from: "127.0.0.2", host: "127.0.0.4", port: BUS })).toBe("refused");
    expect(await tcpConnect(lab(), { from: "127.0.0.1", host: "127.0.0.4", port: BUS })).toBe("open");
    expect(await tcpConnect(lab(), { from: "127.0.0.5", host: "127.0.0.3", port: BUS })).toBe("open");
    await lab().heal();
  });

  it("every bus port blocked, and a blocked client port; heal removes the lab's nft table", async () => {
    await lab().fault({ kind: "bus-all", action: "drop" });
    await lab().fault({ kind: "client", node: 5, action: "reject" });
    expect(lab().faults.map((fault) => fault.kind)).toEqual(["bus-all", "client"]);
    expect(await tcpConnect(lab(), { from: "127.0.0.2", host: "127.0.0.6", port: BUS })).toBe("timeout");
    expect(await tcpConnect(lab(), { host: "127.0.0.5", port: 6379 })).toBe("refused");
    expect(await tcpConnect(lab(), { host: "127.0.0.4", port: 6379 })).toBe("open");
    await lab().heal();
    expect(lab().faults).toEqual([]);
    const table = await lab().exec(["nft", "list", "table", "inet", "busdoctor_lab"]);
    expect(table.code).not.toBe(0);
    await lab().waitUntilSettled();
  });

  it("a node announcing a bus port nothing listens on shows up in its peers' views, and heal restores it", async () => {
    await lab().fault({ kind: "announce-bus-port", node: 3, port: 17000 });
    const view = () => redisCli(lab(), "127.0.0.1", "cluster", "nodes").then((reply) => reply.stdout);
    await eventually(view, (text) => text.includes("127.0.0.3:6379@17000"), "node 1 to see node 3 announce @17000");
    expect(await tcpConnect(lab(), { host: "127.0.0.3", port: 17000 })).toBe("refused");
    await lab().heal();
    await eventually(view, (text) => text.includes("127.0.0.3:6379@16379"), "node 1 to see node 3 back on @16379");
    await lab().waitUntilSettled();
  });

  it("kill stops the process (client port refused), restart brings it back into the cluster", async () => {
    const pidfile = lab().node(6).pidfile;
    await lab().kill(6);
    expect(await tcpConnect(lab(), { host: "127.0.0.6", port: 6379 })).toBe("refused");
    const down = await lab().status();
    expect(down.nodes[5]).toMatchObject({ index: 6, process: "exited", pid: null, answersPing: false });
    await lab().restart(6);
    expect((await redisCli(lab(), "127.0.0.6", "ping")).stdout.trim()).toBe("PONG");
    await lab().waitUntilSettled();
    expect(existsSync(pidfile)).toBe(true);
  });

  it("pause leaves the ports accepting TCP but the node silent; resume and heal wake it", async () => {
    await lab().pause(5);
    expect(await tcpConnect(lab(), { host: "127.0.0.5", port: 6379 })).toBe("open");
    expect((await redisCli(lab(), "127.0.0.5", "ping")).timedOut).toBe(true);
    const paused: LabStatus = await lab().status();
    expect(paused.nodes[4]).toMatchObject({ index: 5, process: "stopped", answersPing: false });
    await lab().resume(5);
    expect((await redisCli(lab(), "127.0.0.5", "ping")).stdout.trim()).toBe("PONG");
    await lab().pause(5);
    await lab().heal();
    expect((await redisCli(lab(), "127.0.0.5", "ping")).stdout.trim()).toBe("PONG");
    await lab().waitUntilSettled();
  });

  it("another process attaches to the same lab from its state", async () => {
    await lab().fault({ kind: "bus", node: 2, direction: "in", action: "drop" });
    const attached = await Lab.attach(NAME);
    expect(attached.namespace).toBe(lab().namespace);
    expect(attached.endpoints).toEqual(lab().endpoints);
    expect(attached.faults).toEqual([{ kind: "bus", node: 2, direction: "in", action: "drop" }]);
    await attached.heal();
  });

  it("runs a program, and the built busdoctor CLI, inside the namespace", async () => {
    const script = join(tmpdir(), `busdoctor-e2e-lab-${process.pid}.cjs`);
    writeFileSync(script, 'process.stdout.write(require("node:fs").readlinkSync("/proc/self/ns/net"));\n');
    const inside = await lab().runBusdoctor([], { script });
    expect(inside.stdout).toMatch(/^net:\[\d+\]$/);
    expect(inside.stdout).not.toBe(netnsInode("self"));
    const version = await lab().runBusdoctor(["--version"]);
    expect(version.stdout.trim()).toBe(VERSION);
    const ping = await lab().exec(["redis-cli", "-h", "127.0.0.4", "ping"]);
    expect({ code: ping.code, stdout: ping.stdout.trim() }).toEqual({ code: 0, stdout: "PONG" });
  });

  it("down stops every redis-server and removes the namespace and the state dir", async () => {
    const namespacePids = (await runCommand(["ip", "netns", "pids", lab().namespace])).stdout.trim().split("\n").map(Number);
    const namespaceLink = netnsInode(namespacePids[0] ?? 0);
    expect(namespaceLink).not.toBeNull();
    await lab().down();
    const inOldNamespace = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => netnsInode(Number(pid)) === namespaceLink);
    expect(inOldNamespace).toEqual([]);
    expect((await runCommand(["ip", "netns", "list"])).stdout).not.toContain(lab().namespace);
    expect(existsSync(lab().stateDir)).toBe(false);
  });
});

describe("busdoctor lab CLI: up, fault, status, exec, down across invocations", () => {
  const name = "e2e-lab-cli";
  const cli = (...args: string[]) => runCommand([process.execPath, builtCliScript(), "lab", ...args, "--name", name], { timeoutMs: 90_000 });
  afterAll(async () => {
    await Lab.destroy(name);
  });

  it("drives a 3-master lab from separate processes", async () => {
    const up = await cli("up", "--masters", "3", "--replicas", "0", "--node-timeout", "2000", "--base-address", "127.0.0.11");
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain("creating the cluster");
    const fault = await cli("fault", "bus", "127.0.0.12:6379", "--direction", "in", "--action", "reject");
    expect(fault.stdout).toBe("applied: bus port of node 2 (127.0.0.12) blocked inbound (reject)\n");
    const status = JSON.parse((await cli("status", "--json")).stdout) as LabStatus;
    expect(status.nodes.map((node) => [node.endpoint, node.role, node.answersPing])).toEqual([
      ["127.0.0.11:6379", "master", true],
      ["127.0.0.12:6379", "master", true],
      ["127.0.0.13:6379", "master", true],
    ]);
    expect(status.faults.map((entry) => entry.fault)).toEqual([{ kind: "bus", node: 2, direction: "in", action: "reject" }]);
    const exec = await runCommand([process.execPath, builtCliScript(), "lab", "exec", "--name", name, "--", "sh", "-c", "exit 7"]);
    expect(exec.code).toBe(7);
    const bad = await cli("fault", "bus", "9");
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({ code: 3, stderr: 'busdoctor: node "9": the lab has nodes 1 to 3\n' });
    const down = await cli("down");
    expect(down.stdout).toBe(`lab "${name}" is down\n`);
    expect(existsSync(`/run/busdoctor/labs/${name}`)).toBe(false);
    expect((await runCommand(["ip", "netns", "list"])).stdout).not.toContain(`busdoctor-${name}`);
  });
});
