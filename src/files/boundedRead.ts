// Reading the files a user points busdoctor at, never more than a cap: `--pass-file /dev/zero`,
// `--cacert /dev/urandom` or a snapshot path that is a FIFO fed without end must end in a one-line
// error, not a process that reads until it runs out of memory. Reads stop at the cap (or, for a one-line
// file, at the first newline), so pipes and process substitution (`--pass-file <(pass show redis)`)
// still work; where only files make sense, devices are refused before a byte is read.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";

const CHUNK_BYTES = 64 * 1024;

/** Why a file was not read: `code` is the file system's (ENOENT...) or TOO_LARGE, NOT_A_FILE, NO_LINE. */
export class FileReadError extends Error {
  constructor(
    readonly code: string,
    /** In words, to follow "<flag> <path>: ". */
    readonly why: string,
  ) {
    super(why);
    this.name = "FileReadError";
  }
}

export interface ReadOptions {
  /** Stop once this byte has been read (a newline, for one-line files). */
  stopAt?: number;
  /** Only a regular file or a pipe: refuse a device or a directory before reading. */
  filesOnly?: boolean;
}

/** Up to `maxBytes` + 1 bytes of the file (more means: too large), or until `stopAt` has been read. */
export function readCapped(path: string, maxBytes: number, options: ReadOptions = {}): Buffer {
  const failed = (error: unknown): FileReadError => {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    return new FileReadError(code, `cannot read it (${code})`);
  };
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw failed(error);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const stat = fstatSync(fd);
    if (options.filesOnly === true && !stat.isFile() && !stat.isFIFO())
      throw new FileReadError("NOT_A_FILE", `not a file (${stat.isDirectory() ? "a directory" : "a device"})`);
    while (total <= maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (options.stopAt !== undefined && chunk.subarray(0, read).includes(options.stopAt)) break;
    }
  } catch (error) {
    throw error instanceof FileReadError ? error : failed(error);
  } finally {
    closeSync(fd);
  }
  const bytes = Buffer.concat(chunks, total);
  if (options.stopAt === undefined && bytes.length > maxBytes) throw new FileReadError("TOO_LARGE", `larger than ${maxBytes} bytes, the most busdoctor reads`);
  return bytes;
}

function asInputError(flag: string, path: string, read: () => Buffer): Buffer {
  try {
    return read();
  } catch (error) {
    if (error instanceof FileReadError) throw new InputError(`${flag} ${path}: ${error.why}`);
    throw error;
  }
}

/** The whole file (a regular file or a pipe) as UTF-8 text, refused past `maxBytes`. */
export function readBoundedText(flag: string, path: string, maxBytes: number): string {
  return asInputError(flag, path, () => readCapped(path, maxBytes, { filesOnly: true })).toString("utf8");
}

/** The file's first line (without its line end), refused when none ends within `maxBytes`. */
export function readFirstLine(flag: string, path: string, maxBytes: number): string {
  const bytes = asInputError(flag, path, () => readCapped(path, maxBytes, { stopAt: 0x0a }));
  const newline = bytes.indexOf(0x0a);
  if (newline === -1 && bytes.length > maxBytes) throw new InputError(`${flag} ${path}: no line ends within its first ${maxBytes} bytes: not a password file`);
  const line = bytes.subarray(0, newline === -1 ? bytes.length : newline).toString("utf8");
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
