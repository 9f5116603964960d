// fix's sessions verify a TLS node's certificate against the hostname it announces, as check does: the
// hostnames of a recorded cluster that announces them (Redis 7.0.15, `lab up --hostnames`).
import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/diagnose/analyze/index.js";
import { hostnamesOf } from "../../../src/fix/session.js";
import { loadVersionSnapshot } from "../compat/fixtures.js";

describe("hostnamesOf", () => {
  it("maps each node's address to the hostname it announces", () => {
    const names = hostnamesOf(analyze(loadVersionSnapshot("redis-7.0.15", "announced-healthy")));
    expect([...names.keys()]).toHaveLength(6);
    expect(names.get("127.0.0.3:6379")).toMatch(/^redis-3\..*\.busdoctor\.test$/);
  });

  it("is empty for a cluster that announces none", () => {
    expect(hostnamesOf(analyze(loadVersionSnapshot("redis-7.0.15", "healthy"))).size).toBe(0);
  });
});
