// --clusters FILE: reads clusters.yaml (bounded), and gives each cluster its connection: the command
// line's flags (--max-nodes and --allow too), overridden by what the file says for it. Passwords come from the files or environment
// variables the file names, read here; they never appear in a message.
import type { ConnectionOptions } from "../../collect/options.js";
import { InputError } from "../../errors.js";
import { readBoundedText, readFirstLine } from "../../files/boundedRead.js";
import { MAX_CLUSTERS_FILE_BYTES, parseClusters, type ClusterSpec } from "../../fleet/clusters.js";
import type { FleetCluster } from "../../fleet/run.js";
import { MAX_PASSWORD_FILE_BYTES } from "./connection.js";

function passwordOf(spec: ClusterSpec, base: ConnectionOptions, env: NodeJS.ProcessEnv): string | null {
  const source = spec.password;
  if (source === undefined) return base.password;
  if ("file" in source) return readFirstLine(`cluster "${spec.name}": passFile`, source.file, MAX_PASSWORD_FILE_BYTES);
  const value = env[source.env];
  if (value === undefined) throw new InputError(`cluster "${spec.name}": the environment variable ${source.env} (passEnv) is not set`);
  return value;
}

export function loadClusters(file: string, base: ConnectionOptions, defaultPort: number, env: NodeJS.ProcessEnv): FleetCluster[] {
  return parseClusters(readBoundedText("--clusters", file, MAX_CLUSTERS_FILE_BYTES), file, defaultPort).map((spec) => ({
    name: spec.name,
    seeds: spec.seeds,
    connection: {
      ...base,
      timeoutMs: spec.timeoutMs ?? base.timeoutMs,
      user: spec.user ?? base.user,
      password: passwordOf(spec, base, env),
      tls: spec.tls === undefined ? base.tls : spec.tls,
    },
  }));
}
