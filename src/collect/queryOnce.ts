// One node, one connection, one pipeline of read-only commands, then closed: how preflight and
// host-audit ask the one node they check. Wrong or missing credentials say nothing about the node:
// they end the run (could not check).
import { formatAddress, type HostPort } from "../cluster/address.js";
import { AuthError } from "../errors.js";
import type { CommandResult } from "../model/snapshot.js";
import { closeSession, openSession, type ClientSettings } from "./nodeClient.js";
import { retryOlderForms } from "./olderForms.js";

export interface NodeReplies<Name extends string> {
  /** Connecting and AUTH; when it failed, `replies` is empty. */
  connection: CommandResult;
  replies: Partial<Record<Name, CommandResult>>;
}

function requireAuthenticated(address: string, results: readonly CommandResult[]): void {
  for (const result of results) {
    if (!result.ok && (result.kind === "noauth" || result.kind === "wrongpass")) {
      const hint = result.kind === "noauth" ? " (give a password with --pass-file or REDISCLI_AUTH)" : "";
      throw new AuthError(`authentication failed on ${address}: ${result.error}${hint}`);
    }
  }
}

/** `commands`: each reply's name and the command's arguments, sent in this order in one round trip. */
export async function queryNodeOnce<Name extends string>(
  node: HostPort,
  settings: ClientSettings,
  commands: Readonly<Record<Name, readonly string[]>>,
): Promise<NodeReplies<Name>> {
  const address = formatAddress(node.host, node.port);
  const session = await openSession(node.host, node.port, settings);
  requireAuthenticated(address, [session.connection]);
  if (session.client === null) return { connection: session.connection, replies: {} };
  try {
    const names = Object.keys(commands) as Name[];
    const results = await session.client.pipeline(names.map((name) => commands[name]));
    requireAuthenticated(address, results);
    const replies: Partial<Record<Name, CommandResult>> = {};
    names.forEach((name, index) => {
      const result = results[index];
      if (result) replies[name] = result;
    });
    // Redis 6.2 refuses INFO with several sections: its older form is sent at once (olderForms.ts).
    await retryOlderForms(session.client, replies, null);
    return { connection: session.connection, replies };
  } finally {
    closeSession(session);
  }
}
