// The write client's wire forms: the only commands busdoctor can send that change a cluster, each
// built from checked values, and SETSLOT only ever as STABLE.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { actionArgs, type WriteAction } from "../../../src/fix/client.js";

const SRC = join(import.meta.dirname, "..", "..", "..", "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the write client", () => {
  it.each<[WriteAction, string[]]>([
    [{ kind: "meet", ip: "10.0.0.9", port: 6379, busPort: 16379 }, ["CLUSTER", "MEET", "10.0.0.9", "6379", "16379"]],
    [{ kind: "meet", ip: "fd00::9", port: 7000, busPort: 17000 }, ["CLUSTER", "MEET", "fd00::9", "7000", "17000"]],
    [{ kind: "forget", nodeId: "5dbc1150090d879e8e9eea5ffbd77b9a84ea46e2" }, ["CLUSTER", "FORGET", "5dbc1150090d879e8e9eea5ffbd77b9a84ea46e2"]],
    [{ kind: "setslot-stable", slot: 5464 }, ["CLUSTER", "SETSLOT", "5464", "STABLE"]],
    [{ kind: "config-set", parameter: "cluster-require-full-coverage", value: "no" }, ["CONFIG", "SET", "cluster-require-full-coverage", "no"]],
  ])("%j -> %j", (action, args) => {
    expect(actionArgs(action)).toEqual(args);
  });

  it.each<WriteAction>([
    { kind: "meet", ip: "10.0.0.9 6379", port: 6379, busPort: 16379 },
    { kind: "meet", ip: "redis-a", port: 6379, busPort: 16379 },
    { kind: "meet", ip: "10.0.0.9", port: 0, busPort: 16379 },
    { kind: "forget", nodeId: "5dbc1150 NODE x" },
    { kind: "setslot-stable", slot: 16384 },
    { kind: "setslot-stable", slot: -1 },
    { kind: "config-set", parameter: "appendonly" as "cluster-require-full-coverage", value: "no" },
  ])("refuses values a reply could have smuggled in: %j", (action) => {
    expect(() => actionArgs(action)).toThrow(RangeError);
  });

  it("is the only source that spells a command changing the cluster, and SETSLOT only with STABLE", () => {
    const writers = /"(SETSLOT|MEET|FORGET|ADDSLOTS|ADDSLOTSRANGE|DELSLOTS|FAILOVER|BUMPEPOCH|RESET|REPLICATE|FLUSHALL|FLUSHDB)"/;
    const spelled = sources(SRC).filter((path) => {
      const text = readFileSync(path, "utf8");
      return writers.test(text) && /\["CLUSTER",|\["CONFIG", "SET"/.test(text);
    });
    // Plans print data-risk commands as text for a person (src/fix/plan/*); only the client sends.
    expect(spelled.map((path) => path.slice(SRC.length + 1)).filter((path) => !path.startsWith("fix/plan/"))).toEqual(["fix/client.ts"]);
    const client = readFileSync(join(SRC, "fix", "client.ts"), "utf8");
    expect(client.match(/"SETSLOT"/g)).toHaveLength(1);
    expect(client).toMatch(/\["CLUSTER", "SETSLOT", String\(action\.slot\), "STABLE"\]/);
  });
});
