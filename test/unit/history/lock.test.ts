// One watch writes a history database at a time: a second one, in this process or another, is refused
// with a clear message; the reader (timeline) is not; the lock goes with its holder, even on kill -9.
import { spawn } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HistoryStore } from "../../../src/history/store.js";

const OPTIONS = { stepMs: 10_000, retentionMs: 7 * 24 * 3_600_000 };
const STORE = fileURLToPath(new URL("../../../src/history/store.ts", import.meta.url));

function historyPath(): string {
  return join(mkdtempSync(join(tmpdir(), "busdoctor-lock-")), "state", "history.db");
}

/** Another process that opens the history as a watch does and holds it until killed; resolves once it holds it. */
async function otherWatcher(path: string): Promise<{ kill: () => Promise<void> }> {
  const script = `import { HistoryStore } from ${JSON.stringify(STORE)}; HistoryStore.open(${JSON.stringify(path)}, { stepMs: 1, retentionMs: 1 }); console.log("holding"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (data: Buffer) => data.toString().includes("holding") && resolve());
    child.once("exit", (code) => reject(new Error(`the other watcher exited ${code}`)));
  });
  return {
    kill: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

describe("the history lock", () => {
  it("refuses a second watch on the same file in one line, and lets one in once the first is gone", () => {
    const path = historyPath();
    const first = HistoryStore.open(path, OPTIONS);
    expect(() => HistoryStore.open(path, OPTIONS)).toThrow(
      `history database ${path} is in use by another busdoctor watch; give this one its own --history FILE, or --no-history`,
    );
    first.close();
    HistoryStore.open(path, OPTIONS).close();
  });

  it("lets the timeline read while a watch writes", () => {
    const path = historyPath();
    const writer = HistoryStore.open(path, OPTIONS);
    const reader = HistoryStore.open(path, OPTIONS, false);
    expect(reader.recentIncidents(5)).toEqual([]);
    reader.close();
    writer.close();
  });

  it("refuses a watch while another process holds the file, and not after that process was killed -9", async () => {
    const path = historyPath();
    const other = await otherWatcher(path);
    expect(() => HistoryStore.open(path, OPTIONS)).toThrow(/is in use by another busdoctor watch/);
    await other.kill();
    HistoryStore.open(path, OPTIONS).close();
  });

  it("keeps the history and its directory to its owner", () => {
    const path = historyPath();
    HistoryStore.open(path, OPTIONS).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.lock`).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
  });
});
