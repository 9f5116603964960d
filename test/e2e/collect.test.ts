// collectSnapshot / collectSampled against a real 6-node cluster (3 masters, 3 replicas) of redis-server
// processes in a private network namespace. The collection runs in a child process inside that
// namespace (support/collect-run.ts); this process only sets up, breaks nodes and reads the JSON.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectEvent } from "../../src/collect/collect.js";
import type { ConnectionOptions } from "../../src/collect/options.js";
import type { NodeCommand, NodeSnapshot, Snapshot } from "../../src/model/snapshot.js";
import { TestCluster } from "./support/collect-cluster.js";
import type { CollectRequest } from "./support/collect-run.js";
import { makeTestCertificates, type TestCertificates } from "./support/collect-tls.js";
import { CHECK_ACL_WITHOUT_CONFIG } from "./support/acl.js";

const cluster = new TestCluster({ namespace: "busdoctor-collect-test", dir: "/tmp/busdoctor-collect-test", nodeCount: 6, nodeTimeoutMs: 2000 });
const RUNNER = fileURLToPath(new URL("./support/collect-run.ts", import.meta.url));
const TIMEOUT_MS = 1000;
const PASSWORD = "collect-e2e-Secret-7f3a";
const ALL_COMMANDS: NodeCommand[] = [
  "clusterInfo",
  "clusterLinks",
  "clusterMyid",
  "clusterNodes",
  "configAnnounce",
  "configClusterPort",
  "configNodeTimeout",
  "info",
  "ping",
];

type CollectOutput = { ok: true; snapshot: Snapshot; events: CollectEvent[] } | { ok: false; error: { name: string; reason: string; message: string } };

const plain: ConnectionOptions = { timeoutMs: TIMEOUT_MS, user: null, password: null, tls: null };

/** Runs the collection in the namespace; `stdout` is everything it printed, for the secrecy checks. */
function collect(request: CollectRequest): { output: CollectOutput; stdout: string } {
  const stdout = cluster.inNamespace([process.execPath, "--import", "tsx", RUNNER, JSON.stringify(request)], 60_000);
  return { output: JSON.parse(stdout) as CollectOutput, stdout };
}

function snapshotOf(request: CollectRequest): { snapshot: Snapshot; events: CollectEvent[] } {
  const { output } = collect(request);
  if (!output.ok) throw new Error(`collection failed: ${output.error.message}`);
  return output;
}

function failureOf(request: CollectRequest): { name: string; reason: string; message: string } {
  const { output } = collect(request);
  if (output.ok) throw new Error("the collection succeeded");
  return output.error;
}

function node(snapshot: Snapshot, address: string): NodeSnapshot {
  const found = snapshot.nodes.find((entry) => entry.address === address);
  if (!found) throw new Error(`${address} is not in the snapshot (${snapshot.nodes.map((entry) => entry.address).join(", ")})`);
  return found;
}

const sixAddresses = cluster.nodes().map((index) => cluster.address(index));

/** A replica: pausing, password-protecting or killing it leaves the cluster's slots served. */
function replicaNode(): number {
  const replica = cluster.nodes().find((index) => cluster.cli(index, "ROLE").startsWith("slave"));
  if (replica === undefined) throw new Error("the cluster has no replica");
  return replica;
}

beforeAll(() => cluster.start());
afterAll(() => cluster.stop());

describe("collectSnapshot on a healthy cluster", () => {
  it("discovers all 6 nodes from one seed, records every command and finds every port open", () => {
    const { snapshot, events } = snapshotOf({ seeds: ["127.0.0.1:6379"], options: plain });
    expect(snapshot.format).toBe(1);
    expect(snapshot.seeds).toEqual(["127.0.0.1:6379"]);
    expect(snapshot.settings).toEqual({ timeoutMs: TIMEOUT_MS, tls: false, auth: false, user: null });
    expect(snapshot.baseline).toBeNull();
    expect(snapshot.nodes.map((entry) => entry.address)).toEqual(sixAddresses);
    expect(snapshot.nodes.map((entry) => entry.origin)).toEqual(["seed", "discovered", "discovered", "discovered", "discovered", "discovered"]);
    for (const entry of snapshot.nodes) {
      expect(entry.connection.ok).toBe(true);
      expect(Object.keys(entry.commands).sort()).toEqual(ALL_COMMANDS);
      for (const result of Object.values(entry.commands)) expect(result).toMatchObject({ ok: true });
      expect(entry.commands.ping).toMatchObject({ reply: "PONG" });
      expect(entry.commands.clusterMyid).toMatchObject({ reply: expect.stringMatching(/^[0-9a-f]{40}$/) });
      expect(entry.commands.configNodeTimeout).toMatchObject({ reply: ["cluster-node-timeout", "2000"] });
      expect(entry.commands.configClusterPort).toMatchObject({ reply: ["cluster-port", "0"] });
      const nodesReply = entry.commands.clusterNodes;
      expect(nodesReply?.ok && typeof nodesReply.reply === "string" ? nodesReply.reply.trim().split("\n") : []).toHaveLength(6);
      expect(entry.failureReports).toEqual({});
      expect(entry.probes.client).toMatchObject({ host: entry.host, port: 6379, state: "open" });
      expect(entry.probes.bus).toMatchObject({ host: entry.host, port: 16379, state: "open" });
      expect(snapshot.takenAtMs).toBeLessThanOrEqual(entry.startedAtMs);
      expect(entry.startedAtMs).toBeLessThanOrEqual(entry.finishedAtMs);
      expect(entry.finishedAtMs).toBeLessThanOrEqual(snapshot.finishedAtMs);
    }
    const ids = snapshot.nodes.map((entry) => (entry.commands.clusterMyid?.ok ? entry.commands.clusterMyid.reply : null));
    expect(new Set(ids).size).toBe(6);
    expect(events[0]).toEqual({ type: "seed-connecting", address: "127.0.0.1:6379" });
    expect(events.filter((event) => event.type === "node-discovered")).toHaveLength(5);
    expect(events.filter((event) => event.type === "node-done" && event.ok)).toHaveLength(6);
    expect(events.filter((event) => event.type === "probes-pending").at(-1)).toEqual({ type: "probes-pending", count: 0 });
  });

  it("renames a seed given by host name to its announced address and queries a repeated seed once", () => {
    const { snapshot } = snapshotOf({ seeds: ["localhost", "127.0.0.2:6379", "127.0.0.2"], options: plain });
    expect(snapshot.seeds).toEqual(["localhost:6379", "127.0.0.2:6379", "127.0.0.2:6379"]);
    expect(snapshot.nodes.map((entry) => entry.address).sort()).toEqual(sixAddresses);
    expect(node(snapshot, "127.0.0.1:6379")).toMatchObject({ host: "localhost", port: 6379, origin: "seed" });
    expect(node(snapshot, "127.0.0.2:6379")).toMatchObject({ host: "127.0.0.2", origin: "seed" });
    expect(snapshot.nodes.filter((entry) => entry.origin === "seed")).toHaveLength(2);
  });

  it("collectSampled takes a CLUSTER INFO baseline of every node sampleMs before the snapshot", () => {
    const { snapshot } = snapshotOf({ seeds: ["127.0.0.4:6379"], options: plain, sampleMs: 300 });
    const baseline = snapshot.baseline;
    if (baseline === null) throw new Error("no baseline");
    expect(Object.keys(baseline.clusterInfo).sort()).toEqual(sixAddresses);
    for (const result of Object.values(baseline.clusterInfo)) {
      expect(result).toMatchObject({ ok: true, reply: expect.stringContaining("cluster_stats_messages_sent:") });
    }
    expect(baseline.takenAtMs + 300).toBeLessThanOrEqual(snapshot.takenAtMs);
    expect(snapshot.nodes).toHaveLength(6);
  });

  it("names an unreadable --cacert file before connecting anywhere", () => {
    const tls = { caFile: "/nonexistent/busdoctor-ca.pem", insecure: false };
    expect(failureOf({ seeds: ["127.0.0.1:6379"], options: { ...plain, tls } })).toEqual({
      name: "CollectError",
      reason: "tls-file",
      message: "cannot read the --cacert file /nonexistent/busdoctor-ca.pem: no such file",
    });
  });
});

describe("collectSnapshot with credentials", () => {
  it("records CONFIG GET as noperm for an ACL user without CONFIG, answers the rest, and never writes the password", () => {
    for (const index of cluster.nodes()) {
      cluster.cli(index, "ACL", "SETUSER", "busdoctor-ro", "on", `>${PASSWORD}`, ...CHECK_ACL_WITHOUT_CONFIG);
    }
    const { output, stdout } = collect({ seeds: ["127.0.0.1:6379"], options: { ...plain, user: "busdoctor-ro", password: PASSWORD } });
    expect(stdout).not.toContain(PASSWORD);
    if (!output.ok) throw new Error(output.error.message);
    const { snapshot } = output;
    expect(snapshot.settings).toEqual({ timeoutMs: TIMEOUT_MS, tls: false, auth: true, user: "busdoctor-ro" });
    expect(snapshot.nodes).toHaveLength(6);
    for (const entry of snapshot.nodes) {
      expect(entry.commands.configNodeTimeout).toMatchObject({ ok: false, kind: "noperm", error: expect.stringContaining("NOPERM") });
      expect(entry.commands.configClusterPort).toMatchObject({ ok: false, kind: "noperm" });
      expect(entry.commands.configAnnounce).toMatchObject({ ok: false, kind: "noperm" });
      for (const command of ALL_COMMANDS.filter((name) => !name.startsWith("config"))) {
        expect(entry.commands[command]).toMatchObject({ ok: true });
      }
    }
  });

  it("fails with reason auth and the server's WRONGPASS on a wrong password, without the password", () => {
    const wrong = "wrong-Secret-91c2";
    const { output, stdout } = collect({ seeds: ["127.0.0.1:6379", "127.0.0.2:6379"], options: { ...plain, user: "busdoctor-ro", password: wrong } });
    expect(stdout).not.toContain(wrong);
    expect(output).toEqual({
      ok: false,
      error: {
        name: "CollectError",
        reason: "auth",
        message:
          'authentication failed as user "busdoctor-ro" on every seed: ' +
          "127.0.0.1:6379 WRONGPASS invalid username-password pair or user is disabled.; " +
          "127.0.0.2:6379 WRONGPASS invalid username-password pair or user is disabled.",
      },
    });
  });

  it("fails with reason auth naming NOAUTH when the server wants a password and none is given", () => {
    const replica = replicaNode();
    cluster.cli(replica, "CONFIG", "SET", "requirepass", PASSWORD);
    try {
      expect(failureOf({ seeds: [cluster.address(replica)], options: plain })).toEqual({
        name: "CollectError",
        reason: "auth",
        message: `authentication failed on every seed: ${cluster.address(replica)} NOAUTH Authentication required. (no password given: use --pass or REDISCLI_AUTH)`,
      });
      // With another seed the run goes on; the node that wants a password is a failed connection, not 8 failed commands.
      const { snapshot } = snapshotOf({ seeds: [cluster.address(replica), "127.0.0.1:6379"], options: plain });
      expect(snapshot.nodes).toHaveLength(6);
      expect(node(snapshot, cluster.address(replica))).toMatchObject({
        origin: "seed",
        connection: { ok: false, kind: "noauth", error: "NOAUTH Authentication required." },
        commands: {},
      });
    } finally {
      cluster.cli(replica, "-a", PASSWORD, "--no-auth-warning", "CONFIG", "SET", "requirepass", "");
    }
  });
});

describe("collectSnapshot with a broken node", () => {
  const replica = replicaNode;

  it("records a paused node's commands as timeouts and still finishes within the per-node timeout", () => {
    const paused = replica();
    const address = cluster.address(paused);
    cluster.signal(paused, "SIGSTOP");
    try {
      // Wait until the cluster agrees it failed, so the failure-report round has something to ask about.
      cluster.waitFor(`${address} to be flagged fail`, () =>
        cluster
          .cli(1, "CLUSTER", "NODES")
          .split("\n")
          .some((line) => line.includes(` ${address}@`) && /[ ,]fail[ ,]/.test(line)),
      );
      const { snapshot, events } = snapshotOf({ seeds: ["127.0.0.1:6379"], options: plain });
      expect(snapshot.nodes.map((entry) => entry.address).sort()).toEqual(sixAddresses);
      const stopped = node(snapshot, address);
      // The kernel still completes the TCP handshake for a stopped process: connected, then silence.
      expect(stopped.connection.ok).toBe(true);
      expect(Object.keys(stopped.commands).sort()).toEqual(ALL_COMMANDS);
      for (const result of Object.values(stopped.commands)) {
        expect(result).toMatchObject({ ok: false, kind: "timeout", error: "connected but no reply within 1000 ms (hung or paused process?)" });
      }
      expect(stopped.probes.client.state).toBe("open");
      expect(stopped.failureReports).toEqual({});
      const stoppedId = snapshot.nodes
        .map((entry) => (entry.commands.clusterNodes?.ok ? String(entry.commands.clusterNodes.reply) : ""))
        .flatMap((text) => text.split("\n"))
        .find((line) => line.includes(` ${address}@`))
        ?.split(" ")[0];
      expect(stoppedId).toMatch(/^[0-9a-f]{40}$/);
      for (const entry of snapshot.nodes.filter((other) => other.address !== address)) {
        expect(entry.commands.ping).toMatchObject({ ok: true, reply: "PONG" });
        expect(entry.failureReports[stoppedId ?? ""]).toMatchObject({ ok: true, reply: expect.any(Number) });
      }
      expect(events).toContainEqual({ type: "node-done", address, ok: false });
      // Not a speed check: a run that waited on the paused node twice, or hung, would exceed this bound.
      expect(snapshot.finishedAtMs - snapshot.takenAtMs).toBeLessThan(2 * TIMEOUT_MS);

      expect(failureOf({ seeds: [address], options: plain })).toEqual({
        name: "CollectError",
        reason: "no-seed",
        message: `no seed reachable: ${address} connected but no reply within 1000 ms (hung or paused process?)`,
      });
    } finally {
      cluster.signal(paused, "SIGCONT");
    }
  });

  it("records connection refused and refused probes for a killed node, from any seed", () => {
    const killed = replica();
    const address = cluster.address(killed);
    cluster.signal(killed, "SIGKILL");
    cluster.waitFor(`${address} to refuse connections`, () => {
      try {
        cluster.cli(killed, "PING");
        return false;
      } catch {
        return true;
      }
    });
    for (const seeds of [["127.0.0.1:6379"], [address, "127.0.0.1:6379"]]) {
      const { snapshot } = snapshotOf({ seeds, options: plain });
      expect(snapshot.nodes.map((entry) => entry.address).sort()).toEqual(sixAddresses);
      expect(node(snapshot, address)).toMatchObject({
        origin: seeds.length === 1 ? "discovered" : "seed",
        connection: { ok: false, kind: "connection", error: "connection refused" },
        commands: {},
        probes: { client: { port: 6379, state: "refused" }, bus: { port: 16379, state: "refused" } },
      });
    }
    expect(failureOf({ seeds: [address], options: plain })).toEqual({
      name: "CollectError",
      reason: "no-seed",
      message: `no seed reachable: ${address} connection refused`,
    });
  });
});

describe("collectSnapshot over TLS", () => {
  const TLS_NODE = 7;
  const address = cluster.address(TLS_NODE);
  let certs: TestCertificates;

  beforeAll(() => {
    const dir = join(cluster.options.dir, "tls");
    mkdirSync(dir, { recursive: true });
    certs = makeTestCertificates(dir, cluster.host(TLS_NODE));
    cluster.startNode(TLS_NODE, [
      "--port",
      "0",
      "--tls-port",
      "6379",
      "--tls-cert-file",
      certs.serverCertFile,
      "--tls-key-file",
      certs.serverKeyFile,
      "--tls-ca-cert-file",
      certs.caFile,
      "--tls-auth-clients",
      "yes",
    ]);
    const tlsCli = ["--tls", "--cacert", certs.caFile, "--cert", certs.clientCertFile, "--key", certs.clientKeyFile];
    cluster.waitFor(`${address} to answer over TLS`, () => {
      try {
        return cluster.inNamespace(["redis-cli", ...tlsCli, "-h", cluster.host(TLS_NODE), "-p", "6379", "PING"]).trim() === "PONG";
      } catch {
        return false;
      }
    });
  });

  it.each([
    ["the CA and a client certificate", () => ({ caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile, insecure: false })],
    ["--insecure instead of the CA", () => ({ certFile: certs.clientCertFile, keyFile: certs.clientKeyFile, insecure: true })],
  ])("answers every command with %s, and no key material reaches the output", (_name, tls) => {
    const { output, stdout } = collect({ seeds: [address], options: { ...plain, tls: tls() } });
    expect(stdout).not.toContain("PRIVATE KEY");
    if (!output.ok) throw new Error(output.error.message);
    expect(output.snapshot.settings.tls).toBe(true);
    expect(output.snapshot.nodes.map((entry) => entry.address)).toEqual([address]);
    for (const command of ALL_COMMANDS) expect(node(output.snapshot, address).commands[command]).toMatchObject({ ok: true });
  });

  it.each([
    [
      "without the CA the server's certificate is refused",
      () => ({ certFile: certs.clientCertFile, keyFile: certs.clientKeyFile, insecure: false }),
      `no seed reachable: ${address} self-signed certificate in certificate chain`,
    ],
    ["plain TCP to a TLS port is closed by the server", () => null, `no seed reachable: ${address} connection reset by peer`],
  ])("%s", (_name, tls, message) => {
    expect(failureOf({ seeds: [address], options: { ...plain, tls: tls() } })).toEqual({ name: "CollectError", reason: "no-seed", message });
  });

  it("fails without the client certificate the server requires", () => {
    const error = failureOf({ seeds: [address], options: { ...plain, tls: { caFile: certs.caFile, insecure: false } } });
    expect(error).toMatchObject({ name: "CollectError", reason: "no-seed", message: expect.stringMatching(`^no seed reachable: ${address} `) });
  });
});
