// Classification of the errors recorded from redis-server 7.0.15 through busdoctor's node client by
// test/e2e/support/collect-record-fixtures.ts, plus messages real 7.0 cannot produce (older servers, TLS).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyReplyError, classifySocketError, isAuthNotNeeded } from "../../../src/collect/classify.js";
import type { CommandErrorKind } from "../../../src/model/snapshot.js";

interface Recorded {
  replies: Array<{ scenario: string; line: string }>;
  socket: Array<{ scenario: string; code: string | null; message: string }>;
}

const recorded = JSON.parse(readFileSync(new URL("./fixtures/node-errors.json", import.meta.url), "utf8")) as Recorded;

function recordedLine(scenario: string): string {
  const reply = recorded.replies.find((entry) => entry.scenario === scenario);
  if (!reply) throw new Error(`fixture has no scenario ${scenario}`);
  return reply.line;
}

describe("classifyReplyError on recorded error replies", () => {
  const expectations: [scenario: string, kind: CommandErrorKind][] = [
    ["unknown-command", "unknown-command"],
    ["unknown-subcommand", "unknown-command"],
    ["error-reply", "error"],
    ["auth-not-needed", "error"],
    ["wrongpass-user", "wrongpass"],
    ["wrongpass-default", "wrongpass"],
    ["noperm", "noperm"],
    ["noauth", "noauth"],
  ];

  it("covers every recorded scenario", () => {
    expect(expectations.map(([scenario]) => scenario).sort()).toEqual(recorded.replies.map((reply) => reply.scenario).sort());
  });

  it.each(expectations)("%s -> %s, in the server's own words", (scenario, kind) => {
    const line = recordedLine(scenario);
    expect(classifyReplyError(line)).toEqual({ kind, error: line });
  });

  it.each([
    // Redis 6.x wording for CLUSTER LINKS, which it does not have.
    ["ERR Unknown subcommand or wrong number of arguments for 'LINKS'. Try CLUSTER HELP.", "unknown-command"],
    ["ERR invalid password", "wrongpass"],
  ] as const)("%s -> %s (not from a 7.0 server)", (line, kind) => {
    expect(classifyReplyError(line)).toEqual({ kind, error: line });
  });

  it("shows a hostile error line as one printable, bounded line", () => {
    const { error } = classifyReplyError(`ERR \u001b]0;PWNED\u0007\u001b[2J${"x".repeat(1000)}`);
    expect(error).toMatch(/^ERR \\x1b\]0;PWNED\\x07\\x1b\[2Jx+\.\.\. \(\d+ more characters\)$/);
    expect(error.length).toBeLessThan(400);
  });
});

describe("classifySocketError", () => {
  it("names the recorded refused connect", () => {
    const [refused] = recorded.socket;
    expect(refused?.code).toBe("ECONNREFUSED");
    const error = Object.assign(new Error(refused?.message), { code: refused?.code });
    expect(classifySocketError(error, 1000)).toEqual({ kind: "connection", error: "connection refused" });
  });

  it.each<[string, string | null, CommandErrorKind, string]>([
    ["connect EHOSTUNREACH 127.0.0.9:6379", "EHOSTUNREACH", "connection", "host unreachable (no route)"],
    ["connect ENETUNREACH 127.0.0.9:6379", "ENETUNREACH", "connection", "network unreachable (no route)"],
    ["read ECONNRESET", "ECONNRESET", "connection", "connection reset by peer"],
    ["getaddrinfo ENOTFOUND redis-a", "ENOTFOUND", "connection", "host name not found"],
    ["connect ETIMEDOUT 10.0.0.9:6379", "ETIMEDOUT", "timeout", "could not connect within 1000 ms (filtered port or host down?)"],
    ["self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT", "connection", "self-signed certificate"],
  ])("%s (code %s) -> %s", (message, code, kind, text) => {
    const error = Object.assign(new Error(message), code === null ? {} : { code });
    expect(classifySocketError(error, 1000)).toEqual({ kind, error: text });
  });
});

describe("isAuthNotNeeded", () => {
  it.each([
    [recordedLine("auth-not-needed"), true],
    ["ERR Client sent AUTH, but no password is set", true],
    [recordedLine("wrongpass-user"), false],
    [recordedLine("noauth"), false],
  ])("%s -> %s", (message, expected) => {
    expect(isAuthNotNeeded(message)).toBe(expected);
  });
});
