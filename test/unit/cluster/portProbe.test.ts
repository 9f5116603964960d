import { describe, expect, it } from "vitest";
import { describePortProbe, portVerdict } from "../../../src/cluster/portProbe.js";
import type { ProbeResult } from "../../../src/model/snapshot.js";

describe("port verdicts", () => {
  const probe = (state: ProbeResult["state"], error?: string): ProbeResult => ({ host: "::1", port: 16379, state, ms: 1000.4, ...(error ? { error } : {}) });
  it.each([
    { state: "open", verdict: "open", text: "[::1]:16379 open (the TCP handshake completed, 1000 ms)" },
    { state: "timeout", verdict: "filtered", text: "[::1]:16379 filtered (no answer to the TCP handshake: a firewall drops the packets, 1000 ms)" },
    {
      state: "refused",
      verdict: "refused",
      text: "[::1]:16379 refused (connection refused: nothing listens there, or a firewall rejects with a TCP reset, 1000 ms)",
    },
    {
      state: "unreachable",
      verdict: "unreachable",
      text: "[::1]:16379 unreachable (no route to the host: connect EHOSTUNREACH, 1000 ms)",
      error: "connect EHOSTUNREACH",
    },
  ] as const)("$state reads as $verdict", ({ state, verdict, text, ...rest }) => {
    const result = probe(state, "error" in rest ? rest.error : undefined);
    expect(portVerdict(result)).toBe(verdict);
    expect(describePortProbe(result)).toBe(text);
  });
});
