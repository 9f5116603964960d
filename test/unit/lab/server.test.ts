import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { parseServerVersion, serverProfile } from "../../../src/lab/server.js";

describe("parseServerVersion", () => {
  // The first line of `redis-server --version` of each server the lab runs (recorded on this machine).
  it.each([
    ["Redis server v=6.2.16 sha=00000000:0 malloc=libc bits=64 build=6802c2fb3baf080c", "redis", "6.2.16"],
    ["Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c971a948f0", "redis", "7.0.15"],
    ["Redis server v=7.2.6 sha=00000000:0 malloc=libc bits=64 build=877f8afb665c7efe", "redis", "7.2.6"],
    ["Redis server v=7.4.1 sha=00000000:1 malloc=libc bits=64 build=7d33b9cae0e83e0b", "redis", "7.4.1"],
    ["Valkey server v=8.0.1 sha=00000000:1 malloc=libc bits=64 build=7e68a1a1cf24f61e", "valkey", "8.0.1"],
  ])("%s", (line, flavor, version) => {
    expect(parseServerVersion(`${line}\n`)).toMatchObject({ flavor, version });
  });

  it.each(["", "redis-cli 7.0.15", "KeyDB server v=6.3.4", "Redis server v=seven"])("is null for %j", (line) => {
    expect(parseServerVersion(line)).toBeNull();
  });
});

describe("serverProfile", () => {
  const profile = (line: string) => {
    const version = parseServerVersion(line);
    if (version === null) throw new Error(line);
    return serverProfile(version, "/opt/redis-server");
  };

  it("knows what Redis 6.2 lacks: cluster-port, bind-source-addr, hostnames", () => {
    expect(profile("Redis server v=6.2.16 sha=0")).toMatchObject({
      clusterPortOption: false,
      bindSourceAddr: false,
      hostnames: false,
      clientAnnounce: false,
    });
  });

  it("gives Redis 7 everything but client addresses, Valkey 8 those too", () => {
    expect(profile("Redis server v=7.4.1 sha=0")).toMatchObject({ clusterPortOption: true, hostnames: true, clientAnnounce: false });
    expect(profile("Valkey server v=8.0.1 sha=0")).toMatchObject({ clusterPortOption: true, hostnames: true, clientAnnounce: true });
  });

  it.each([
    ["Redis server v=6.0.20 sha=0", "/opt/redis-server is Redis 6.0.20; the lab runs Redis 6.2, 7.0, 7.2 and 7.4, Valkey 7.2 and 8.x"],
    ["Redis server v=5.0.14 sha=0", "/opt/redis-server is Redis 5.0.14; the lab runs Redis 6.2, 7.0, 7.2 and 7.4, Valkey 7.2 and 8.x"],
    ["Redis server v=8.0.0 sha=0", "/opt/redis-server is Redis 8.0.0; the lab runs Redis 6.2, 7.0, 7.2 and 7.4, Valkey 7.2 and 8.x"],
    ["Valkey server v=9.0.0 sha=0", "/opt/redis-server is Valkey 9.0.0; the lab runs Redis 6.2, 7.0, 7.2 and 7.4, Valkey 7.2 and 8.x"],
  ])("refuses %s", (line, message) => {
    expect(() => profile(line)).toThrow(new UsageError(message));
  });
});
