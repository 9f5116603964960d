// A snapshot file is input like any other: possibly hand-edited or hostile. Its errors never quote the
// file, and every text a report shows from it comes out printable.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { parseSnapshot } from "../../../src/parse/snapshot.js";
import { SNAPSHOT_DIR } from "../diagnose/fixtures.js";

const recorded = (): Snapshot => JSON.parse(readFileSync(join(SNAPSHOT_DIR, "bus-blocked-both.json"), "utf8")) as Snapshot;
const ESCAPE = "\u001b]0;PWNED\u0007\u001b[2J";

describe("parseSnapshot", () => {
  it.each([
    ["a host name file", "my-secret-hostname\n"],
    ["a password file", "hunter2"],
    ["truncated JSON holding a secret", '{"format": 1, "secret": "hunter2'],
  ])("says %s is not JSON without quoting it", (_name, text) => {
    const message = (() => {
      try {
        parseSnapshot(text);
        return "parsed";
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    })();
    expect(message).toMatch(/^snapshot: not JSON/);
    expect(message).not.toMatch(/secret|hunter2|hostname/);
  });

  it("makes every address, name and error text printable, and leaves raw replies as recorded", () => {
    const snapshot = recorded();
    const [first] = snapshot.nodes;
    if (!first) throw new Error("no node in the fixture");
    snapshot.seeds = [`127.0.0.1${ESCAPE}:6379`];
    first.address = `127.0.0.1:6379\n| forged | row |`;
    first.connection = { ok: false, kind: "error", error: `ERR ${ESCAPE}`, ms: 1 };
    first.probes.client = { ...first.probes.client, error: `refused\u009b2J` };
    snapshot.outOfScope = [{ address: `8.8.8.8${ESCAPE}:6379`, kind: "outside", reason: "r\nr", listedBy: ["a\u202eb"] }];
    const rawNodes = first.commands.clusterNodes;
    const parsed = parseSnapshot(JSON.stringify(snapshot));
    const texts: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === "string") texts.push(value);
      else if (value !== null && typeof value === "object") {
        for (const [key, inner] of Object.entries(value)) {
          texts.push(key);
          collect(inner);
        }
      }
    };
    collect({ seeds: parsed.seeds, node: { ...parsed.nodes[0], commands: undefined }, outOfScope: parsed.outOfScope });
    expect(texts.join(" ")).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(parsed.nodes[0]?.address).toBe("127.0.0.1:6379\\n| forged | row |");
    expect(parsed.seeds[0]).toBe("127.0.0.1\\x1b]0;PWNED\\x07\\x1b[2J:6379");
    expect(parsed.nodes[0]?.commands.clusterNodes).toEqual(rawNodes);
  });

  it("names a bad field by a printable path", () => {
    const snapshot = recorded() as unknown as { nodes: Array<{ failureReports: Record<string, unknown> }> };
    const [first] = snapshot.nodes;
    if (!first) throw new Error("no node in the fixture");
    first.failureReports = { [`id${ESCAPE}`]: "not a result" };
    expect(() => parseSnapshot(JSON.stringify(snapshot))).toThrow("snapshot: nodes[0].failureReports.id\\x1b]0;PWNED\\x07\\x1b[2J: expected an object");
  });

  it("checks the addresses left out of scope", () => {
    const snapshot = { ...recorded(), outOfScope: [{ address: "8.8.8.8:6379", kind: "nearby", reason: "", listedBy: [] }] };
    expect(() => parseSnapshot(JSON.stringify(snapshot))).toThrow("snapshot: outOfScope[0].kind: expected one of host-name, special, link-local, outside, far");
  });
});
