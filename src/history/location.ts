// Where the history database lives unless --history says otherwise: $BUSDOCTOR_HISTORY, else the XDG
// state directory (~/.local/state/busdoctor/history.db).
import { homedir } from "node:os";
import { join } from "node:path";

export function defaultHistoryPath(env: NodeJS.ProcessEnv): string {
  const explicit = env["BUSDOCTOR_HISTORY"];
  if (explicit) return explicit;
  const state = env["XDG_STATE_HOME"] || join(homedir(), ".local", "state");
  return join(state, "busdoctor", "history.db");
}
