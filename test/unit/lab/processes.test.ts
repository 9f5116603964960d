import { describe, expect, it } from "vitest";
import { parseProcState } from "../../../src/lab/processes.js";

describe("parseProcState", () => {
  // Lines read from /proc/PID/stat of lab redis-servers (running, after SIGSTOP, after SIGKILL).
  it.each([
    { stat: "5438 (redis-server) S 1 5438 5438 0 -1 4194624 327 0 0 0", state: "running" },
    { stat: "5438 (redis-server) R 1 5438 5438 0 -1 4194624 327 0 0 0", state: "running" },
    { stat: "5445 (redis-server) T 1 5445 5445 0 -1 4194624 330 0 0 0", state: "stopped" },
    { stat: "5452 (redis-server) Z 1 5452 5452 0 -1 4227084 331 0 0 0", state: "exited" },
    // A command name may hold spaces and parentheses: the state follows the last ")".
    { stat: "77 (odd) name)) T 1 77 77 0 -1", state: "stopped" },
    { stat: "", state: "exited" },
  ])("$stat", ({ stat, state }) => {
    expect(parseProcState(stat)).toBe(state);
  });
});
