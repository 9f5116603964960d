// Reading recorded command results: the reply of one that succeeded, and a parser run that turns a
// malformed reply into a problem line for the report instead of an exception for the whole run.
import type { CommandResult, RawReply } from "../model/snapshot.js";

export function okReply(result: CommandResult | undefined): RawReply | undefined {
  return result?.ok ? result.reply : undefined;
}

export function okText(result: CommandResult | undefined): string | undefined {
  const reply = okReply(result);
  return typeof reply === "string" ? reply : undefined;
}

/** Runs a parser; its failure becomes a line in `problems` ("CLUSTER NODES line 3: ...") and null. */
export function attempt<T>(problems: string[], parse: () => T): T | null {
  try {
    return parse();
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    return null;
  }
}
