// Commands whose wire form an older server refuses, and the form it takes instead. One extra round
// trip, only on the servers that need it; the reply recorded is the one the server really gave.
import type { CommandResult, NodeCommand } from "../model/snapshot.js";
import { COMMAND_ARGS, type NodeConnection } from "./nodeClient.js";
import type { ReadBudget } from "./resp.js";

interface OlderForm {
  args: readonly string[];
  /** The error reply that means "this server wants the older form". */
  refusal: RegExp;
}

const OLDER_FORMS: Partial<Record<NodeCommand, OlderForm>> = {
  // Redis 6.2 takes at most one INFO section: `INFO server clients cluster` gets "ERR syntax error".
  // Plain INFO (the default sections) holds all three.
  info: { args: ["INFO"], refusal: /^ERR syntax error/ },
};

/** Keyed by name, so that other sets of commands (host-audit's) that share a name share its older form. */
function olderForm(command: string): OlderForm | undefined {
  return (OLDER_FORMS as Partial<Record<string, OlderForm>>)[command];
}

/** The commands among `results` that the server refused in their newer form. */
export function refusedNewerForms<Command extends string>(results: Partial<Record<Command, CommandResult>>): Command[] {
  return (Object.keys(results) as Command[]).filter((command) => {
    const result = results[command];
    const older = olderForm(command);
    return older !== undefined && result !== undefined && !result.ok && result.kind === "error" && older.refusal.test(result.error);
  });
}

/**
 * Sends the older form of every refused command in one pipeline and puts its results in place.
 * Returns the commands that needed it: a session that asks again can send their older form at once.
 */
export async function retryOlderForms<Command extends string>(
  client: NodeConnection,
  results: Partial<Record<Command, CommandResult>>,
  budget: ReadBudget | null,
): Promise<Command[]> {
  const refused = refusedNewerForms(results);
  if (refused.length === 0) return refused;
  const replies = await client.pipeline(
    refused.map((command) => olderForm(command)?.args ?? []),
    budget,
  );
  refused.forEach((command, index) => {
    const reply = replies[index];
    if (reply) results[command] = reply;
  });
  return refused;
}

/** The command as sent: its older form when the server is known to want it. */
export function wireForm(command: NodeCommand, older: boolean): readonly string[] {
  return (older ? OLDER_FORMS[command]?.args : undefined) ?? COMMAND_ARGS[command];
}
