// redis-cli style connection flags, shared by every command that talks to a cluster, and the bounds of
// what it dials and reads (--allow, --max-nodes).
// The password may come from --pass/-a (visible in `ps`, warned about), --pass-file or REDISCLI_AUTH.
import type { Command } from "commander";
import { DEFAULT_MAX_NODES, MAX_MAX_NODES } from "../../collect/limits.js";
import type { ConnectionOptions } from "../../collect/options.js";
import { parseHostPort, type HostPort } from "../../cluster/address.js";
import { parseAllow } from "../../cluster/scope.js";
import { UsageError } from "../../errors.js";
import { readFirstLine } from "../../files/boundedRead.js";
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
  maxNodes: string;
  allow: string[];
}

/** The password file holds one line; anything longer is not a password file (or is /dev/zero). */
export const MAX_PASSWORD_FILE_BYTES = 4096;

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
    .option("--timeout <ms>", "per-node timeout for connecting, each command round and each probe", "1000")
    .option("--max-nodes <n>", "stop with an error when the cluster lists more nodes than this", String(DEFAULT_MAX_NODES))
    .option(
      "--allow <cidr>",
      "also dial listed nodes in this range (repeatable); by default only addresses like the seeds' (loopback, private, or the seeds themselves)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    );
}

function readPassword(flags: ConnectionFlags, env: NodeJS.ProcessEnv, warn: (line: string) => void): string | null {
  if (flags.pass !== undefined) {
    warn("warning: a password on the command line may be seen by other users (ps); prefer REDISCLI_AUTH or --pass-file");
    return flags.pass;
  }
  if (flags.passFile !== undefined) return readFirstLine("--pass-file", flags.passFile, MAX_PASSWORD_FILE_BYTES);
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
      maxNodes: parseInteger("--max-nodes", flags.maxNodes, 1, MAX_MAX_NODES),
      allow: flags.allow.map(parseAllow),
    },
  };
}
