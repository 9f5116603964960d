// --clusters FILE: reads clusters.yaml (bounded), and gives each cluster its connection: the command
// line's flags, overridden by what the file says for it. Passwords come from the files or environment
// variables the file names, read here; they never appear in a message.
import { readFileSync, statSync } from "node:fs";
import type { ConnectionOptions } from "../../collect/options.js";
import { InputError } from "../../errors.js";
import { MAX_CLUSTERS_FILE_BYTES, parseClusters, type ClusterSpec } from "../../fleet/clusters.js";
import type { FleetCluster } from "../../fleet/run.js";
import { readPasswordFile } from "./connection.js";

function readBounded(file: string): string {
  try {
    if (statSync(file).size > MAX_CLUSTERS_FILE_BYTES) throw new InputError(`--clusters ${file}: larger than ${MAX_CLUSTERS_FILE_BYTES} bytes, not a list of clusters`);
    return readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`--clusters ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
}

function passwordOf(spec: ClusterSpec, base: ConnectionOptions, env: NodeJS.ProcessEnv): string | null {
  const source = spec.password;
  if (source === undefined) return base.password;
  if ("file" in source) return readPasswordFile(`cluster "${spec.name}": passFile ${source.file}`, source.file);
  const value = env[source.env];
  if (value === undefined) throw new InputError(`cluster "${spec.name}": the environment variable ${source.env} (passEnv) is not set`);
  return value;
}

export function loadClusters(file: string, base: ConnectionOptions, defaultPort: number, env: NodeJS.ProcessEnv): FleetCluster[] {
  return parseClusters(readBounded(file), file, defaultPort).map((spec) => ({
    name: spec.name,
    seeds: spec.seeds,
    connection: {
      timeoutMs: spec.timeoutMs ?? base.timeoutMs,
      user: spec.user ?? base.user,
      password: passwordOf(spec, base, env),
      tls: spec.tls === undefined ? base.tls : spec.tls,
    },
  }));
}
