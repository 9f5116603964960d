import { describe, expect, it } from "vitest";
import { parseChoice, parseDuration, parseInteger } from "../../../src/cli/options/values.js";

describe("parseDuration", () => {
  it.each([
    ["5s", 5000],
    ["1500ms", 1500],
    ["1m", 60000],
    ["2", 2000],
    ["0.5s", 500],
  ])("%s -> %d ms", (text, ms) => {
    expect(parseDuration("--sample", text)).toBe(ms);
  });

  it.each(["", "5x", "-1s", "0", "s"])("rejects %j naming the option", (text) => {
    expect(() => parseDuration("--sample", text)).toThrow(/^--sample: expected a duration/);
  });

  it.each(["40000m", "2147484s", "3000000000ms"])("rejects %j, longer than a timer can wait, instead of sampling for 1 ms", (text) => {
    expect(() => parseDuration("--sample", text)).toThrow(`--sample: expected a duration of at most 24 days (34560m), got "${text}"`);
  });

  it("takes the longest it allows", () => expect(parseDuration("--sample", "34560m")).toBe(34560 * 60_000));
});

describe("parseInteger", () => {
  it("accepts a number in range", () => expect(parseInteger("--port", "6379", 1, 65535)).toBe(6379));
  it.each(["0", "65536", "abc", "12.5", ""])("rejects %j", (text) => {
    expect(() => parseInteger("--port", text, 1, 65535)).toThrow(`--port: expected a whole number from 1 to 65535, got "${text}"`);
  });
});

describe("parseChoice", () => {
  it("accepts a listed choice", () => expect(parseChoice("--format", "json", ["terminal", "json"] as const)).toBe("json"));
  it("names the choices when wrong", () => {
    expect(() => parseChoice("--format", "yaml", ["terminal", "json"] as const)).toThrow('--format: expected one of terminal, json, got "yaml"');
  });
});
