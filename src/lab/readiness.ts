// Pure: decides whether a freshly created (or restarted) lab cluster has settled, so that every
// scenario starts from the same place: cluster_state:ok everywhere, every node known and healthy in
// every view, every bus link up, every replica in sync with its master.

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
  endpoint: string;
  flags: string[];
  linkState: string;
}

/**
 * The fields of a CLUSTER NODES line this check needs (address, flags, link-state), e.g.
 *   8e5f06b0fe6ffc1aacf20f99bbbb751ba5f947f3 127.0.0.2:6379@16379 master - 0 1795668816783 2 connected 5461-10922
 */
function parseNodesLine(line: string): NodesLine | null {
  const fields = line.trim().split(" ");
  const [, address, flags, , , , , linkState] = fields;
  if (address === undefined || flags === undefined || linkState === undefined) return null;
  return { endpoint: address.split("@")[0] ?? address, flags: flags.split(","), linkState };
}

const UNSETTLED_FLAGS = ["fail", "fail?", "handshake", "noaddr"];

/** Why the cluster is not settled yet, one reason per line; empty when it is. */
export function unsettledReasons(expectedNodes: number, replies: readonly NodeReadinessReplies[]): string[] {
  const reasons: string[] = [];
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
    for (const line of lines) {
      const entry = parseNodesLine(line);
      if (entry === null) {
        reasons.push(`${who} printed an unreadable CLUSTER NODES line: ${line.trim()}`);
        continue;
      }
      const bad = entry.flags.filter((flag) => UNSETTLED_FLAGS.includes(flag));
      if (bad.length > 0) reasons.push(`${who} flags ${entry.endpoint} ${bad.join(",")}`);
      if (!entry.flags.includes("myself") && entry.linkState !== "connected") {
        reasons.push(`${who} has no bus link to ${entry.endpoint}`);
      }
    }
    const role = infoField(reply.replication, "role");
    const link = infoField(reply.replication, "master_link_status");
    if (role === "slave" && link !== "up") reasons.push(`${who} is a replica whose master link is ${link ?? "?"}`);
  }
  return reasons;
}
