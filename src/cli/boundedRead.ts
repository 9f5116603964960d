// Reading the files a user points busdoctor at, never more than a cap: `--pass-file /dev/zero` or a
// snapshot path that is a FIFO fed without end must end in a one-line error, not a process that reads
// until it runs out of memory. Reads stop at the cap (or, for a one-line file, at the first newline),
// so pipes and process substitution (`--pass-file <(pass show redis)`) still work.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";

const CHUNK_BYTES = 64 * 1024;

function describeError(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? "unreadable";
}

/**
 * Up to `maxBytes` + 1 bytes of the file, or until `stopAt` (a byte) has been read. With `filesOnly`,
 * only a regular file or a pipe is read: a device (/dev/zero, /dev/urandom) is refused before any byte.
 */
function readUpTo(flag: string, path: string, maxBytes: number, stopAt: number | null, filesOnly: boolean): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new InputError(`${flag} ${path}: cannot read it (${describeError(error)})`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const stat = fstatSync(fd);
    if (filesOnly && !stat.isFile() && !stat.isFIFO()) throw new InputError(`${flag} ${path}: not a file (${stat.isDirectory() ? "a directory" : "a device"})`);
    while (total <= maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (stopAt !== null && chunk.subarray(0, read).includes(stopAt)) break;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${flag} ${path}: cannot read it (${describeError(error)})`);
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks, total);
}

/** The whole file (a regular file or a pipe) as UTF-8 text, refused past `maxBytes`. */
export function readBoundedText(flag: string, path: string, maxBytes: number): string {
  const bytes = readUpTo(flag, path, maxBytes, null, true);
  if (bytes.length > maxBytes) throw new InputError(`${flag} ${path}: larger than ${maxBytes} bytes, the most busdoctor reads`);
  return bytes.toString("utf8");
}

/** The file's first line (without its line end), refused when none ends within `maxBytes`. */
export function readFirstLine(flag: string, path: string, maxBytes: number): string {
  const bytes = readUpTo(flag, path, maxBytes, 0x0a, false);
  const newline = bytes.indexOf(0x0a);
  if (newline === -1 && bytes.length > maxBytes) throw new InputError(`${flag} ${path}: no line ends within its first ${maxBytes} bytes: not a password file`);
  const line = bytes.subarray(0, newline === -1 ? bytes.length : newline).toString("utf8");
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
