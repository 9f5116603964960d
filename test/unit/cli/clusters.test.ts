// --clusters FILE as the watch command reads it: each cluster's connection from the file over the command
// line's, --max-nodes and --allow kept for every cluster, and the file and its password files read bounded.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseAllow } from "../../../src/cluster/scope.js";
import type { ConnectionOptions } from "../../../src/collect/options.js";
import { loadClusters } from "../../../src/cli/options/clusters.js";
import { MAX_CLUSTERS_FILE_BYTES } from "../../../src/fleet/clusters.js";

const BASE: ConnectionOptions = { timeoutMs: 1000, user: null, password: "from-REDISCLI_AUTH", tls: null, maxNodes: 64, allow: [parseAllow("203.0.113.0/24")] };

const dirs: string[] = [];
function dir(): string {
  const made = mkdtempSync(join(tmpdir(), "busdoctor-clusters-"));
  dirs.push(made);
  return made;
}
afterEach(() => {
  for (const made of dirs.splice(0)) rmSync(made, { recursive: true, force: true });
});

describe("loadClusters", () => {
  it("gives each cluster the file's connection over the command line's, and every cluster --max-nodes and --allow", () => {
    const at = dir();
    writeFileSync(join(at, "b.pass"), "s3cret-b\nsecond line ignored\n");
    const file = join(at, "clusters.yaml");
    writeFileSync(
      file,
      `clusters:\n  - name: a\n    seeds: [10.0.0.5]\n  - name: b\n    seeds: [10.0.1.5:7000]\n    user: mon\n    passFile: ${join(at, "b.pass")}\n    timeout: 2500\n`,
    );
    expect(loadClusters(file, BASE, 6379, {})).toEqual([
      { name: "a", seeds: [{ host: "10.0.0.5", port: 6379 }], connection: BASE },
      { name: "b", seeds: [{ host: "10.0.1.5", port: 7000 }], connection: { ...BASE, timeoutMs: 2500, user: "mon", password: "s3cret-b" } },
    ]);
  });

  it("refuses, in one line naming the file, a file too large, a device, a missing password file and one with no line end", () => {
    const at = dir();
    const big = join(at, "big.yaml");
    writeFileSync(big, `# ${"x".repeat(MAX_CLUSTERS_FILE_BYTES)}\n`);
    expect(() => loadClusters(big, BASE, 6379, {})).toThrow(`--clusters ${big}: larger than ${MAX_CLUSTERS_FILE_BYTES} bytes, the most busdoctor reads`);
    expect(() => loadClusters("/dev/zero", BASE, 6379, {})).toThrow("--clusters /dev/zero: not a file (a device)");
    const file = join(at, "clusters.yaml");
    const pass = join(at, "endless.pass");
    writeFileSync(pass, "y".repeat(10_000));
    writeFileSync(
      file,
      `clusters:\n  - name: a\n    seeds: [10.0.0.5]\n    passFile: ${pass}\n  - name: b\n    seeds: [10.0.0.6]\n    passFile: ${join(at, "absent.pass")}\n`,
    );
    expect(() => loadClusters(file, BASE, 6379, {})).toThrow(`cluster "a": passFile ${pass}: no line ends within its first 4096 bytes: not a password file`);
    writeFileSync(pass, "short\n");
    expect(() => loadClusters(file, BASE, 6379, {})).toThrow(`cluster "b": passFile ${join(at, "absent.pass")}: cannot read it (ENOENT)`);
  });
});
