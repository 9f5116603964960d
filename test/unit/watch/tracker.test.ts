// The alert state machine on sequences of samples: which condition is active in each sample (a
// string per sample, one letter per condition key) and the transitions expected after each.
import { describe, expect, it } from "vitest";
import type { AlertCode, Reading } from "../../../src/model/events.js";
import { FLAP_WINDOW_MS, track, type TrackerState } from "../../../src/watch/tracker.js";

const CODES: Record<string, AlertCode> = { e: "EARLY_WARNING", k: "KNOWN_NODES_LOW", s: "CLUSTER_STATE_FAIL" };

function reading(letter: string): Reading {
  const code = CODES[letter];
  if (!code) throw new Error(`no code for ${letter}`);
  return { key: letter, code, severity: "warning", nodes: ["127.0.0.3:6379"], summary: letter, evidence: [], cause: null, support: 0 };
}

/** Runs the samples (one every `stepMs`) and returns "sample:kind key" for each transition. */
function run(samples: string[], stepMs = 1000): string[] {
  let state: TrackerState = new Map();
  const seen: string[] = [];
  samples.forEach((active, index) => {
    const result = track(state, [...active].map(reading), index * stepMs);
    state = result.state;
    for (const transition of result.transitions) if (transition.kind !== "update") seen.push(`${index}:${transition.kind} ${transition.tracked.key}`);
  });
  return seen;
}

describe("alert tracker", () => {
  it.each([
    {
      name: "the early warning fires on its first sample and resolves after 3 clear ones",
      samples: ["", "e", "e", "", "", ""],
      expected: ["1:fire e", "5:resolve e"],
    },
    { name: "a gap shorter than the resolve hold keeps one alert", samples: ["e", "", "", "e", "", "", ""], expected: ["0:fire e", "6:resolve e"] },
    { name: "known_nodes low must hold 3 samples before it fires", samples: ["k", "k", "", "k", "k", "k", "", "", ""], expected: ["5:fire k", "8:resolve k"] },
    { name: "a condition that never held long enough never fires", samples: ["k", "k", "", "", ""], expected: [] },
    { name: "two conditions are tracked apart", samples: ["es", "s", "", "", "", ""], expected: ["0:fire e", "0:fire s", "3:resolve e", "4:resolve s"] },
    {
      name: "a flap (back within a minute) doubles the clear time needed to resolve",
      samples: ["e", "", "", "", "e", "", "", "", "", "", "", "", ""],
      expected: ["0:fire e", "3:resolve e", "4:fire e", "10:resolve e"],
    },
    {
      name: "a second flap doubles it again",
      samples: ["e", "", "", "", "e", "", "", "", "", "", "", "e", ...Array<string>(12).fill("")],
      expected: ["0:fire e", "3:resolve e", "4:fire e", "10:resolve e", "11:fire e", "23:resolve e"],
    },
  ])("$name", ({ samples, expected }) => {
    expect(run(samples)).toEqual(expected);
  });

  it("a condition back after the flap window is not a flap", () => {
    const quiet = Array<string>(Math.ceil(FLAP_WINDOW_MS / 10_000) + 1).fill("");
    expect(run(["e", "", "", "", ...quiet, "e", "", "", ""], 10_000)).toEqual([
      "0:fire e",
      "3:resolve e",
      `${4 + quiet.length}:fire e`,
      `${7 + quiet.length}:resolve e`,
    ]);
  });
});
