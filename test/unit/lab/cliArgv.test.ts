import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { builtCliScript, busdoctorInNamespaceArgv } from "../../../src/lab/cliArgv.js";

describe("busdoctorInNamespaceArgv", () => {
  it("runs this node and the built CLI inside the namespace", () => {
    expect(busdoctorInNamespaceArgv("busdoctor-x", ["check", "127.0.0.1:6379", "--json"])).toEqual([
      "ip",
      "netns",
      "exec",
      "busdoctor-x",
      process.execPath,
      fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url)),
      "check",
      "127.0.0.1:6379",
      "--json",
    ]);
  });
  it("runs another script when given one", () => {
    expect(busdoctorInNamespaceArgv("busdoctor-x", ["--version"], "/tmp/other.js")).toEqual([
      "ip",
      "netns",
      "exec",
      "busdoctor-x",
      process.execPath,
      "/tmp/other.js",
      "--version",
    ]);
  });
  it("points at dist/cli/main.js of the checkout", () => {
    expect(builtCliScript()).toBe(fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url)));
  });
});
