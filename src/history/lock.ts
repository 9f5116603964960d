// One writer per history database: two watchers on one file would both number their incidents from
// the same MAX(id) and overwrite each other's. The writer holds an exclusive SQLite lock on a sidecar
// file (`<history>.lock`) for as long as it runs; the kernel drops the lock when the process ends, even
// on kill -9, so a crash never leaves a stale lock behind. Readers (busdoctor timeline) do not take it.
import Database from "better-sqlite3";
import { closeSync, constants, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { InputError } from "../errors.js";

export interface HistoryLock {
  release(): void;
}

/** Takes the writer's lock on the history at `path`, or says that another watch holds it. */
export function lockHistory(path: string): HistoryLock {
  const lockPath = `${path}.lock`;
  let db: Database.Database;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o600));
    db = new Database(lockPath, { timeout: 0 });
  } catch (error) {
    throw new InputError(`history database ${path}: cannot create its lock file ${lockPath} (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === "SQLITE_BUSY") {
      throw new InputError(`history database ${path} is in use by another busdoctor watch; give this one its own --history FILE, or --no-history`);
    }
    throw new InputError(`history database ${path}: cannot lock it (${error instanceof Error ? error.message : String(error)})`);
  }
  return { release: () => db.close() };
}
