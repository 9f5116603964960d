// Reading and writing snapshot files for --record and --from-snapshot. Reads are capped (a snapshot
// path that is /dev/zero or a FIFO fed without end ends in an error); writes go to a private temporary
// file renamed into place (src/files/privateFile.ts), so an interrupted run never leaves half a file
// where a good one was and nothing planted in a shared directory is followed.
import type { Snapshot } from "../model/snapshot.js";
import { parseSnapshot } from "../parse/snapshot.js";
import { InputError } from "../errors.js";
import { writeFileAtomically } from "../files/privateFile.js";
import { readBoundedText } from "../files/boundedRead.js";

/** Just under V8's longest string (2^29 - 24 characters): a longer file could not be read as text anyway. */
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024 - 1024;

export function readSnapshotFile(path: string): Snapshot {
  return readRecordedFile(path, parseSnapshot);
}

/** A file given to `flag`, read (bounded) and handed to `parse`; any failure is an InputError naming both. */
export function readRecordedFile<T>(path: string, parse: (text: string) => T, flag = "--from-snapshot"): T {
  const text = readBoundedText(flag, path, MAX_SNAPSHOT_BYTES);
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
  try {
    writeFileAtomically(path, `${JSON.stringify(value, null, 1)}\n`);
  } catch (error) {
    throw new InputError(`--record ${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? "unwritable"})`);
  }
}
