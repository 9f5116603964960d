// Turns what goes wrong talking to a node (a server's error reply, a socket error, a timeout, a reply
// that breaks RESP or a limit) into a CommandErrorKind and a short printable text. Server error samples
// are the exact lines recorded from redis-server 7.0.15 in test/unit/collect/fixtures/node-errors.json.
import type { CommandErrorKind, CommandResult } from "../model/snapshot.js";
import { printable } from "../text/printable.js";

export interface ClassifiedError {
  kind: CommandErrorKind;
  /** The server's own words for error replies; a plain description for socket errors and timeouts. */
  error: string;
}

/** Past this, a server's error line is cut: it is shown in reports and logs. */
const MAX_ERROR_CHARS = 300;

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

/** A server's error reply, e.g. "NOPERM this user has no permissions to run the 'config|get' command". */
export function classifyReplyError(line: string): ClassifiedError {
  const error = printable(line, MAX_ERROR_CHARS);
  if (line.startsWith("NOPERM")) return { kind: "noperm", error };
  if (UNKNOWN_COMMAND.test(line)) return { kind: "unknown-command", error };
  if (line.startsWith("NOAUTH")) return { kind: "noauth", error };
  // "ERR invalid password" is how Redis 5 and older reject a bad requirepass.
  if (line.startsWith("WRONGPASS") || /invalid (username-)?password/i.test(line)) return { kind: "wrongpass", error };
  return { kind: "error", error };
}

/** A socket or TLS error while connecting or talking (an Error with a `code`, as net and tls raise them). */
export function classifySocketError(failure: unknown, timeoutMs: number): ClassifiedError {
  const code: unknown = failure instanceof Error ? (failure as { code?: unknown }).code : undefined;
  if (code === "ETIMEDOUT") return connectTimeout(timeoutMs);
  const described = typeof code === "string" ? SOCKET_ERRORS[code] : undefined;
  // Anything else is a socket or TLS failure (CERT_HAS_EXPIRED, ERR_SSL_...): keep its words.
  const message = failure instanceof Error ? failure.message : String(failure);
  return { kind: "connection", error: described ?? printable(message, MAX_ERROR_CHARS) };
}

export function connectTimeout(timeoutMs: number): ClassifiedError {
  return { kind: "timeout", error: `could not connect within ${timeoutMs} ms (filtered port or host down?)` };
}

export function replyTimeout(timeoutMs: number): ClassifiedError {
  return { kind: "timeout", error: `connected but no reply within ${timeoutMs} ms (hung or paused process?)` };
}

const UNREADABLE = "unreadable reply: ";
const TOO_LARGE = `${UNREADABLE}too large: `;

/** The reply broke RESP or one of busdoctor's limits: the node said something, but not a reply. */
export function protocolFailure(why: string, tooLarge: boolean): ClassifiedError {
  return { kind: "protocol", error: `${tooLarge ? TOO_LARGE : UNREADABLE}${why}` };
}

/** Whether a command failed only because its reply was larger than busdoctor reads. */
export function isTooLarge(result: CommandResult | undefined): boolean {
  return result !== undefined && !result.ok && result.kind === "protocol" && result.error.startsWith(TOO_LARGE);
}

/** Replies to AUTH that mean "this server has no password": the connection is usable, as redis-cli treats it. */
export function isAuthNotNeeded(message: string): boolean {
  return message.includes("no password is set") || message.includes("without any password configured");
}
