// --listen values: where the dashboard and metrics endpoint binds (loopback unless a host is given),
// the warning for any other address, and the credentials files that can guard it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadHttpAuth, readSecretLine } from "../../../src/http/auth.js";
import { exposureWarning, isLoopbackHost, listenUrl, parseListen } from "../../../src/http/listen.js";

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

describe("--listen exposure", () => {
  it.each(["127.0.0.1", "127.0.0.53", "localhost", "::1"])("%s is loopback: no warning", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
    expect(exposureWarning({ host, port: 9464 }, false)).toBeNull();
  });

  it("warns in one line for 0.0.0.0, :: and a routable address, and says what to do", () => {
    expect(exposureWarning({ host: "0.0.0.0", port: 9464 }, false)).toBe(
      "warning: --listen 0.0.0.0:9464 serves the dashboard and /metrics over plain HTTP to every network this host is on; anyone who can connect sees the cluster's addresses and health: add --basic-auth-file or --bearer-token-file, a firewall rule, or bind to 127.0.0.1",
    );
    expect(exposureWarning({ host: "::", port: 9464 }, false)).toContain("--listen [::]:9464 serves");
    expect(exposureWarning({ host: "10.0.0.5", port: 9464 }, true)).toContain("to the network of 10.0.0.5; credentials travel in clear text");
  });

  it("builds the URL it prints, brackets and all", () => {
    expect(listenUrl({ host: "::1", port: 9464 })).toBe("http://[::1]:9464");
    expect(listenUrl({ host: "127.0.0.1", port: 80 })).toBe("http://127.0.0.1:80");
  });
});

describe("credentials files", () => {
  const dir = mkdtempSync(join(tmpdir(), "busdoctor-auth-"));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the first line of each file", () => {
    expect(loadHttpAuth(file("basic", "ops:pa ss\nignored\n"), file("token", "tok-1\n"))).toEqual({ basic: "ops:pa ss", bearer: "tok-1" });
    expect(loadHttpAuth(undefined, undefined)).toBeNull();
  });

  it("refuses malformed credentials in one line that does not quote them", () => {
    expect(() => loadHttpAuth(file("nocolon", "justapassword\n"), undefined)).toThrow(/^--basic-auth-file .*nocolon: expected one line "user:password"$/);
    expect(() => loadHttpAuth(undefined, file("spaces", "two words\n"))).toThrow(/^--bearer-token-file .*spaces: expected one line holding the token/);
    expect(() => loadHttpAuth(undefined, join(dir, "absent"))).toThrow(/cannot read it \(ENOENT\)$/);
  });

  it("stops reading a file whose first line runs past 4096 bytes (such as /dev/zero)", () => {
    expect(() => readSecretLine("--bearer-token-file", "/dev/zero")).toThrow(/first line is longer than 4096 bytes$/);
    expect(readSecretLine("--bearer-token-file", file("long-rest", `tok\n${"x".repeat(10_000)}`))).toBe("tok");
  });
});
