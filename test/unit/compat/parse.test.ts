// The parsers on every reply recorded from every supported server (test/fixtures/<server>-<version>/):
// each reads what its version prints, and what a version lacks shows as what it is.
import { describe, expect, it } from "vitest";
import { isIPv6 } from "node:net";
import type { NodeSnapshot } from "../../../src/model/snapshot.js";
import { parseClusterInfo } from "../../../src/parse/clusterInfo.js";
import { parseClusterLinks } from "../../../src/parse/clusterLinks.js";
import { parseClusterNodes } from "../../../src/parse/clusterNodes.js";
import { parseAnnounceConfig, parseConfigGet } from "../../../src/parse/config.js";
import { parseInfo, serverIdentity } from "../../../src/parse/info.js";
import { okReply, okText } from "../../../src/parse/replies.js";
import { isRedis62, loadVersionSnapshot, versionFixtures } from "./fixtures.js";

/** Every node that answered, in every scenario recorded for a version. */
function answeringNodes(folder: string, scenarios: readonly string[]): Array<{ scenario: string; node: NodeSnapshot }> {
  return scenarios.flatMap((scenario) =>
    loadVersionSnapshot(folder, scenario)
      .nodes.filter((node) => node.commands.ping?.ok === true)
      .map((node) => ({ scenario, node })),
  );
}

function text(node: NodeSnapshot, command: "clusterNodes" | "clusterInfo" | "info"): string {
  const reply = okText(node.commands[command]);
  if (reply === undefined) throw new Error(`${node.address}: no ${command} reply`);
  return reply;
}

describe.each(versionFixtures())("$folder", ({ folder, server, scenarios }) => {
  const nodes = answeringNodes(folder, scenarios);

  it("has answering nodes in every scenario", () => {
    expect(new Set(nodes.map(({ scenario }) => scenario))).toEqual(new Set(scenarios));
    expect(scenarios.length).toBeGreaterThanOrEqual(7);
  });

  it("names itself in INFO server as this version (Valkey by its own version, not redis_version)", () => {
    for (const { node } of nodes) expect(serverIdentity(parseInfo(text(node, "info")))).toEqual(server);
  });

  it("prints six CLUSTER NODES lines in every view, IPv6 bare with the node named bracketed", () => {
    for (const { scenario, node } of nodes) {
      const entries = parseClusterNodes(text(node, "clusterNodes"));
      expect(entries).toHaveLength(6);
      for (const entry of entries) {
        const ipv6 = scenario.startsWith("ipv6-");
        expect(isIPv6(entry.ip)).toBe(ipv6);
        expect(entry.address).toBe(ipv6 ? `[${entry.ip}]:${entry.port}` : `${entry.ip}:${entry.port}`);
        expect(entry.line).toContain(ipv6 ? ` ${entry.ip}:${entry.port}@${entry.cport}` : entry.address);
      }
    }
  });

  it("answers CLUSTER INFO with the fields the diagnosis reads", () => {
    for (const { node } of nodes) {
      const info = parseClusterInfo(text(node, "clusterInfo"));
      expect(info.knownNodes).toBe(6);
      expect(info.size).toBe(3);
      expect(info.messages["ping_sent"]).toBeGreaterThan(0);
      // Redis 7.0 added the count of bus links freed for their send buffer; 6.2 has none, which is not 0.
      expect(info.linksBufferLimitExceeded).toBe(isRedis62(server) ? null : 0);
    }
  });

  it(
    isRedis62(server)
      ? "has no CLUSTER LINKS (unknown subcommand) and no cluster-port (an empty CONFIG GET)"
      : "lists CLUSTER LINKS both ways and its cluster-port",
    () => {
      for (const { node } of nodes) {
        const links = node.commands.clusterLinks;
        const port = okReply(node.commands.configClusterPort);
        if (port === undefined) throw new Error(`${node.address}: no CONFIG GET cluster-port`);
        if (isRedis62(server)) {
          expect(links).toMatchObject({ ok: false, kind: "unknown-command" });
          expect(parseConfigGet(port, "cluster-port")).toBeNull();
        } else {
          const reply = okReply(links);
          if (reply === undefined) throw new Error(`${node.address}: no CLUSTER LINKS`);
          expect(new Set(parseClusterLinks(reply).map((link) => link.direction))).toEqual(new Set(["to", "from"]));
          expect(parseConfigGet(port, "cluster-port")).toBe("16379");
        }
      }
    },
  );

  it("says in CONFIG GET cluster-announce-* where its bus is", () => {
    for (const { scenario, node } of nodes) {
      const reply = okReply(node.commands.configAnnounce);
      if (reply === undefined) throw new Error(`${node.address}: no CONFIG GET cluster-announce-*`);
      const announce = parseAnnounceConfig(reply);
      const busIp = scenario.startsWith("ipv6-") ? node.host : node.host.replace(/^127\.0\.1\./, "127.0.0.");
      expect(announce.busIp).toBe(busIp);
      const client = server.flavor === "valkey" && scenario.startsWith("announced-");
      expect(announce.clientIps).toEqual(client ? [busIp.replace(/^127\.0\.0\./, "127.0.1.")] : []);
      expect(announce.hostname === null).toBe(!scenario.startsWith("announced-"));
    }
  });
});
