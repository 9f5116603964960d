// Pure: the node's own replies, parsed once, and the bus ports they say to probe. A reply that does not
// parse is a problem named in the check that needed it, never an exception.
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { CommandResult, RawReply } from "../model/snapshot.js";
import { parseClusterNodes } from "../parse/clusterNodes.js";
import { announceConfigOf, parseConfigGet } from "../parse/config.js";
import { parseInfo } from "../parse/info.js";
import type { TargetFacts } from "./model.js";
import { announcedBus, type AnnouncedBus } from "../cluster/busAddress.js";
import { chooseBusPort, type BusPortChoice, type ConfiguredBusPort } from "../cluster/ports.js";

type Outcome<T> = { ok: true; value: T } | { ok: false; why: string };

export interface TargetView {
  ping: Outcome<string>;
  /** `cluster_enabled` from INFO cluster, e.g. "1". */
  clusterEnabled: Outcome<string | null>;
  /** The node's own `myself` line of CLUSTER NODES. */
  myself: Outcome<ClusterNodeEntry>;
  /** CONFIG GET cluster-port as a number (0 = client port + 10000). */
  configuredBusPort: Outcome<ConfiguredBusPort>;
  id: string | null;
}

export interface BusPlan {
  /** The port the node listens on, probed on the address preflight was given. */
  listening: BusPortChoice | null;
  /** What peers dial, when the node has said. */
  announced: AnnouncedBus | null;
}

function read<T>(result: CommandResult | undefined, what: string, parse: (reply: RawReply) => T): Outcome<T> {
  if (result === undefined) return { ok: false, why: `${what} was not sent (the node did not answer)` };
  if (!result.ok) return { ok: false, why: `${what} failed: ${result.error}` };
  try {
    return { ok: true, value: parse(result.reply) };
  } catch (error) {
    return { ok: false, why: error instanceof Error ? error.message : String(error) };
  }
}

function text(reply: RawReply, what: string): string {
  if (typeof reply !== "string") throw new Error(`${what}: expected a string reply, got ${JSON.stringify(reply)}`);
  return reply;
}

export function readTarget(target: Pick<TargetFacts, "replies">): TargetView {
  const { replies } = target;
  const myself = read(replies.clusterNodes, "CLUSTER NODES", (reply) => {
    const own = parseClusterNodes(text(reply, "CLUSTER NODES")).find((entry) => entry.myself);
    if (own === undefined) throw new Error("CLUSTER NODES has no line flagged myself");
    return own;
  });
  const myId = read(replies.clusterMyid, "CLUSTER MYID", (reply) => text(reply, "CLUSTER MYID"));
  return {
    ping: read(replies.ping, "PING", (reply) => text(reply, "PING")),
    clusterEnabled: read(replies.info, "INFO", (reply) => parseInfo(text(reply, "INFO"))["cluster"]?.["cluster_enabled"] ?? null),
    myself,
    configuredBusPort: read(replies.configClusterPort, "CONFIG GET cluster-port", (reply): ConfiguredBusPort => {
      const value = parseConfigGet(reply, "cluster-port");
      if (value === null) return "no-setting";
      if (!/^\d+$/.test(value)) throw new Error(`CONFIG GET cluster-port: expected a port number, got ${JSON.stringify(value)}`);
      return Number(value);
    }),
    id: myId.ok ? myId.value : myself.ok ? myself.value.id : null,
  };
}

export function planBusProbes(target: Pick<TargetFacts, "host" | "port" | "replies">, view: TargetView): BusPlan {
  const myself = view.myself.ok ? view.myself.value : null;
  return {
    listening: chooseBusPort(target.port, view.configuredBusPort.ok ? view.configuredBusPort.value : null, myself),
    announced: announcedBus(myself, target.host, announceConfigOf(target.replies.configAnnounce)),
  };
}
