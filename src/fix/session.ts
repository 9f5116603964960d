// One short session to one node: connect (and AUTH), send the commands in one pipeline, close. Used
// by the extra reads and by the write client alike, so neither keeps a connection between steps.
// An address outside the seeds' scope (src/cluster/scope.ts) is never dialled: a plan's targets come
// from nodes' replies, and a reply may name any address.
import { splitAddress } from "../cluster/address.js";
import { tlsServerName } from "../cluster/busAddress.js";
import { closeSession, openSession } from "../collect/nodeClient.js";
import type { RunSettings } from "../collect/runSettings.js";
import type { ClusterAnalysis } from "../model/analysis.js";
import type { CommandResult } from "../model/snapshot.js";

/**
 * What a fix session needs of a run's settings: how to connect, and which hosts may be dialled;
 * `hostnames`: what nodes announce (by address), their TLS server names, never dialled.
 */
export type SessionSettings = Pick<RunSettings, "client" | "admit"> & { hostnames?: ReadonlyMap<string, string> };

/** The hostnames a reading's nodes announce, by address (hostnamesOf(analysis) for SessionSettings). */
export function hostnamesOf(analysis: Pick<ClusterAnalysis, "nodes">): Map<string, string> {
  return new Map(analysis.nodes.flatMap((node) => (node.hostname === null ? [] : [[node.address, node.hostname] as const])));
}

/** One result per command; when the address is out of scope, or connecting or AUTH fails, that failure stands for every command. */
export async function runOn(address: string, commands: readonly (readonly string[])[], settings: SessionSettings): Promise<CommandResult[]> {
  const [host, port] = splitAddress(address);
  const scope = settings.admit(host);
  if (!scope.inScope) return commands.map(() => ({ ok: false, kind: "connection", error: `not dialled: ${scope.reason} (see --allow)`, ms: 0 }));
  const session = await openSession(host, Number(port), settings.client, tlsServerName(host, settings.hostnames?.get(address) ?? null));
  try {
    if (session.client === null) return commands.map(() => session.connection);
    const results = await session.client.pipeline(commands);
    return commands.map((_, index) => results[index] ?? session.connection);
  } finally {
    closeSession(session);
  }
}
