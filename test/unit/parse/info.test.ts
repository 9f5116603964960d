import { describe, expect, it } from "vitest";
import { parseInfo } from "../../../src/parse/info.js";
import { parseErrorOf } from "./expectParseError.js";
import { readRaw, recordedViews } from "./rawFixtures.js";

/** The role in the node's own CLUSTER NODES line, read straight from the text. */
function roleInClusterNodes(clusterNodes: string): string {
  const myself = clusterNodes.split("\n").find((line) => line.includes(" myself,")) ?? "";
  return myself.includes(" myself,slave") ? "slave" : "master";
}

const fieldLines = (text: string): string[] => text.split("\r\n").filter((line) => line !== "" && !line.startsWith("#"));

describe("parseInfo on replies recorded from redis-server 7.0.15", () => {
  it.each(recordedViews())("$scenario, $node: INFO server clients cluster replication", (view) => {
    const text = readRaw(view, "info.txt");
    const info = parseInfo(text);
    // Redis prints the sections in its own order, whatever order they were asked in.
    expect(Object.keys(info)).toEqual(["server", "clients", "replication", "cluster"]);
    expect(Object.values(info).reduce((count, fields) => count + Object.keys(fields).length, 0)).toBe(fieldLines(text).length);
    expect(info["server"]?.["redis_version"]).toBe("7.0.15");
    expect(info["server"]?.["tcp_port"]).toBe("6379");
    expect(info["server"]?.["config_file"]).toBe("");
    expect(info["cluster"]).toEqual({ cluster_enabled: "1" });
    expect(info["replication"]?.["role"]).toBe(roleInClusterNodes(readRaw(view, "cluster_nodes.txt")));
  });

  it("INFO everything: every section, including an empty Keyspace", () => {
    const text = readRaw({ scenario: "healthy", node: "127.0.0.1:6379" }, "info_everything.txt");
    const info = parseInfo(text);
    expect(Object.keys(info)).toEqual([
      "server",
      "clients",
      "memory",
      "persistence",
      "stats",
      "replication",
      "cpu",
      "modules",
      "commandstats",
      "errorstats",
      "latencystats",
      "cluster",
      "keyspace",
    ]);
    expect(info["keyspace"]).toEqual({});
    expect(info["commandstats"]?.["cmdstat_cluster|nodes"]).toMatch(/^calls=\d+,usec=\d+,/);
    expect(Object.values(info).reduce((count, fields) => count + Object.keys(fields).length, 0)).toBe(fieldLines(text).length);
  });

  it("splits a line at its first colon, so values may hold colons (hand-typed)", () => {
    expect(parseInfo("# Server\r\nconfig_file:C:\\redis\\redis.conf\r\nexecutable:/opt/redis:7/bin/redis-server\r\n")).toEqual({
      server: { config_file: "C:\\redis\\redis.conf", executable: "/opt/redis:7/bin/redis-server" },
    });
  });

  it("an empty reply (INFO of a section the server lacks) has no sections", () => {
    expect(parseInfo("")).toEqual({});
  });
});

describe("parseInfo on malformed replies", () => {
  const cases: { name: string; text: string; lineNumber: number; message: string }[] = [
    {
      name: "a field before any section header",
      text: "redis_version:7.0.15\r\n# Server\r\n",
      lineNumber: 1,
      message: 'INFO line 1: expected a "# Section" header before the first field, got "redis_version:7.0.15"',
    },
    {
      name: "a line without a colon",
      text: "# Server\r\nredis_version:7.0.15\r\n\r\n# Clients\r\nconnected_clients 2\r\n",
      lineNumber: 5,
      message: 'INFO line 5: expected field:value, got "connected_clients 2"',
    },
    {
      name: "a header without a name",
      text: "# Server\r\nredis_version:7.0.15\r\n#\r\n",
      lineNumber: 3,
      message: 'INFO line 3: expected a section name after "#", got "#"',
    },
  ];
  it.each(cases)("$name", ({ text, lineNumber, message }) => {
    const error = parseErrorOf(() => parseInfo(text));
    expect(error).toMatchObject({ what: "INFO", lineNumber, line: text.split("\r\n")[lineNumber - 1] });
    expect(error.message).toBe(message);
  });
});
