// How the tool reaches the nodes, as the CLI parsed it from redis-cli style flags.
// The password lives only here and in the node client: never in a Snapshot, a log or an error message.
import type { AllowedRange } from "../cluster/scope.js";

export interface TlsOptions {
  /** --cacert: PEM file with the CA that signed the servers' certificates. */
  caFile?: string;
  /** --cert / --key: client certificate and key, for servers that require mutual TLS. */
  certFile?: string;
  keyFile?: string;
  /** --insecure: accept any server certificate. */
  insecure: boolean;
}

export interface ConnectionOptions {
  /** Per node, per step: the TCP (and TLS) connect, AUTH, each command round, each probe. */
  timeoutMs: number;
  /** ACL user for AUTH; null means the `default` user. Only used when a password is given. */
  user: string | null;
  password: string | null;
  /** null = plain TCP. */
  tls: TlsOptions | null;
  /** More listed nodes than this end the run (--max-nodes, default DEFAULT_MAX_NODES); it also sizes the reply limits (limits.ts). */
  maxNodes?: number;
  /** --allow: ranges dialled beyond the seeds' own scope (src/cluster/scope.ts); none by default. */
  allow?: AllowedRange[];
}
