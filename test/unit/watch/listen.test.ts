// --listen values: where the metrics endpoint binds (loopback unless a host is given).
import { describe, expect, it } from "vitest";
import { parseListen } from "../../../src/watch/server.js";

describe("--listen", () => {
  it.each([
    { text: "9464", host: "127.0.0.1", port: 9464 },
    { text: "0.0.0.0:9464", host: "0.0.0.0", port: 9464 },
    { text: "[::1]:9100", host: "::1", port: 9100 },
    { text: "localhost:80", host: "localhost", port: 80 },
  ])("$text binds $host port $port", ({ text, host, port }) => {
    expect(parseListen(text)).toEqual({ host, port });
  });

  it.each([
    { text: "abc", error: /^--listen: expected \[host:\]port such as 9464 or 0\.0\.0\.0:9464, got "abc"$/ },
    { text: "70000", error: /got "70000"$/ },
    { text: "[1.2.3.4]:9", error: /^--listen: "1\.2\.3\.4" in brackets is not an IPv6 address$/ },
  ])("refuses $text in one line", ({ text, error }) => {
    expect(() => parseListen(text)).toThrow(error);
  });
});
