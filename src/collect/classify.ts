// Turns what ioredis throws (a server's error reply, a socket error, its own timeouts) into a
// CommandErrorKind and a short text. Samples are the exact messages recorded from redis-server 7.0.15
// in test/unit/collect/fixtures/ioredis-errors.json.
import type { CommandErrorKind } from "../model/snapshot.js";

export interface ClassifiedError {
  kind: CommandErrorKind;
  /** The server's own words for error replies; a plain description for socket errors and timeouts. */
  error: string;
}

/** The fields of an Error that classification reads; system and TLS errors carry a `code`. */
interface ErrorFields {
  message: string;
  code: string | null;
}

function fieldsOf(error: unknown): ErrorFields {
  if (error instanceof Error) {
    const code: unknown = (error as { code?: unknown }).code;
    return { message: error.message, code: typeof code === "string" ? code : null };
  }
  return { message: String(error), code: null };
}

// Socket error codes seen from net.connect, named the way an operator says them.
const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EPIPE: "connection closed while sending",
  EHOSTUNREACH: "host unreachable (no route)",
  ENETUNREACH: "network unreachable (no route)",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed (temporary DNS failure)",
};

/** "ERR unknown command 'NOSUCHCMD', with args beginning with: " / "ERR unknown subcommand 'LINKS'. Try CLUSTER HELP."
 *  Redis 6 words the second as "ERR Unknown subcommand or wrong number of arguments for 'LINKS'. Try CLUSTER HELP." */
const UNKNOWN_COMMAND = /^ERR unknown (sub)?command/i;

/** ioredis' own messages: its connect timer ("connect ETIMEDOUT", code ETIMEDOUT), its command timer
 *  ("Command timed out"), and "Connection is closed." when the socket ended before a reply or a command
 *  was sent after that. */
export function classifyError(error: unknown, timeoutMs: number): ClassifiedError {
  const { message, code } = fieldsOf(error);
  if (message.startsWith("NOPERM")) return { kind: "noperm", error: message };
  if (UNKNOWN_COMMAND.test(message)) return { kind: "unknown-command", error: message };
  if (message.startsWith("NOAUTH")) return { kind: "noauth", error: message };
  // "ERR invalid password" is how Redis 5 and older reject a bad requirepass.
  if (message.startsWith("WRONGPASS") || /invalid (username-)?password/i.test(message)) {
    return { kind: "wrongpass", error: message };
  }
  if (code === "ETIMEDOUT") {
    return { kind: "timeout", error: `could not connect within ${timeoutMs} ms (filtered port or host down?)` };
  }
  if (message === "Command timed out") {
    return { kind: "timeout", error: `connected but no reply within ${timeoutMs} ms (hung or paused process?)` };
  }
  if (message === "Connection is closed.") return { kind: "connection", error: "connection closed" };
  if (code !== null) {
    const described = SOCKET_ERRORS[code];
    // Anything else with a code is a socket or TLS failure (CERT_HAS_EXPIRED, ERR_SSL_...): keep its words.
    return { kind: "connection", error: described ?? message };
  }
  return { kind: "error", error: message };
}

/** Replies to AUTH that mean "this server has no password": the connection is usable, as redis-cli treats it. */
export function isAuthNotNeeded(message: string): boolean {
  return message.includes("no password is set") || message.includes("without any password configured");
}
