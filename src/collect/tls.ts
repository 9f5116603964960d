// Reads the --cacert / --cert / --key files once, before any connection, so a typo fails the run with
// the file named instead of as a TLS error on every node. The key material stays in memory only.
import { readFile } from "node:fs/promises";
import type { ConnectionOptions as TlsConnectionOptions } from "node:tls";
import { CollectError } from "./errors.js";
import type { TlsOptions } from "./options.js";

const READ_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

async function readPem(flag: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why = (code === undefined ? undefined : READ_ERRORS[code]) ?? message;
    throw new CollectError("tls-file", `cannot read the ${flag} file ${file}: ${why}`);
  }
}

export async function loadTls(options: TlsOptions): Promise<TlsConnectionOptions> {
  const [ca, cert, key] = await Promise.all([
    options.caFile === undefined ? undefined : readPem("--cacert", options.caFile),
    options.certFile === undefined ? undefined : readPem("--cert", options.certFile),
    options.keyFile === undefined ? undefined : readPem("--key", options.keyFile),
  ]);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    rejectUnauthorized: !options.insecure,
  };
}
