// Pure: decides whether a freshly created (or restarted) lab cluster has settled, so that every
// scenario starts from the same place: cluster_state:ok everywhere, every node known and healthy in
// every view, every view agreeing on who replicates whom, every bus link up, every replica in sync,
// and no PING left unanswered from a fault just healed.
import { formatAddress, splitAddress } from "../cluster/address.js";

/** What one node answered (null: no answer; `error` says why). Raw redis-cli output. */
export interface NodeReadinessReplies {
  endpoint: string;
  clusterInfo: string | null;
  clusterNodes: string | null;
  replication: string | null;
  error: string | null;
}

/**
 * `field:value` lines of CLUSTER INFO or INFO, e.g.
 *   cluster_state:ok
 *   master_link_status:up
 */
function infoField(text: string, field: string): string | null {
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith(`${field}:`)) return line.slice(field.length + 1).trim();
  }
  return null;
}

interface NodesLine {
  id: string;
  endpoint: string;
  flags: string[];
  masterId: string;
  /** When the PING now pending was sent (ms since the epoch); 0 when none is. */
  pingSentMs: number;
  linkState: string;
}

/**
 * The fields of a CLUSTER NODES line this check needs (address, flags, link-state), e.g.
 *   8e5f06b0fe6ffc1aacf20f99bbbb751ba5f947f3 127.0.0.2:6379@16379 master - 0 1795668816783 2 connected 5461-10922
 */
function parseNodesLine(line: string): NodesLine | null {
  const fields = line.trim().split(" ");
  const [id, address, flags, masterId, pingSent, , , linkState] = fields;
  if (id === undefined || address === undefined || flags === undefined || masterId === undefined || linkState === undefined) {
    return null;
  }
  // "fd00:b5d0::2:6379@16379,redis-2.lab.busdoctor.test": Redis prints IPv6 bare; name it bracketed.
  const [host, port] = splitAddress(address.split("@")[0] ?? address);
  return { id, endpoint: formatAddress(host, Number(port)), flags: flags.split(","), masterId, pingSentMs: Number(pingSent) || 0, linkState };
}

const UNSETTLED_FLAGS = ["fail", "fail?", "handshake", "noaddr"];

/**
 * A PING sent into a block stays pending for seconds after the heal, until TCP retransmits it. Seen on
 * node 1, 2.2 s after a heal of node 3's bus, every flag already clear (ping-sent 5.6 s old):
 *   efe3438a... 127.0.0.3:6379@16379 master - 1796162398317 1796162396000 3 connected 10923-16383
 * A scenario started then finds a peer's old PING next to its own fault, so the lab waits it out; a
 * healthy bus answers a PING in well under a millisecond.
 */
const LEFTOVER_PING_MS = 1000;

/** "master" or "replica of 127.0.0.1:6379", as `viewer` sees `entry`. */
function roleInView(entry: NodesLine, view: readonly NodesLine[]): string {
  if (!entry.flags.includes("slave")) return "master";
  const master = view.find((candidate) => candidate.id === entry.masterId);
  return `replica of ${master?.endpoint ?? entry.masterId}`;
}

/**
 * Right after `--cluster create` (seen) every node can report cluster_state:ok and every replica be in
 * sync while one view still lists a replica as a master: the REPLICATE has not reached it by gossip.
 */
function roleDisagreements(views: ReadonlyMap<string, readonly NodesLine[]>): string[] {
  const roles = new Map<string, Map<string, string[]>>();
  for (const [viewer, view] of views) {
    for (const entry of view) {
      const byRole = roles.get(entry.endpoint) ?? new Map<string, string[]>();
      const role = roleInView(entry, view);
      byRole.set(role, [...(byRole.get(role) ?? []), viewer]);
      roles.set(entry.endpoint, byRole);
    }
  }
  return [...roles]
    .filter(([, byRole]) => byRole.size > 1)
    .map(([endpoint, byRole]) => {
      const opinions = [...byRole].map(([role, viewers]) => `${role} to ${viewers.join(", ")}`);
      return `views disagree on ${endpoint}: ${opinions.join("; ")}`;
    });
}

/**
 * Why the cluster is not settled yet, one reason per line; empty when it is. `nowMs`: the nodes' clock
 * (the lab's nodes run on this host), to tell how long a pending PING has waited.
 */
export function unsettledReasons(expectedNodes: number, replies: readonly NodeReadinessReplies[], nowMs: number): string[] {
  const reasons: string[] = [];
  const views = new Map<string, NodesLine[]>();
  for (const reply of replies) {
    const who = reply.endpoint;
    if (reply.clusterInfo === null || reply.clusterNodes === null || reply.replication === null) {
      reasons.push(`${who} did not answer${reply.error ? ` (${reply.error})` : ""}`);
      continue;
    }
    const state = infoField(reply.clusterInfo, "cluster_state");
    if (state !== "ok") reasons.push(`${who} reports cluster_state:${state ?? "?"}`);
    const lines = reply.clusterNodes.split(/\r?\n/).filter((line) => line.trim() !== "");
    if (lines.length !== expectedNodes) reasons.push(`${who} knows ${lines.length} of ${expectedNodes} nodes`);
    const view: NodesLine[] = [];
    for (const line of lines) {
      const entry = parseNodesLine(line);
      if (entry === null) {
        reasons.push(`${who} printed an unreadable CLUSTER NODES line: ${line.trim()}`);
        continue;
      }
      view.push(entry);
      const bad = entry.flags.filter((flag) => UNSETTLED_FLAGS.includes(flag));
      if (bad.length > 0) reasons.push(`${who} flags ${entry.endpoint} ${bad.join(",")}`);
      if (!entry.flags.includes("myself") && entry.linkState !== "connected") {
        reasons.push(`${who} has no bus link to ${entry.endpoint}`);
      }
      if (entry.pingSentMs > 0 && nowMs - entry.pingSentMs > LEFTOVER_PING_MS) {
        reasons.push(`${who} has a PING to ${entry.endpoint} unanswered for ${nowMs - entry.pingSentMs} ms`);
      }
    }
    views.set(who, view);
    const role = infoField(reply.replication, "role");
    const link = infoField(reply.replication, "master_link_status");
    if (role === "slave" && link !== "up") reasons.push(`${who} is a replica whose master link is ${link ?? "?"}`);
  }
  return [...reasons, ...roleDisagreements(views)];
}
