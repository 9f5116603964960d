// A synthetic, healthy N-node cluster snapshot (N/2 masters, N/2 replicas), built as real replies
// would look: every node's own CLUSTER NODES (N lines), CLUSTER INFO, INFO, CLUSTER LINKS, probes.
import { createHash } from "node:crypto";
import type { CommandResult, NodeSnapshot, RawReply, Snapshot } from "../../src/model/snapshot.js";
import { SNAPSHOT_FORMAT } from "../../src/model/snapshot.js";

const ok = (reply: RawReply): CommandResult => ({ ok: true, reply, ms: 1 });

function idOf(index: number): string {
  return createHash("sha1").update(`node-${index}`).digest("hex");
}

function hostOf(index: number): string {
  return `10.${Math.floor(index / 65536) % 256}.${Math.floor(index / 256) % 256}.${index % 256}`;
}

export function syntheticSnapshot(count: number, nowMs = 1_795_000_000_000): Snapshot {
  const masters = Math.floor(count / 2);
  const ids = Array.from({ length: count }, (_, index) => idOf(index));
  const slotsOf = (master: number): string => {
    const start = Math.floor((master * 16384) / masters);
    const end = Math.floor(((master + 1) * 16384) / masters) - 1;
    return start === end ? `${start}` : `${start}-${end}`;
  };
  // One line per node, as the observer prints it: myself flag on its own line only.
  const lineFor = (observer: number, index: number): string => {
    const master = index < masters;
    const flags = `${observer === index ? "myself," : ""}${master ? "master" : "slave"}`;
    const masterId = master ? "-" : ids[index - masters];
    const pong = observer === index ? 0 : nowMs - ((index * 37 + observer) % 900);
    const epoch = master ? index + 1 : index - masters + 1;
    return `${ids[index]} ${hostOf(index)}:6379@16379 ${flags} ${masterId} 0 ${pong} ${epoch} connected${master ? ` ${slotsOf(index)}` : ""}`;
  };
  const info = [
    "cluster_state:ok",
    "cluster_slots_assigned:16384",
    "cluster_slots_ok:16384",
    "cluster_slots_pfail:0",
    "cluster_slots_fail:0",
    `cluster_known_nodes:${count}`,
    `cluster_size:${masters}`,
    `cluster_current_epoch:${count}`,
    "cluster_my_epoch:1",
    "cluster_stats_messages_ping_sent:1000",
    "cluster_stats_messages_pong_sent:1000",
    "cluster_stats_messages_sent:2000",
    "cluster_stats_messages_ping_received:1000",
    "cluster_stats_messages_pong_received:1000",
    "cluster_stats_messages_received:2000",
  ].join("\r\n");
  const nodes: NodeSnapshot[] = ids.map((id, observer) => {
    const host = hostOf(observer);
    const lines: string[] = [];
    for (let index = 0; index < count; index += 1) lines.push(lineFor(observer, index));
    const links: RawReply = ids
      .filter((_, index) => index !== observer)
      .flatMap((peer): RawReply[] =>
        (["to", "from"] as const).map((direction) => [
          "direction",
          direction,
          "node",
          peer,
          "create-time",
          nowMs - 60_000,
          "events",
          "r",
          "send-buffer-allocated",
          0,
          "send-buffer-used",
          0,
        ]),
      );
    const serverInfo = `# Server\r\nredis_version:7.0.15\r\nserver_time_usec:${nowMs * 1000}\r\n\r\n# Clients\r\nconnected_clients:5\r\n\r\n# Cluster\r\ncluster_enabled:1\r\n`;
    return {
      address: `${host}:6379`,
      host,
      port: 6379,
      origin: observer === 0 ? "seed" : "discovered",
      startedAtMs: nowMs,
      finishedAtMs: nowMs + 5,
      connection: ok("OK"),
      commands: {
        ping: ok("PONG"),
        clusterMyid: ok(id),
        clusterInfo: ok(info),
        // One flat string, as a reply arrives (from the node client or JSON.parse): a template literal would make a
        // rope that the first read flattens into a second copy, charged to the analysis.
        clusterNodes: ok([...lines, ""].join("\n")),
        clusterLinks: ok(links),
        info: ok(serverInfo),
        configNodeTimeout: ok(["cluster-node-timeout", "15000"]),
        configClusterPort: ok(["cluster-port", "0"]),
      },
      failureReports: {},
      probes: {
        client: { host, port: 6379, state: "open", ms: 0.3 },
        bus: { host, port: 16379, state: "open", ms: 0.3 },
      },
    };
  });
  return {
    format: SNAPSHOT_FORMAT,
    tool: { name: "busdoctor", version: "bench" },
    takenAtMs: nowMs,
    finishedAtMs: nowMs + 10,
    seeds: [nodes[0]?.address ?? ""],
    settings: { timeoutMs: 1000, tls: false, auth: false, user: null },
    nodes,
    baseline: null,
  };
}
