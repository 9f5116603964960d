// Hostile and huge input: an alias bomb, a file past the size cap, YAML nested thousands deep, a
// ConfigMap holding a ~110,000-line redis.conf, lists longer than any call's argument limit. Each is
// either read whole or listed as not read with the reason; none crashes the run.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lint } from "../../../src/lint/lint.js";
import { loadSources } from "../../../src/lint/load.js";
import type { LintSource } from "../../../src/lint/model.js";

const dir = mkdtempSync(join(tmpdir(), "busdoctor-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function source(path: string, text: string): LintSource {
  return { path, text, explicit: false };
}

const LAUGHS = [
  "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]",
  ..."bcdefghi".split("").map((name, index) => `${name}: &${name} [${Array(9).fill(`*${"abcdefghi"[index]}`).join(",")}]`),
].join("\n");

describe("limits", () => {
  it("a 409-byte alias bomb is not read (aliases past the cap), and nothing else is held up", () => {
    expect(LAUGHS.length).toBeLessThan(420);
    const result = lint([
      source("bomb.yaml", `${LAUGHS}\n`),
      source(
        "nft/one-way.nft",
        "table inet f {\n chain input { type filter hook input priority 0; policy drop;\n  tcp dport { 6379, 16379 } accept\n }\n chain output { type filter hook output priority 0; policy drop; }\n}\n",
      ),
    ]);
    expect(result.notRead).toEqual([{ file: "bomb.yaml", reason: expect.stringMatching(/^YAML aliases expand this document past \d+ nodes/) as unknown }]);
    expect(result.findings.map((finding) => finding.ruleId)).toEqual(["bus-port-one-way"]);
  });

  it("YAML anchors used the way compose files use them are fine", () => {
    const compose = [
      "x-node: &node",
      "  image: redis:7.2",
      "  command: redis-server --cluster-enabled yes --cluster-announce-ip 192.168.1.5",
      "services:",
      ...[1, 2, 3].flatMap((n) => [`  redis-${n}:`, "    <<: *node", "    ports:", `      - "700${n}:6379"`]),
    ].join("\n");
    const result = lint([source("compose.yaml", `${compose}\n`)]);
    expect(result.notRead).toEqual([]);
    expect(result.findings.map((finding) => finding.ruleId)).toEqual(["bus-port-not-published", "bus-port-not-published", "bus-port-not-published"]);
  });

  it("a file past the size cap is listed as not read: too large", async () => {
    const path = join(dir, "big.yaml");
    writeFileSync(path, `# ${"x".repeat(3000)}\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n`);
    const loaded = await loadSources([dir], { maxFileBytes: 1024 });
    expect(loaded.notRead).toEqual([{ file: path, reason: "too large (0.0 MB; the limit is 0.0 MB, see --max-file-size)" }]);
    expect(loaded.sources).toEqual([]);
  });

  it("YAML nested thousands deep is not read: nested too deeply", () => {
    const depth = 20_000;
    const result = lint([source("deep.yaml", `apiVersion: v1\nkind: ConfigMap\ndata: ${"[".repeat(depth)}${"]".repeat(depth)}\n`)]);
    expect(result.notRead).toMatchObject([{ file: "deep.yaml", reason: "YAML: nested too deeply" }]);
  });

  it("a ConfigMap with a ~110,000-line redis.conf is read whole: cluster-enabled on its last line counts", () => {
    const lines = Array.from({ length: 110_000 }, (_, index) => `    # tuning note ${index}`);
    const manifest = [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata: {name: big-conf}",
      "data:",
      "  redis.conf: |",
      ...lines,
      "    cluster-enabled yes",
      "---",
      "apiVersion: apps/v1",
      "kind: StatefulSet",
      "metadata: {name: big}",
      "spec:",
      "  template:",
      "    metadata: {labels: {app: big}}",
      "    spec:",
      "      containers: [{name: redis, image: 'redis:7.2', command: [redis-server, /etc/redis/redis.conf]}]",
      "      volumes: [{name: conf, configMap: {name: big-conf}}]",
      "---",
      "apiVersion: networking.k8s.io/v1",
      "kind: NetworkPolicy",
      "metadata: {name: big}",
      "spec:",
      "  podSelector: {matchLabels: {app: big}}",
      "  ingress: [{ports: [{port: 6379}]}]",
    ].join("\n");
    const result = lint([source("big.yaml", `${manifest}\n`)]);
    expect(result.notRead).toEqual([]);
    expect(result.findings.map((finding) => [finding.ruleId, finding.severity, finding.evidence])).toEqual([
      ["bus-port-not-allowed", "error", `cluster mode: cluster-enabled yes (redis.conf in ConfigMap big-conf) at big.yaml:${110_000 + 6}`],
    ]);
  });

  it("a NetworkPolicy with 150,000 port entries (more than a call can take as arguments) is read", () => {
    const ports = Array.from({ length: 150_000 }, (_, index) => `{port: ${30_000 + (index % 9_000)}}`).join(", ");
    const policy = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: wide}\nspec:\n  podSelector: {}\n  ingress: [{ports: [${ports}, {port: 6379}]}]\n`;
    const result = lint([source("wide.yaml", policy)]);
    expect(result.notRead).toEqual([]);
    expect(result.findings.map((finding) => finding.ruleId)).toEqual(["bus-port-not-allowed"]);
  });
});
