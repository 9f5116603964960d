// One short session to one node: connect (and AUTH), send the commands in one pipeline, close. Used
// by the extra reads and by the write client alike, so neither keeps a connection between steps.
import { splitAddress } from "../cluster/address.js";
import { closeSession, openSession, runPipeline, type ClientSettings } from "../collect/nodeClient.js";
import type { CommandResult } from "../model/snapshot.js";

/** One result per command; when connecting or AUTH fails, that failure stands for every command. */
export async function runOn(address: string, commands: readonly (readonly string[])[], settings: ClientSettings): Promise<CommandResult[]> {
  const [host, port] = splitAddress(address);
  const session = await openSession(host, Number(port), settings);
  try {
    if (session.client === null) return commands.map(() => session.connection);
    const results = await runPipeline(session.client, commands, settings.timeoutMs);
    return commands.map((_, index) => results[index] ?? session.connection);
  } finally {
    closeSession(session);
  }
}
