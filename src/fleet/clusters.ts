// clusters.yaml: the clusters one `busdoctor watch --clusters` watches. Pure: the text in, the clusters
// out, every mistake an InputError naming the cluster and the key. Passwords are never in the file:
// a cluster names a file (passFile) or an environment variable (passEnv) to read it from.
//
//   defaults:                       # optional: applied to every cluster, the cluster's own keys win
//     user: monitor
//     passFile: /etc/busdoctor/redis.pass
//   clusters:
//     - name: payments              # the `cluster` label: letters, digits, . _ : -
//       seeds: [10.0.0.5:6379, 10.0.0.6:6379]
//     - name: sessions
//       seeds: [redis-sessions-0.redis:6379]
//       passEnv: SESSIONS_REDIS_PASSWORD
//       tls: { cacert: /etc/ssl/redis-ca.pem }
//       timeout: 2000
import { parse } from "yaml";
import { parseHostPort, type HostPort } from "../cluster/address.js";
import type { TlsOptions } from "../collect/options.js";
import { InputError } from "../errors.js";

/** Where a cluster's password comes from; the password itself is read by the shell (loadClusters). */
export type PasswordSource = { file: string } | { env: string };

/** A cluster of the file; what it leaves unset comes from the command line's connection flags. */
export interface ClusterSpec {
  name: string;
  seeds: HostPort[];
  user?: string;
  password?: PasswordSource;
  /** null: plain TCP even if the command line says --tls. */
  tls?: TlsOptions | null;
  timeoutMs?: number;
}

export const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
/** A file this big is not a list of clusters. */
export const MAX_CLUSTERS_FILE_BYTES = 1_000_000;
const MAX_CLUSTERS = 10_000;
const CLUSTER_KEYS = new Set(["name", "seeds", "user", "passFile", "passEnv", "tls", "timeout"]);
const TLS_KEYS = new Set(["cacert", "cert", "key", "insecure"]);

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(where: string, key: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw new InputError(`${where}: ${key} must be a non-empty string`);
  return value;
}

function tlsOf(where: string, value: unknown): TlsOptions | null {
  if (value === false) return null;
  if (value === true) return { insecure: false };
  if (!isRecord(value)) throw new InputError(`${where}: tls must be true, false or { cacert, cert, key, insecure }`);
  for (const key of Object.keys(value))
    if (!TLS_KEYS.has(key)) throw new InputError(`${where}: tls has an unknown key "${key}" (known: ${[...TLS_KEYS].join(", ")})`);
  if ((value["cert"] === undefined) !== (value["key"] === undefined)) throw new InputError(`${where}: tls cert and key go together`);
  return {
    ...(value["cacert"] !== undefined ? { caFile: text(where, "tls.cacert", value["cacert"]) } : {}),
    ...(value["cert"] !== undefined ? { certFile: text(where, "tls.cert", value["cert"]) } : {}),
    ...(value["key"] !== undefined ? { keyFile: text(where, "tls.key", value["key"]) } : {}),
    insecure: value["insecure"] === true,
  };
}

function passwordOf(where: string, fields: Fields): PasswordSource | undefined {
  if (fields["passFile"] !== undefined && fields["passEnv"] !== undefined) throw new InputError(`${where}: give passFile or passEnv, not both`);
  if (fields["passFile"] !== undefined) return { file: text(where, "passFile", fields["passFile"]) };
  if (fields["passEnv"] !== undefined) return { env: text(where, "passEnv", fields["passEnv"]) };
  return undefined;
}

function checkKeys(where: string, fields: Fields): void {
  for (const key of Object.keys(fields)) {
    if (key === "pass" || key === "password")
      throw new InputError(`${where}: no passwords in this file: name a file (passFile) or an environment variable (passEnv)`);
    if (!CLUSTER_KEYS.has(key)) throw new InputError(`${where}: unknown key "${key}" (known: ${[...CLUSTER_KEYS].join(", ")})`);
  }
}

function timeoutOf(where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 10 || value > 600_000)
    throw new InputError(`${where}: timeout must be milliseconds from 10 to 600000`);
  return value;
}

function clusterOf(index: number, fields: unknown, defaultPort: number, shared: Fields): ClusterSpec {
  if (!isRecord(fields)) throw new InputError(`clusters[${index}] must be a mapping with a name and seeds`);
  const name = fields["name"];
  if (typeof name !== "string" || !CLUSTER_NAME.test(name)) {
    throw new InputError(`clusters[${index}]: name must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit`);
  }
  const where = `cluster "${name}"`;
  checkKeys(where, fields);
  const merged = { ...shared, ...fields };
  const seeds = fields["seeds"];
  if (!Array.isArray(seeds) || seeds.length === 0) throw new InputError(`${where}: seeds must be a list of host:port`);
  const password = passwordOf(where, fields) ?? passwordOf("defaults", shared);
  return {
    name,
    seeds: seeds.map((seed) => {
      try {
        return parseHostPort(text(where, "seeds", typeof seed === "number" ? String(seed) : seed), defaultPort);
      } catch (error) {
        throw new InputError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
    ...(merged["user"] !== undefined ? { user: text(where, "user", merged["user"]) } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(merged["tls"] !== undefined ? { tls: tlsOf(where, merged["tls"]) } : {}),
    ...(merged["timeout"] !== undefined ? { timeoutMs: timeoutOf(where, merged["timeout"]) } : {}),
  };
}

/** Parses clusters.yaml; `file` names it in errors. */
export function parseClusters(source: string, file: string, defaultPort: number): ClusterSpec[] {
  let document: unknown;
  try {
    document = parse(source, { maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(`${file}: not valid YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  if (!isRecord(document) || !Array.isArray(document["clusters"])) throw new InputError(`${file}: expected a "clusters:" list (see docs/deploy.md)`);
  for (const key of Object.keys(document))
    if (key !== "clusters" && key !== "defaults") throw new InputError(`${file}: unknown top-level key "${key}" (known: clusters, defaults)`);
  const shared = document["defaults"] ?? {};
  if (!isRecord(shared)) throw new InputError(`${file}: defaults must be a mapping`);
  for (const key of ["name", "seeds"]) if (key in shared) throw new InputError(`${file}: defaults cannot set ${key}`);
  checkKeys("defaults", shared);
  const list = document["clusters"];
  if (list.length === 0) throw new InputError(`${file}: the clusters list is empty`);
  if (list.length > MAX_CLUSTERS) throw new InputError(`${file}: ${list.length} clusters, more than ${MAX_CLUSTERS}: split them with --shard`);
  const clusters = list.map((fields, index) => clusterOf(index, fields, defaultPort, shared));
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (seen.has(cluster.name)) throw new InputError(`${file}: cluster "${cluster.name}" is listed twice (names are the cluster label: they must be unique)`);
    seen.add(cluster.name);
  }
  return clusters;
}
