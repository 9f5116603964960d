// Reads the --cacert / --cert / --key files once, before any connection, so a typo fails the run with
// the file named instead of as a TLS error on every node. The key material stays in memory only. Reads
// are capped (a PEM bundle is kilobytes; /dev/urandom is refused before a byte is read).
import type { connect, ConnectionOptions as TlsConnectionOptions } from "node:tls";
import { FileReadError, readCapped } from "../files/boundedRead.js";
import { CollectError } from "./errors.js";
import type { TlsOptions } from "./options.js";

const READ_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

/** The system's whole CA bundle is about 200 KB. */
const MAX_PEM_BYTES = 4 * 1024 * 1024;

async function readPem(flag: string, file: string): Promise<Buffer> {
  try {
    return readCapped(file, MAX_PEM_BYTES, { filesOnly: true });
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new CollectError("tls-file", `cannot read the ${flag} file ${file}: ${READ_ERRORS[error.code] ?? error.why}`);
  }
}

/**
 * What a TLS connection needs: the options the files gave, and node:tls's connect, loaded only by a run
 * that asks for TLS (node:tls and the crypto modules it loads are about 4 ms of a plain run's start).
 */
export interface TlsSettings {
  options: TlsConnectionOptions;
  connect: typeof connect;
}

export async function loadTls(options: TlsOptions): Promise<TlsSettings> {
  const [ca, cert, key, tls] = await Promise.all([
    options.caFile === undefined ? undefined : readPem("--cacert", options.caFile),
    options.certFile === undefined ? undefined : readPem("--cert", options.certFile),
    options.keyFile === undefined ? undefined : readPem("--key", options.keyFile),
    import("node:tls"),
  ]);
  return {
    options: {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      rejectUnauthorized: !options.insecure,
    },
    connect: tls.connect,
  };
}
