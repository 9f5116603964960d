// Reading and writing snapshot files for --record and --from-snapshot. Writes go to a temporary file
// renamed into place, so an interrupted run never leaves half a file where a good one was.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Snapshot } from "../model/snapshot.js";
import { parseSnapshot } from "../parse/snapshot.js";
import { InputError } from "../errors.js";

export function readSnapshotFile(path: string): Snapshot {
  return readRecordedFile(path, parseSnapshot);
}

/** A file given to `flag`, read and handed to `parse`; any failure is an InputError naming both. */
export function readRecordedFile<T>(path: string, parse: (text: string) => T, flag = "--from-snapshot"): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
  try {
    return parse(text);
  } catch (error) {
    throw new InputError(`${flag} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function writeSnapshotFile(path: string, snapshot: Snapshot): void {
  writeJsonFile(path, snapshot);
}

/** Any recorded JSON (a snapshot, fix's evidence), readable by its owner only. */
export function writeJsonFile(path: string, value: unknown): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(value, null, 1)}\n`, { mode: 0o600 });
    renameSync(temporary, path);
  } catch (error) {
    throw new InputError(`--record ${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? "unwritable"})`);
  }
}
