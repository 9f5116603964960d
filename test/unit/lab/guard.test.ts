// The lab guard tears a lab down however the process ends, and lets a fatal signal end it as the
// signal would have (the guard itself never calls process.exit: only src/cli does).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function runChild(how: string): { stdout: string; status: number | null; signal: NodeJS.Signals | null } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "test/unit/lab/guardChild.ts", how], { encoding: "utf8", timeout: 30_000 });
  return { stdout: result.stdout, status: result.status, signal: result.signal };
}

describe("teardownOnExit", () => {
  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)("%s: every armed lab is torn down, then the signal ends the process", (signal) => {
    const { stdout, status, signal: ended } = runChild(signal);
    expect(stdout).toBe("teardown first lab\nteardown second lab\n");
    expect({ status, signal: ended }).toEqual({ status: null, signal });
  });

  it("a normal exit tears down what is still armed, and only that", () => {
    expect(runChild("disarm")).toEqual({ stdout: "teardown first lab\n", status: 0, signal: null });
  });
});
