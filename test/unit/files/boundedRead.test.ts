// Files a user points busdoctor at are read up to a cap: /dev/zero, or a FIFO that never ends, gives a
// one-line error at once instead of a process reading until it runs out of memory.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBoundedText, readFirstLine } from "../../../src/files/boundedRead.js";
import { readSnapshotFile } from "../../../src/cli/snapshotFile.js";

const dir = mkdtempSync(join(tmpdir(), "busdoctor-read-"));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("readFirstLine (--pass-file)", () => {
  it.each([
    ["a line and its newline", "s3cret\n", "s3cret"],
    ["no newline at the end", "s3cret", "s3cret"],
    ["CRLF", "s3cret\r\nsecond line\r\n", "s3cret"],
    ["an empty file", "", ""],
  ])("reads %s", (_name, text, expected) => {
    expect(readFirstLine("--pass-file", file("pass", text), 4096)).toBe(expected);
  });

  it("refuses /dev/zero at once: no line ends in its first 4096 bytes", () => {
    expect(() => readFirstLine("--pass-file", "/dev/zero", 4096)).toThrow(
      "--pass-file /dev/zero: no line ends within its first 4096 bytes: not a password file",
    );
  });

  it("names a file it cannot read", () => {
    expect(() => readFirstLine("--pass-file", "/nonexistent/pass", 4096)).toThrow("--pass-file /nonexistent/pass: cannot read it (ENOENT)");
  });
});

describe("readBoundedText (--from-snapshot)", () => {
  it("reads a file within the cap", () => {
    expect(readBoundedText("--from-snapshot", file("small.json", "{}"), 10)).toBe("{}");
  });

  it("refuses a file past the cap", () => {
    expect(() => readBoundedText("--from-snapshot", file("big.json", "x".repeat(11)), 10)).toThrow(
      /^--from-snapshot .*big\.json: larger than 10 bytes, the most busdoctor reads$/,
    );
  });

  it("refuses /dev/zero and a directory before reading a byte", () => {
    expect(() => readSnapshotFile("/dev/zero")).toThrow("--from-snapshot /dev/zero: not a file (a device)");
    expect(() => readSnapshotFile(dir)).toThrow(`--from-snapshot ${dir}: not a file (a directory)`);
  });
});
