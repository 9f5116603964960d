// Optional credentials for watch's HTTP endpoint: basic auth (for people: browsers ask for it) and/or a
// bearer token (for Prometheus: `authorization: { credentials_file: ... }` in a scrape config). Each is
// read from the first line of a file, never from the command line, and compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { InputError, UsageError } from "../errors.js";

export interface HttpAuth {
  /** "user:password" as a browser sends it, base64-decoded. */
  basic: string | null;
  bearer: string | null;
}

/** A credentials file longer than this is not a credentials file. */
const MAX_SECRET_FILE_BYTES = 4096;

/** The first line of a small file; the file is read no further than MAX_SECRET_FILE_BYTES. */
export function readSecretLine(flag: string, path: string): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new InputError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
  const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
  let length = 0;
  try {
    let read = 0;
    do {
      read = readSync(fd, buffer, length, buffer.length - length, null);
      length += read;
    } while (read > 0 && length < buffer.length);
  } catch (error) {
    throw new InputError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  } finally {
    closeSync(fd);
  }
  const text = buffer.subarray(0, length).toString("utf8");
  const line = text.split(/\r?\n/)[0] ?? "";
  if (length > MAX_SECRET_FILE_BYTES && line.length === text.length)
    throw new InputError(`${flag} ${path}: the first line is longer than ${MAX_SECRET_FILE_BYTES} bytes`);
  return line;
}

export function loadHttpAuth(basicFile: string | undefined, bearerFile: string | undefined): HttpAuth | null {
  if (basicFile === undefined && bearerFile === undefined) return null;
  const basic = basicFile === undefined ? null : readSecretLine("--basic-auth-file", basicFile);
  if (basic !== null && !/^[^:\s]+:\S.*$/.test(basic)) throw new UsageError(`--basic-auth-file ${basicFile}: expected one line "user:password"`);
  const bearer = bearerFile === undefined ? null : readSecretLine("--bearer-token-file", bearerFile).trim();
  if (bearer !== null && !/^[\x21-\x7e]+$/.test(bearer))
    throw new UsageError(`--bearer-token-file ${bearerFile}: expected one line holding the token (printable, no spaces)`);
  return { basic, bearer };
}

/** Equal without telling how much of the secret matched (both sides hashed to one length first). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether an Authorization header (`Basic dXNlcjpwYXNz` or `Bearer TOKEN`) carries a configured credential. */
export function authorized(header: string | undefined, auth: HttpAuth): boolean {
  const match = /^(\w+) +(\S+)$/.exec(header ?? "");
  if (!match) return false;
  const [, scheme = "", value = ""] = match;
  if (scheme.toLowerCase() === "basic" && auth.basic !== null) return sameSecret(Buffer.from(value, "base64").toString("utf8"), auth.basic);
  if (scheme.toLowerCase() === "bearer" && auth.bearer !== null) return sameSecret(value, auth.bearer);
  return false;
}

/** The challenge a 401 carries: a browser shows its login box only for Basic. */
export function challenge(auth: HttpAuth): string {
  return auth.basic !== null ? 'Basic realm="busdoctor", charset="UTF-8"' : 'Bearer realm="busdoctor"';
}
