// The one escaping function: terminal escape sequences, newlines and invisible characters from a
// server or a file become visible escapes; ordinary text passes unchanged.
import { describe, expect, it } from "vitest";
import { printable } from "../../../src/text/printable.js";

describe("printable", () => {
  it.each([
    ["an OSC title change and a screen clear", "127.0.0.1\u001b]0;PWNED\u0007\u001b[2J:6379", "127.0.0.1\\x1b]0;PWNED\\x07\\x1b[2J:6379"],
    ["a forged second line", "ERR nope\nHEALTHY: all good", "ERR nope\\nHEALTHY: all good"],
    ["a carriage return that overwrites the line", "bad\rgood", "bad\\rgood"],
    ["an 8-bit CSI (C1)", "a\u009b2Jb", "a\\x9b2Jb"],
    ["a bidi override", "safe\u202etxt.exe", "safe\\u{202e}txt.exe"],
    ["a zero-width space", "redis\u200b-a", "redis\\u{200b}-a"],
    ["a line separator", "a\u2028b", "a\\u{2028}b"],
    ["a lone surrogate", "a\ud800b", "a\\u{d800}b"],
    ["DEL and NUL", "a\u007f\u0000b", "a\\x7f\\x00b"],
  ])("escapes %s", (_name, text, expected) => {
    expect(printable(text)).toBe(expected);
  });

  it.each([["127.0.0.1:6379"], ["NOPERM this user has no permissions to run the 'config|get' command"], ["caf\u00e9 \u2014 \u65e5\u672c"], ["[fd00::3]:6379"]])(
    "leaves %s as it is",
    (text) => {
      expect(printable(text)).toBe(text);
    },
  );

  it("cuts what is too long and says how much it left out", () => {
    expect(printable("x".repeat(50), 10)).toBe("xxxxxxxxxx... (40 more characters)");
  });

  it("keeps a markdown table row one row: no newline survives", () => {
    const cell = printable("127.0.0.1:6379\n| injected | row |");
    expect(cell.includes("\n")).toBe(false);
  });
});
