// Which redis-server a lab runs (--server, else the first on PATH), which version it is, and the
// redis-cli the lab talks to it with (the one beside it: the same release).
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { EnvironmentError, UsageError } from "../errors.js";
import { findOnPath, isExecutable } from "./preconditions.js";
import { runCommand } from "./run.js";
import { serverLabel } from "../cluster/server.js";
import { parseServerVersion, serverProfile, type ServerProfile } from "./server.js";

export interface LabServer {
  /** Absolute path of the redis-server every node runs. */
  serverPath: string;
  /** Absolute path of the redis-cli the lab uses for its own bookkeeping and `--cluster create`. */
  cliPath: string;
  profile: ServerProfile;
}

/** `--server` may name the binary or the folder holding it (as in ../shared/redis-servers/). */
function serverBinary(option: string | null): string {
  if (option === null) {
    const found = findOnPath("redis-server");
    if (found === null) throw new EnvironmentError("no redis-server on PATH: install one (apt-get install -y redis-server) or pass --server PATH");
    return found;
  }
  const path = resolve(option);
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`--server ${option}: no such file or folder`);
  }
  const binary = isDirectory ? join(path, "redis-server") : path;
  if (!isExecutable(binary)) throw new UsageError(`--server ${option}: ${binary} is not an executable redis-server`);
  return binary;
}

async function firstLine(argv: readonly string[]): Promise<{ code: number; line: string }> {
  const result = await runCommand(argv, { timeoutMs: 5000 });
  return { code: result.timedOut ? -1 : result.code, line: (result.stdout.trim() || result.stderr.trim()).split("\n")[0] ?? "" };
}

/** Finds and identifies the server; refuses versions the lab does not support, and TLS without TLS. */
export async function detectLabServer(option: string | null, tls: boolean): Promise<LabServer> {
  const serverPath = serverBinary(option);
  const version = await firstLine([serverPath, "--version"]);
  const parsed = parseServerVersion(version.line);
  if (parsed === null) throw new EnvironmentError(`${serverPath} --version printed "${version.line.slice(0, 120)}": not a redis-server the lab knows`);
  const profile = serverProfile(parsed, serverPath);
  const beside = join(dirname(serverPath), "redis-cli");
  const cliPath = isExecutable(beside) ? beside : findOnPath("redis-cli");
  if (cliPath === null) throw new EnvironmentError(`no redis-cli beside ${serverPath} nor on PATH: install one (apt-get install -y redis-tools)`);
  // A build without TLS (make BUILD_TLS=no) has a redis-cli that does not know --tls either.
  if (tls && (await firstLine([cliPath, "--tls", "--version"])).code !== 0) {
    throw new EnvironmentError(
      `${serverLabel(profile)} at ${serverPath} was built without TLS (${cliPath} does not know --tls): ` +
        "a TLS lab needs a build with TLS, such as Debian's redis-server",
    );
  }
  return { serverPath, cliPath, profile };
}
