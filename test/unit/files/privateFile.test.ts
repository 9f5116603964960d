// Files busdoctor writes in directories others may share: an unpredictable temporary name created
// exclusively and 0600, renamed into place; appends that never follow a planted symlink.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { closeSync, watch, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openPrivateAppend, writeFileAtomically } from "../../../src/files/privateFile.js";

function directory(): string {
  return mkdtempSync(join(tmpdir(), "busdoctor-private-"));
}

describe("writeFileAtomically", () => {
  it("writes the file 0600 and leaves nothing else behind", () => {
    const dir = directory();
    const target = join(dir, "incident.json");
    writeFileAtomically(target, "{}\n");
    expect(readFileSync(target, "utf8")).toBe("{}\n");
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["incident.json"]);
  });

  it("does not follow a symlink planted where the old predictable temporary name was", () => {
    const dir = directory();
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    const target = join(dir, "incident.json");
    symlinkSync(victim, `${target}.${process.pid}.tmp`);
    writeFileAtomically(target, "{}\n");
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(lstatSync(target).isSymbolicLink()).toBe(false);
  });

  it("replaces a symlink at the target itself instead of writing through it", () => {
    const dir = directory();
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    const target = join(dir, "incident.json");
    symlinkSync(victim, target);
    writeFileAtomically(target, "{}\n");
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readFileSync(target, "utf8")).toBe("{}\n");
  });

  it("writes through a temporary file in the same directory, under a name nobody can guess", async () => {
    const dir = directory();
    const seen = new Set<string>();
    const watcher = watch(dir, (_event, name) => {
      if (name !== null && name.endsWith(".tmp")) seen.add(name);
    });
    for (let run = 0; run < 3; run++) writeFileAtomically(join(dir, "out.json"), "x");
    await new Promise((resolve) => setTimeout(resolve, 200));
    watcher.close();
    expect(seen.size).toBe(3);
    for (const name of seen) expect(name).toMatch(/^\.out\.json\.[0-9a-f]{24}\.tmp$/);
    expect(readdirSync(dir)).toEqual(["out.json"]);
  });

  it("fails on a directory it cannot write, leaving no temporary file", () => {
    const dir = directory();
    expect(() => writeFileAtomically(join(dir, "missing", "out.json"), "x")).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("openPrivateAppend", () => {
  it("creates the record file 0600 and makes an existing one of ours private", () => {
    const dir = directory();
    const fresh = join(dir, "watch.jsonl");
    closeSync(openPrivateAppend(fresh));
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    const old = join(dir, "old.jsonl");
    writeFileSync(old, "line\n");
    chmodSync(old, 0o644);
    const fd = openPrivateAppend(old);
    writeSync(fd, "more\n");
    closeSync(fd);
    expect(statSync(old).mode & 0o777).toBe(0o600);
    expect(readFileSync(old, "utf8")).toBe("line\nmore\n");
  });

  it("refuses a symlink planted at the record path", () => {
    const dir = directory();
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    const path = join(dir, "watch.jsonl");
    symlinkSync(victim, path);
    expect(() => openPrivateAppend(path)).toThrow(/ELOOP/);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });
});
