// A dashboard fed by a synthetic cluster instead of a live one: the real watch state machine (step)
// runs on synthetic snapshots (bench/support/syntheticCluster.ts) one per interval, and the real router, hub
// and routes serve the page. For measuring the page with 60 nodes, which no lab on this machine runs.
import { Dashboard } from "../../src/dashboard/hub.js";
import { loadAssets, registerDashboard } from "../../src/dashboard/routes.js";
import { Router } from "../../src/http/router.js";
import { startHttpServer, type HttpServer } from "../../src/http/server.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { initialState, step, type WatchState } from "../../src/watch/machine.js";
import { syntheticSnapshot } from "./syntheticCluster.js";

export interface SyntheticFeed {
  url: string;
  server: HttpServer;
  dashboard: Dashboard;
  /** Samples fed so far. */
  samples(): number;
  stop(): Promise<void>;
}

/** CLUSTER NODES fields: id addr flags master ping_sent pong_recv epoch state slots... */
const PING_SENT = 4;

/** The bus of node `blocked` cut both ways since `sinceMs`: its peers' pings to it and its pings to them stay pending. */
function withBlockedBus(snapshot: Snapshot, blocked: number, sinceMs: number): Snapshot {
  const blockedAddress = snapshot.nodes[blocked]?.address;
  for (const [observer, node] of snapshot.nodes.entries()) {
    const reply = node.commands.clusterNodes;
    if (!reply?.ok || typeof reply.reply !== "string") continue;
    const lines = reply.reply.split("\n").map((line) => {
      const fields = line.split(" ");
      const listsBlocked = fields[1]?.startsWith(`${blockedAddress}@`) === true;
      const mine = fields[2]?.includes("myself") === true;
      if (line === "" || mine || (observer !== blocked && !listsBlocked)) return line;
      fields[PING_SENT] = String(sinceMs);
      return fields.join(" ");
    });
    node.commands.clusterNodes = { ...reply, reply: lines.join("\n") };
  }
  return snapshot;
}

/** Gossip counters that grow, so the message-rate charts have something to draw. */
function withCounters(snapshot: Snapshot, sample: number): Snapshot {
  for (const [index, node] of snapshot.nodes.entries()) {
    const reply = node.commands.clusterInfo;
    if (!reply?.ok || typeof reply.reply !== "string") continue;
    const sent = 2000 + sample * (20 + (index % 7));
    const received = 2000 + sample * (19 + (index % 5));
    node.commands.clusterInfo = {
      ...reply,
      reply: reply.reply
        .replace(/cluster_stats_messages_sent:\d+/, `cluster_stats_messages_sent:${sent}`)
        .replace(/cluster_stats_messages_received:\d+/, `cluster_stats_messages_received:${received}`),
    };
  }
  return snapshot;
}

export interface FeedOptions {
  nodes: number;
  port: number;
  intervalMs: number;
  /** Block this node's bus (0-based) from sample `from` to sample `to`, or null. */
  fault: { node: number; from: number; to: number } | null;
  /** Samples fed at once before serving, dated one interval apart up to now: the charts' history. */
  preload: number;
}

export async function startSyntheticDashboard(options: FeedOptions): Promise<SyntheticFeed> {
  const dashboard = Dashboard.withDefaults(options.intervalMs, null);
  const router = new Router({ auth: null, loopbackOnly: true });
  registerDashboard(router, dashboard, loadAssets());
  const server = await startHttpServer(router, { host: "127.0.0.1", port: options.port });
  let state: WatchState = initialState();
  let sample = 0;
  let faultSince = 0;
  const feed = (now: number): void => {
    sample += 1;
    let snapshot = withCounters(syntheticSnapshot(options.nodes, now), sample);
    const { fault } = options;
    if (fault !== null && sample >= fault.from && sample < fault.to) {
      if (sample === fault.from) faultSince = now;
      snapshot = withBlockedBus(snapshot, fault.node, faultSince);
    }
    const output = step(state, snapshot);
    state = output.state;
    dashboard.observe(output, snapshot);
  };
  const started = Date.now();
  for (let back = options.preload; back >= 1; back -= 1) feed(started - back * options.intervalMs);
  feed(started);
  const timer = setInterval(() => feed(Date.now()), options.intervalMs);
  return {
    url: `http://127.0.0.1:${options.port}/`,
    server,
    dashboard,
    samples: () => sample,
    stop: async () => {
      clearInterval(timer);
      dashboard.close();
      await server.close();
    },
  };
}
