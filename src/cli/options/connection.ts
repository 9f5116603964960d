// redis-cli style connection flags, shared by every command that talks to a cluster.
// The password may come from --pass/-a (visible in `ps`, warned about), --pass-file or REDISCLI_AUTH.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { ConnectionOptions } from "../../collect/options.js";
import { parseHostPort, type HostPort } from "../../cluster/address.js";
import { InputError, UsageError } from "../../errors.js";
import { parseInteger } from "./values.js";

export interface ConnectionFlags {
  host?: string;
  port: string;
  user?: string;
  pass?: string;
  passFile?: string;
  tls?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  timeout: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option("-h, --host <host>", "seed host (like redis-cli -h); or give seeds as host:port arguments")
    .option("-p, --port <port>", "client port of the seed host, and the default port of seeds given without one", "6379")
    .option("--user <name>", "ACL user name")
    .option("-a, --pass <password>", "password (visible to other users in ps: prefer REDISCLI_AUTH or --pass-file)")
    .option("--pass-file <file>", "read the password from the first line of this file")
    .option("--tls", "connect with TLS")
    .option("--cacert <file>", "CA certificate file to verify the servers (implies --tls)")
    .option("--cert <file>", "client certificate for mutual TLS (implies --tls)")
    .option("--key <file>", "client private key for mutual TLS (implies --tls)")
    .option("--insecure", "with TLS, do not verify the server certificate")
    .option("--timeout <ms>", "per-node timeout for connecting, each command round and each probe", "1000");
}

/** The first line of a password file; `what` names it in the error (never the password). */
export function readPasswordFile(what: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new InputError(`${what}: cannot read it (${code})`);
  }
  return text.split(/\r?\n/)[0] ?? "";
}

function readPassword(flags: ConnectionFlags, env: NodeJS.ProcessEnv, warn: (line: string) => void): string | null {
  if (flags.pass !== undefined) {
    warn("warning: a password on the command line may be seen by other users (ps); prefer REDISCLI_AUTH or --pass-file");
    return flags.pass;
  }
  if (flags.passFile !== undefined) return readPasswordFile(`--pass-file ${flags.passFile}`, flags.passFile);
  return env["REDISCLI_AUTH"] ?? null;
}

export interface ConnectionChoice {
  seeds: HostPort[];
  connection: ConnectionOptions;
}

export function connectionFromFlags(
  seedArgs: readonly string[],
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): ConnectionChoice {
  const port = parseInteger("--port", flags.port, 1, 65535);
  const timeoutMs = parseInteger("--timeout", flags.timeout, 10, 600_000);
  const seeds = seedArgs.map((text) => parseHostPort(text, port));
  if (flags.host !== undefined) seeds.unshift(parseHostPort(flags.host, port));
  if (seeds.length === 0) seeds.push({ host: "127.0.0.1", port });
  const tlsWanted = flags.tls === true || flags.cacert !== undefined || flags.cert !== undefined || flags.key !== undefined;
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new UsageError("--cert and --key go together: give both or neither");
  return {
    seeds,
    connection: {
      timeoutMs,
      user: flags.user ?? null,
      password: readPassword(flags, env, warn),
      tls: tlsWanted
        ? {
            ...(flags.cacert !== undefined ? { caFile: flags.cacert } : {}),
            ...(flags.cert !== undefined ? { certFile: flags.cert } : {}),
            ...(flags.key !== undefined ? { keyFile: flags.key } : {}),
            insecure: flags.insecure === true,
          }
        : null,
    },
  };
}
