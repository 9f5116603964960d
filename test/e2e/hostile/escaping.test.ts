// Terminal and markdown injection: escape sequences, newlines and bidi overrides that a node sends (in
// a listed address, an error reply) or a snapshot file holds never reach the terminal raw, and never
// break a markdown table. Through the built CLI, piped as a user would paste or log it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SNAPSHOT_DIR } from "../../unit/diagnose/fixtures.js";
import { Sandbox, type Started } from "./support/sandbox.js";
import { fakeId, fakeNode } from "./support/scenarios.js";

const OSC_TITLE = "\u001b]0;PWNED\u0007";
const CLEAR = "\u001b[2J";
/** Raw controls (C0 but newline, DEL, C1) and bidi or zero-width characters: none may reach the output. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

let sandbox: Sandbox;
let nodes: Started;

beforeAll(async () => {
  sandbox = await Sandbox.create("e2e-hostile-escaping");
  const listed = [
    `${fakeId("e5")} 127.0.0.81${OSC_TITLE}${CLEAR}:6379@16379 master - 0 0 2 connected`,
    `${fakeId("e6")} 127.0.0.82:6379@16379,redis\u202e-a master - 0 0 3 connected`,
    `${fakeId("e7")} 127.0.0.83:6379@16379 master - 0 0 4 connected`,
  ];
  nodes = await sandbox.fake("escaping", {
    nodes: [
      fakeNode("e1", "127.0.0.80", "ok", { extraLines: listed }),
      fakeNode("e7", "127.0.0.83", "error", { errorText: `ERR ${OSC_TITLE}${CLEAR}\u009b2J injected\u202e` }),
    ],
    sinks: [],
  });
});
afterAll(async () => {
  nodes?.stop();
  await sandbox?.destroy();
});

/** Every markdown table keeps its shape: each row has as many cells as its header. */
function expectTablesIntact(markdown: string): void {
  const cells = (line: string): number => line.replace(/\\\|/g, "").split("|").length;
  let header: number | null = null;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      header = null;
      continue;
    }
    header ??= cells(line);
    expect(cells(line)).toBe(header);
  }
}

describe("what a hostile node sends", () => {
  it.each([["terminal"], ["markdown"], ["json"]])("reaches the %s report escaped", async (format) => {
    const run = await sandbox.run(["check", "127.0.0.80:6379", "--format", format, "--timeout", "500"], { limitMs: 30_000 });
    expect(run.stdout).not.toMatch(RAW);
    expect(run.stderr).not.toMatch(RAW);
    expect(run.stdout).toContain("PWNED");
    if (format === "markdown") expectTablesIntact(run.stdout);
    if (format === "json") expect(() => JSON.parse(run.stdout)).not.toThrow();
  });
});

describe("what a hostile snapshot file holds", () => {
  function hostileSnapshot(): string {
    const snapshot = JSON.parse(readFileSync(join(SNAPSHOT_DIR, "bus-blocked-both.json"), "utf8")) as {
      seeds: string[];
      nodes: Array<{ address: string; connection: object }>;
    };
    snapshot.seeds = [`127.0.0.1${OSC_TITLE}:6379`];
    const third = snapshot.nodes[2];
    if (third) {
      third.address = `127.0.0.3:6379${CLEAR}\n| forged | row |`;
      third.connection = { ok: false, kind: "error", error: `ERR ${OSC_TITLE}\nHEALTHY`, ms: 1 };
    }
    const file = join(sandbox.dir, "hostile-snapshot.json");
    writeFileSync(file, JSON.stringify(snapshot));
    return file;
  }

  it.each([["terminal"], ["markdown"]])("is shown escaped in the %s report, tables intact", async (format) => {
    const run = await sandbox.run(["check", "--from-snapshot", hostileSnapshot(), "--format", format], { limitMs: 30_000 });
    expect(run.stdout).not.toMatch(RAW);
    expect(run.stdout).not.toMatch(/^HEALTHY/m);
    expect(run.stdout).toContain("PWNED");
    if (format === "markdown") expectTablesIntact(run.stdout);
  });
});
