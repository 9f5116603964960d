// Every file busdoctor writes goes through here, because the directory may be shared (/tmp, a team's
// incident folder): a snapshot or report is written to a temporary file with an unpredictable name,
// created exclusively (O_EXCL, so a planted file or symlink is never followed or reused) and readable by
// its owner only, then renamed over the target in one step; a file appended to (watch --record) is
// opened without following a symlink and created 0600. A reader never sees half a file.
import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync, fchmodSync, fstatSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const PRIVATE_MODE = 0o600;

/** Writes `text` to `path` atomically, 0600. Throws the file system's error (callers name the flag). */
export function writeFileAtomically(path: string, text: string): void {
  // Web Crypto's global, not node:crypto: it loads its modules on first use, not in every run that could write.
  const unpredictable = Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString("hex");
  const temporary = join(dirname(path), `.${basename(path)}.${unpredictable}.tmp`);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, PRIVATE_MODE);
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already renamed or never written: nothing left to clean.
    }
    throw error;
  }
}

/**
 * Opens `path` for appending without following a symlink, creating it 0600; an existing file of ours
 * that others can read is made private, one of another user's is refused (code ENOTOWNER): it could be
 * a file planted in a shared directory to collect what busdoctor writes. Returns the descriptor.
 */
export function openPrivateAppend(path: string): number {
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, PRIVATE_MODE);
  try {
    const { uid, mode } = fstatSync(fd);
    if (uid !== process.getuid?.()) throw Object.assign(new Error(`${path} belongs to another user`), { code: "ENOTOWNER" });
    if ((mode & 0o077) !== 0) fchmodSync(fd, PRIVATE_MODE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}
