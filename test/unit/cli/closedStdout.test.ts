// A reader that goes away (`busdoctor check | head -1`): a one-shot command ends quietly, with the exit
// code of what it found, as other Unix tools do; watch is the one command that goes on without its stdout
// (test/e2e/watch.test.ts runs one whose stdout is closed).
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { outlivesStdout } from "../../../src/cli/commands/index.js";

/** Runs the CLI from its sources with nobody reading its stdout; its exit code and stderr. */
function runWithStdoutClosed(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("a closed stdout", () => {
  it("ends a one-shot command quietly, with the exit code of what it found", async () => {
    // Node 3's bus blocked both ways, recorded: critical, exit code 2.
    const result = await runWithStdoutClosed("check", "--from-snapshot", "test/fixtures/redis-7.0.15/snapshots/bus-blocked-both.json");
    expect(result).toEqual({ code: 2, stderr: "" });
  });

  it("does not end watch, and no other command", () => {
    const argv = (...words: string[]): string[] => ["node", "busdoctor", ...words];
    expect(outlivesStdout(argv("watch", "127.0.0.1:6379"))).toBe(true);
    expect(outlivesStdout(argv("check", "127.0.0.1:6379"))).toBe(false);
    expect(outlivesStdout(argv("help", "watch"))).toBe(false);
    expect(outlivesStdout(argv("toString"))).toBe(false);
    expect(outlivesStdout(argv())).toBe(false);
  });
});
