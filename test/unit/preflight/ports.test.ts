import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ProbeResult } from "../../../src/model/snapshot.js";
import { parseClusterNodes } from "../../../src/parse/clusterNodes.js";
import type { PreflightFacts } from "../../../src/preflight/model.js";
import { announcedBus, chooseBusPort, describePortProbe, portVerdict } from "../../../src/preflight/ports.js";

// Real `myself` lines: a node never met (no announce-ip), and a lab node announcing a bus port of 17000
// (recorded by scripts/record-preflight-facts.ts).
const fresh = parseClusterNodes(readFileSync(new URL("../collect/fixtures/fresh-node-cluster-nodes.txt", import.meta.url), "utf8"))[0] ?? null;
const announcedFacts = JSON.parse(readFileSync(new URL("../../fixtures/preflight/announced-closed.json", import.meta.url), "utf8")) as PreflightFacts;
const announcedReply = announcedFacts.target.replies.clusterNodes;
const announced17000 =
  parseClusterNodes(announcedReply?.ok && typeof announcedReply.reply === "string" ? announcedReply.reply : "").find((entry) => entry.myself) ?? null;

describe("chooseBusPort", () => {
  it.each([
    { what: "CONFIG GET cluster-port set", client: 6379, configured: 16400, myself: announced17000, port: 16400, source: "config" },
    { what: "CONFIG GET cluster-port 0", client: 7000, configured: 0, myself: announced17000, port: 17000, source: "config-default" },
    { what: "CONFIG denied: the announced cport", client: 6379, configured: null, myself: announced17000, port: 17000, source: "announced" },
    { what: "nothing said: port + 10000", client: 6379, configured: null, myself: null, port: 16379, source: "default" },
    { what: "fresh node, CONFIG denied", client: 6379, configured: null, myself: fresh, port: 16379, source: "announced" },
  ])("$what -> $port ($source)", ({ client, configured, myself, port, source }) => {
    expect(chooseBusPort(client, configured, myself)).toMatchObject({ port, source });
  });

  it("reads a server without cluster-port (Redis 6.2 answers []) as port + 10000, and says why", () => {
    expect(chooseBusPort(7000, "no-setting", announced17000)).toEqual({
      port: 17000,
      source: "config-default",
      sourceText: "no cluster-port setting (Redis 6.2): client port + 10000",
    });
    expect(chooseBusPort(60000, "no-setting", null)).toBeNull();
  });

  it("has no default past 65535", () => {
    expect(chooseBusPort(60000, null, null)).toBeNull();
    expect(chooseBusPort(60000, 0, null)).toBeNull();
  });
});

describe("announcedBus", () => {
  it("takes the announced ip and cport, or the given host when the node has no ip yet", () => {
    expect(announcedBus(announced17000, "10.0.0.9")).toMatchObject({ host: "127.0.0.3", port: 17000 });
    expect(announcedBus(fresh, "10.0.0.9")).toMatchObject({ host: "10.0.0.9", port: 16379 });
    expect(announcedBus(null, "10.0.0.9")).toBeNull();
  });

  it("takes the bus address, not a Valkey client address the node's own line prints", () => {
    // Valkey 8.0.1 with cluster-announce-client-ipv4 (test/fixtures/valkey-8.0.1/snapshots/announced-healthy.json).
    const [own] = parseClusterNodes(
      "261a20c412bc915ef0dcc578b53ebfd29b230720 127.0.1.3:6379@16379,redis-3.rec-compat.busdoctor.test myself,master - 0 0 3 connected 10923-16383",
    );
    expect(announcedBus(own ?? null, "127.0.1.3", { busIp: "127.0.0.3", clientIps: ["127.0.1.3"], hostname: null })).toMatchObject({
      host: "127.0.0.3",
      port: 16379,
    });
    // Without cluster-announce-ip the node does not say where its bus is: no address rather than the client one.
    expect(announcedBus(own ?? null, "127.0.1.3", { busIp: null, clientIps: ["127.0.1.3"], hostname: null })).toBeNull();
  });
});

describe("port verdicts", () => {
  const probe = (state: ProbeResult["state"], error?: string): ProbeResult => ({ host: "::1", port: 16379, state, ms: 1000.4, ...(error ? { error } : {}) });
  it.each([
    { state: "open", verdict: "open", text: "[::1]:16379 open (the TCP handshake completed, 1000 ms)" },
    { state: "timeout", verdict: "filtered", text: "[::1]:16379 filtered (no answer to the TCP handshake: a firewall drops the packets, 1000 ms)" },
    {
      state: "refused",
      verdict: "refused",
      text: "[::1]:16379 refused (connection refused: nothing listens there, or a firewall rejects with a TCP reset, 1000 ms)",
    },
    {
      state: "unreachable",
      verdict: "unreachable",
      text: "[::1]:16379 unreachable (no route to the host: connect EHOSTUNREACH, 1000 ms)",
      error: "connect EHOSTUNREACH",
    },
  ] as const)("$state reads as $verdict", ({ state, verdict, text, ...rest }) => {
    const result = probe(state, "error" in rest ? rest.error : undefined);
    expect(portVerdict(result)).toBe(verdict);
    expect(describePortProbe(result)).toBe(text);
  });
});
