// Classification of the errors recorded from redis-server 7.0.15 through ioredis by
// test/e2e/support/collect-record-errors.ts, plus messages real 7.0 cannot produce (older servers, TLS).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyError, isAuthNotNeeded } from "../../../src/collect/classify.js";
import type { CommandErrorKind } from "../../../src/model/snapshot.js";

interface RecordedError {
  scenario: string;
  name: string;
  message: string;
  code: string | null;
}

const recorded = (
  JSON.parse(readFileSync(new URL("./fixtures/ioredis-errors.json", import.meta.url), "utf8")) as { errors: RecordedError[] }
).errors;

function rebuild(error: RecordedError): Error {
  const rebuilt = Object.assign(new Error(error.message), error.code === null ? {} : { code: error.code });
  rebuilt.name = error.name;
  return rebuilt;
}

function recordedError(scenario: string): Error {
  const error = recorded.find((entry) => entry.scenario === scenario);
  if (!error) throw new Error(`fixture has no scenario ${scenario}`);
  return rebuild(error);
}

describe("classifyError on recorded errors", () => {
  const expectations: [scenario: string, kind: CommandErrorKind, text: string | null][] = [
    ["unknown-command", "unknown-command", null],
    ["unknown-subcommand", "unknown-command", null],
    ["error-reply", "error", null],
    ["auth-not-needed", "error", null],
    ["wrongpass-user", "wrongpass", null],
    ["wrongpass-default", "wrongpass", null],
    ["noperm", "noperm", null],
    ["noauth", "noauth", null],
    ["command-timeout", "timeout", "connected but no reply within 1000 ms (hung or paused process?)"],
    ["command-after-close", "connection", "connection closed"],
    ["connect-refused-event", "connection", "connection refused"],
    ["connect-refused-rejection", "connection", "connection closed"],
    ["connect-timeout-event", "timeout", "could not connect within 1000 ms (filtered port or host down?)"],
    ["connect-timeout-rejection", "connection", "connection closed"],
  ];

  it("covers every recorded scenario", () => {
    expect(expectations.map(([scenario]) => scenario).sort()).toEqual(recorded.map((error) => error.scenario).sort());
  });

  it.each(expectations)("%s -> %s", (scenario, kind, text) => {
    const error = recordedError(scenario);
    // Server replies are kept in the server's own words; text null means "the message verbatim".
    expect(classifyError(error, 1000)).toEqual({ kind, error: text ?? error.message });
  });
});

describe("classifyError on messages a 7.0 server cannot produce", () => {
  it.each<[string, string | null, CommandErrorKind, string]>([
    // Redis 6.x wording for CLUSTER LINKS, which it does not have.
    [
      "ERR Unknown subcommand or wrong number of arguments for 'LINKS'. Try CLUSTER HELP.",
      null,
      "unknown-command",
      "ERR Unknown subcommand or wrong number of arguments for 'LINKS'. Try CLUSTER HELP.",
    ],
    ["ERR invalid password", null, "wrongpass", "ERR invalid password"],
    ["connect EHOSTUNREACH 127.0.0.9:6379", "EHOSTUNREACH", "connection", "host unreachable (no route)"],
    ["connect ENETUNREACH 127.0.0.9:6379", "ENETUNREACH", "connection", "network unreachable (no route)"],
    ["read ECONNRESET", "ECONNRESET", "connection", "connection reset by peer"],
    ["getaddrinfo ENOTFOUND redis-a", "ENOTFOUND", "connection", "host name not found"],
    ["self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT", "connection", "self-signed certificate"],
  ])("%s (code %s) -> %s", (message, code, kind, text) => {
    const error = Object.assign(new Error(message), code === null ? {} : { code });
    expect(classifyError(error, 1000)).toEqual({ kind, error: text });
  });

  it("classifies a thrown non-Error by its text", () => {
    expect(classifyError("NOPERM denied", 1000)).toEqual({ kind: "noperm", error: "NOPERM denied" });
  });
});

describe("isAuthNotNeeded", () => {
  it.each([
    [recordedError("auth-not-needed").message, true],
    ["ERR Client sent AUTH, but no password is set", true],
    [recordedError("wrongpass-user").message, false],
    [recordedError("noauth").message, false],
  ])("%s -> %s", (message, expected) => {
    expect(isAuthNotNeeded(message)).toBe(expected);
  });
});
