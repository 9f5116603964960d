// clusters.yaml, --shard and the http_sd target groups: the fleet's pure parts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parseClusters } from "../../../src/fleet/clusters.js";
import { targetGroups } from "../../../src/render/targetGroups.js";
import { clusterHistoryPath } from "../../../src/fleet/run.js";
import { inShard, parseShard, shardOf } from "../../../src/fleet/shard.js";
import type { NodeSignals, SampleSignals } from "../../../src/model/signals.js";
import { InputError, UsageError } from "../../../src/errors.js";

const parse = (text: string) => parseClusters(text, "clusters.yaml", 6379);

describe("clusters.yaml", () => {
  it("reads each cluster's seeds and connection, the defaults filling what a cluster leaves out", () => {
    const clusters = parse(`
defaults:
  user: monitor
  passFile: /etc/busdoctor/redis.pass
  timeout: 2000
clusters:
  - name: payments
    seeds: [10.0.0.5:6379, "10.0.0.6"]
  - name: sessions
    seeds: ["[fd00::7]:7000"]
    user: sessions-monitor
    passEnv: SESSIONS_REDIS_PASSWORD
    tls: { cacert: /etc/ssl/redis-ca.pem }
  - name: cache.eu-1
    seeds: [cache-0.redis]
    tls: false
`);
    expect(clusters).toEqual([
      {
        name: "payments",
        seeds: [
          { host: "10.0.0.5", port: 6379 },
          { host: "10.0.0.6", port: 6379 },
        ],
        user: "monitor",
        password: { file: "/etc/busdoctor/redis.pass" },
        timeoutMs: 2000,
      },
      {
        name: "sessions",
        seeds: [{ host: "fd00::7", port: 7000 }],
        user: "sessions-monitor",
        password: { env: "SESSIONS_REDIS_PASSWORD" },
        tls: { caFile: "/etc/ssl/redis-ca.pem", insecure: false },
        timeoutMs: 2000,
      },
      {
        name: "cache.eu-1",
        seeds: [{ host: "cache-0.redis", port: 6379 }],
        user: "monitor",
        password: { file: "/etc/busdoctor/redis.pass" },
        tls: null,
        timeoutMs: 2000,
      },
    ]);
  });

  it.each([
    ["not: [a list", /not valid YAML/],
    ["clusters: {}", /expected a "clusters:" list/],
    ["clusters: []", /the clusters list is empty/],
    ["clusters: [{ name: a, seeds: [x:1] }, { name: a, seeds: [y:1] }]", /cluster "a" is listed twice/],
    ["clusters: [{ name: 'a b', seeds: [x:1] }]", /clusters\[0\]: name must be/],
    ["clusters: [{ name: a }]", /cluster "a": seeds must be a list/],
    ["clusters: [{ name: a, seeds: ['x:99999'] }]", /cluster "a": bad seed address "x:99999"/],
    ["clusters: [{ name: a, seeds: [x:1], password: hunter2 }]", /no passwords in this file/],
    ["clusters: [{ name: a, seeds: [x:1], sedes: [y:1] }]", /unknown key "sedes"/],
    ["clusters: [{ name: a, seeds: [x:1], passFile: f, passEnv: E }]", /passFile or passEnv, not both/],
    ["clusters: [{ name: a, seeds: [x:1], tls: { cert: c } }]", /tls cert and key go together/],
    ["clusters: [{ name: a, seeds: [x:1], timeout: 1s }]", /timeout must be milliseconds/],
    ["defaults: { seeds: [x:1] }\nclusters: [{ name: a, seeds: [x:1] }]", /defaults cannot set seeds/],
    ["cluster: []", /unknown top-level key "cluster"|expected a "clusters:" list/],
  ])("%s is refused: %s", (text, message) => {
    expect(() => parse(text)).toThrow(InputError);
    expect(() => parse(text)).toThrow(message);
  });

  it("never repeats a password it was given by mistake", () => {
    expect(() => parse("clusters: [{ name: a, seeds: [x:1], pass: Tr0ub4dor }]")).not.toThrow(/Tr0ub4dor/);
  });
});

describe("--shard i/N", () => {
  it("parses i/N with 0 <= i < N", () => {
    expect(parseShard("1/3")).toEqual({ index: 1, count: 3 });
    for (const bad of ["3/3", "1", "-1/2", "0/0", "a/b"]) expect(() => parseShard(bad), bad).toThrow(UsageError);
  });

  it("puts each cluster on exactly one shard, by its name whatever the file's order, and spreads them", () => {
    const clusters = Array.from({ length: 300 }, (_, index) => ({ name: `cluster-${index}` }));
    const shards = [0, 1, 2].map((index) => inShard(clusters, { index, count: 3 }).map((cluster) => cluster.name));
    expect(shards.flat().sort()).toEqual(clusters.map((cluster) => cluster.name).sort());
    for (const shard of shards) expect(shard.length).toBeGreaterThan(70);
    expect(
      inShard([...clusters].reverse(), { index: 1, count: 3 })
        .map((cluster) => cluster.name)
        .sort(),
    ).toEqual([...(shards[1] ?? [])].sort());
    expect(shardOf("payments", 1)).toBe(0);
  });
});

describe("GET /sd (Prometheus http_sd)", () => {
  const node = (address: string, role: NodeSignals["role"]): NodeSignals => ({
    address,
    answering: true,
    role,
    clusterState: "ok",
    slotsPfail: 0,
    slotsFail: 0,
    knownNodes: 3,
    connectedClients: 1,
    messages: null,
    messageRates: null,
    linksBufferLimitExceeded: null,
  });
  const signals = (nodes: NodeSignals[]): SampleSignals => ({ at: 0, nodes, links: [] });

  it("lists every cluster's nodes, one group per cluster and role, the role as a meta label", () => {
    const clusters = new Map([
      ["sessions", signals([node("10.1.0.9:6379", "master")])],
      ["payments", signals([node("10.0.0.6:6379", "slave"), node("10.0.0.5:6379", "master"), node("10.0.0.7:6379", "master"), node("10.0.0.8:6379", null)])],
    ]);
    expect(targetGroups(clusters)).toEqual([
      { targets: ["10.0.0.5:6379", "10.0.0.7:6379"], labels: { cluster: "payments", __meta_busdoctor_role: "master" } },
      { targets: ["10.0.0.6:6379"], labels: { cluster: "payments", __meta_busdoctor_role: "replica" } },
      { targets: ["10.0.0.8:6379"], labels: { cluster: "payments", __meta_busdoctor_role: "unknown" } },
      { targets: ["10.1.0.9:6379"], labels: { cluster: "sessions", __meta_busdoctor_role: "master" } },
    ]);
  });
});

describe("a fleet's history", () => {
  it("keeps one database per cluster beside the path a single watch would use", () => {
    expect(clusterHistoryPath("/var/lib/busdoctor/history.db", "payments")).toBe("/var/lib/busdoctor/history-payments.db");
    expect(clusterHistoryPath("/var/lib/busdoctor/state", "eu-1")).toBe("/var/lib/busdoctor/state-eu-1.db");
  });
});

describe("docs/deploy.md", () => {
  const doc = readFileSync(new URL("../../../docs/deploy.md", import.meta.url), "utf8");
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

  it("its clusters.yaml and its Kubernetes ConfigMap's are what busdoctor reads", () => {
    const example = blocks.find((block) => block.startsWith("# clusters.yaml"));
    expect(parseClusters(example ?? "", "clusters.yaml", 6379).map((cluster) => cluster.name)).toEqual(["payments", "sessions"]);
    const manifests = parseAllDocuments(blocks.find((block) => block.includes("kind: ConfigMap")) ?? "").map(
      (document) => document.toJS() as { kind: string; data?: Record<string, string> },
    );
    expect(manifests.map((manifest) => manifest.kind)).toEqual(["ConfigMap", "Deployment"]);
    expect(parseClusters(manifests[0]?.data?.["clusters.yaml"] ?? "", "configmap", 6379)).toHaveLength(2);
  });

  it("every YAML example is valid YAML", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const block of blocks) for (const document of parseAllDocuments(block)) expect(document.errors, block.slice(0, 60)).toEqual([]);
  });
});
