// The shared e2e lock (HELPERS.md: every test that starts a lab runs under `flock LOCKFILE`), taken
// from inside a test for one lab at a time, so that a long file (the compatibility matrix) lets
// others in between its labs. Without BUSDOCTOR_E2E_LOCK (CI, where nothing else runs) it is a no-op.
import { spawn } from "node:child_process";

export const E2E_LOCK_ENV = "BUSDOCTOR_E2E_LOCK";

/**
 * Waits until `flock` holds the lock file, and returns the function that lets it go. The holder is a
 * child process reading its stdin: it exits (and the lock is released) when we close it or die.
 */
export async function takeE2eLock(): Promise<() => void> {
  const file = process.env[E2E_LOCK_ENV];
  if (file === undefined || file === "") return () => undefined;
  const holder = spawn("flock", [file, "sh", "-c", "echo locked; exec cat >/dev/null"], { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    holder.once("error", reject);
    holder.once("exit", (code) => reject(new Error(`flock ${file} exited (${code}) before taking the lock`)));
    holder.stdout.once("data", () => resolve());
  });
  holder.removeAllListeners("exit");
  return () => holder.stdin.end();
}
