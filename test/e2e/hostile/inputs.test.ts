// Hostile files, shared directories and webhook receivers, through the built CLI in the no-route
// sandbox: reads are capped, errors are one line that quotes no file and no secret, files busdoctor
// writes are private and never written through a planted symlink, one watch writes a history at a
// time, and a webhook receiver can neither stream it out of memory nor redirect its events elsewhere.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox, type Measured, type Started } from "./support/sandbox.js";
import { fakeNode } from "./support/scenarios.js";

const RECEIVER = fileURLToPath(new URL("./support/webhookReceiver.ts", import.meta.url));
const TOKEN = "t0k3n-9f2c";

let sandbox: Sandbox;
/** A shared directory, world-writable and sticky like /tmp, where another user could plant files. */
let shared: string;
/** One healthy node (a "cluster" of one) and one that answers garbage, which watch alerts on. */
let nodes: Started;

beforeAll(async () => {
  sandbox = await Sandbox.create("e2e-hostile-inputs");
  shared = join(sandbox.dir, "shared");
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  nodes = await sandbox.fake("nodes", { nodes: [fakeNode("70", "127.0.0.70", "ok"), fakeNode("71", "127.0.0.71", "garbage")], sinks: [] });
});
afterAll(async () => {
  nodes?.stop();
  await sandbox?.destroy();
});

function oneLine(run: Measured, pattern: RegExp): void {
  expect(run.code).toBe(3);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
}

describe("inputs that never end, or hold what must not be shown", () => {
  it.each([
    [
      ["check", "127.0.0.70:6379", "--pass-file", "/dev/zero"],
      /^busdoctor: --pass-file \/dev\/zero: no line ends within its first 4096 bytes: not a password file\n$/,
    ],
    [["check", "--from-snapshot", "/dev/zero"], /^busdoctor: --from-snapshot \/dev\/zero: not a file \(a device\)\n$/],
    [["check", "127.0.0.70:6379", "--sample", "40000m"], /^busdoctor: --sample: expected a duration of at most 24 days \(34560m\), got "40000m"\n$/],
    [["check", "127.0.0.70:6379", "--max-nodes", "0"], /^busdoctor: --max-nodes: expected a whole number from 1 to 100000, got "0"\n$/],
    [["check", "127.0.0.70:6379", "--allow", "redis-a"], /^busdoctor: --allow: expected an address or a CIDR range/],
  ])("%j: exit 3 at once, in one line", async (args, pattern) => {
    oneLine(await sandbox.run(args, { limitMs: 20_000 }), pattern);
  });

  it("says a snapshot file is not JSON without quoting it", async () => {
    const file = join(sandbox.dir, "not-a-snapshot.txt");
    writeFileSync(file, `requirepass ${TOKEN}\n`);
    const run = await sandbox.run(["check", "--from-snapshot", file], { limitMs: 20_000 });
    oneLine(run, /^busdoctor: --from-snapshot .*: snapshot: not JSON/);
    expect(run.stderr).not.toContain(TOKEN);
  });

  it("refuses a webhook URL with credentials without repeating them", async () => {
    const run = await sandbox.run(["watch", "127.0.0.70:6379", "--no-history", "--webhook", `http://ops:${TOKEN}@127.0.0.60:8080/hook`], { limitMs: 20_000 });
    oneLine(run, /^busdoctor: --webhook: a URL with a user name or password \(user:pass@host\) is refused/);
    expect(run.stderr).not.toContain(TOKEN);
  });
});

describe("files written in a shared directory", () => {
  it("check --record writes a private file and replaces a planted symlink instead of writing through it", async () => {
    const victim = join(sandbox.dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    const record = join(shared, "incident.json");
    symlinkSync(victim, record);
    const run = await sandbox.run(["check", "127.0.0.70:6379", "--record", record, "--json"], { limitMs: 20_000 });
    expect(run.stderr).toBe("");
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(lstatSync(record).isSymbolicLink()).toBe(false);
    expect(statSync(record).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(record, "utf8"))).toMatchObject({ format: 1, seeds: ["127.0.0.70:6379"] });
  });

  it("watch --record appends to a private file and refuses a planted symlink", async () => {
    const record = join(shared, "samples.jsonl");
    const run = await sandbox.run(["watch", "127.0.0.70:6379", "--no-history", "--interval", "200ms", "--duration", "1s", "--record", record], {
      limitMs: 20_000,
    });
    expect(run.code).toBe(0);
    expect(statSync(record).mode & 0o777).toBe(0o600);
    expect(readFileSync(record, "utf8").trim().split("\n").length).toBeGreaterThanOrEqual(2);

    const victim = join(sandbox.dir, "victim2.txt");
    writeFileSync(victim, "precious\n");
    const planted = join(shared, "planted.jsonl");
    symlinkSync(victim, planted);
    const refused = await sandbox.run(["watch", "127.0.0.70:6379", "--no-history", "--duration", "1s", "--record", planted], { limitMs: 20_000 });
    oneLine(refused, /^busdoctor: --record .*planted\.jsonl: cannot append to it \(ELOOP\)\n$/);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });

  it("a second watch on the same history is refused in one line while the first runs", async () => {
    const history = join(sandbox.dir, "state", "history.db");
    const first = sandbox.run(["watch", "127.0.0.70:6379", "--history", history, "--interval", "200ms", "--duration", "4s"], { limitMs: 30_000 });
    for (let waited = 0; waited < 50 && !existsSync(`${history}.lock`); waited++) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const second = await sandbox.run(["watch", "127.0.0.70:6379", "--history", history, "--duration", "1s"], { limitMs: 20_000 });
    oneLine(
      second,
      /^busdoctor: history database .*history\.db is in use by another busdoctor watch; give this one its own --history FILE, or --no-history\n$/,
    );
    expect((await first).code).toBe(0);
    expect(statSync(history).mode & 0o777).toBe(0o600);
  });
});

describe("webhook receivers", () => {
  async function watchWithReceiver(mode: "endless" | "redirect"): Promise<{ run: Measured; log: Array<Record<string, string>> }> {
    const receiver = await sandbox.start(`receiver-${mode}`, RECEIVER, { mode, host: "127.0.0.60", port: 8080, elsewhere: { host: "127.0.0.61", port: 8080 } });
    try {
      const run = await sandbox.run(
        [
          "watch",
          "127.0.0.70:6379",
          "127.0.0.71:6379",
          "--no-history",
          "--interval",
          "500ms",
          "--duration",
          "8s",
          "--timeout",
          "500",
          "--webhook",
          `http://127.0.0.60:8080/hooks/${TOKEN}`,
        ],
        { limitMs: 40_000 },
      );
      return { run, log: receiver.log() };
    } finally {
      receiver.stop();
    }
  }

  it("reads a reply body that never ends only up to a cap: memory stays bounded", async () => {
    const { run, log } = await watchWithReceiver("endless");
    expect(run.code).toBe(0);
    expect(log.filter((entry) => entry["to"] === "receiver").length).toBeGreaterThanOrEqual(1);
    expect(run.maxRssMb).toBeLessThan(250);
    expect(run.stderr + run.stdout).not.toContain(TOKEN);
  });

  it("does not follow a redirect to another host, and names the receiver without its path", async () => {
    const { run, log } = await watchWithReceiver("redirect");
    expect(log.filter((entry) => entry["to"] === "receiver").length).toBeGreaterThanOrEqual(1);
    expect(log.filter((entry) => entry["to"] === "elsewhere")).toEqual([]);
    expect(run.stderr).toMatch(/busdoctor: webhook http:\/\/127\.0\.0\.60:8080: HTTP 307 redirect to another host, not followed; retrying in \d+ ms/);
    expect(run.stderr + run.stdout).not.toContain(TOKEN);
  });
});
