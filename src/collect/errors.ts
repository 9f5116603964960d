// The one error a collection run throws: nothing usable could be collected. Everything a node does
// wrong after that is recorded in the Snapshot instead, so that the diagnosis can explain it.
import { BusdoctorError, type FailureKind } from "../errors.js";
import type { CommandErrorKind, CommandResult, NodeSnapshot } from "../model/snapshot.js";

export type CollectErrorReason =
  | "no-seed" // no seed answered a single command
  | "auth" // every seed rejected the credentials (NOAUTH / WRONGPASS)
  | "tls-file" // a --cacert / --cert / --key file could not be read
  | "too-many-nodes"; // the views list more nodes than --max-nodes

const KIND_OF: Record<CollectErrorReason, FailureKind> = { "no-seed": "unreachable", auth: "auth", "tls-file": "input", "too-many-nodes": "usage" };

export class CollectError extends BusdoctorError {
  constructor(
    readonly reason: CollectErrorReason,
    message: string,
  ) {
    super(KIND_OF[reason], message);
    this.name = "CollectError";
  }
}

type FailedResult = Extract<CommandResult, { ok: false }>;

const AUTH_KINDS: ReadonlySet<CommandErrorKind> = new Set(["noauth", "wrongpass"]);

/** Why a node gave nothing usable; null when it answered at least one command. */
export function nodeFailure(node: Pick<NodeSnapshot, "connection" | "commands">): FailedResult | null {
  if (!node.connection.ok) return node.connection;
  const results = Object.values(node.commands);
  if (results.some((result) => result.ok)) return null;
  return results.find((result): result is FailedResult => !result.ok) ?? null;
}

function describe(failure: FailedResult): string {
  if (failure.kind === "noauth") return `${failure.error} (no password given: use --pass or REDISCLI_AUTH)`;
  return failure.error;
}

/**
 * Called when no seed answered. `auth` only when every seed rejected the credentials: then the fix is
 * the password, not the network. The message names each seed and why; it never holds the password.
 */
export function noSeedError(seeds: readonly Pick<NodeSnapshot, "address" | "connection" | "commands">[], user: string | null): CollectError {
  const failures = seeds.map((seed) => ({ address: seed.address, failure: nodeFailure(seed) }));
  const reasons = failures.map(({ address, failure }) => `${address} ${failure ? describe(failure) : "did not answer"}`);
  const allAuth = failures.every(({ failure }) => failure !== null && AUTH_KINDS.has(failure.kind));
  if (allAuth) {
    const who = user === null ? "" : ` as user "${user}"`;
    return new CollectError("auth", `authentication failed${who} on every seed: ${reasons.join("; ")}`);
  }
  return new CollectError("no-seed", `no seed reachable: ${reasons.join("; ")}`);
}
