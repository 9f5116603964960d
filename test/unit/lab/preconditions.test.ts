import { describe, expect, it } from "vitest";
import { missingPrerequisites } from "../../../src/lab/preconditions.js";

describe("missingPrerequisites", () => {
  it.each([
    { facts: { isRoot: true, missingPrograms: [] }, message: null },
    {
      facts: { isRoot: false, missingPrograms: [] },
      message: "the lab needs root (network namespaces and nftables need it): run it as root, e.g. with sudo",
    },
    {
      facts: { isRoot: true, missingPrograms: ["nft"] },
      message: "the lab needs nft (not on PATH): install with `apt-get install -y nftables`",
    },
    {
      facts: { isRoot: true, missingPrograms: ["redis-server", "redis-cli"] },
      message: "the lab needs redis-server, redis-cli (not on PATH): install with `apt-get install -y redis-server redis-tools`",
    },
    {
      facts: { isRoot: false, missingPrograms: ["ip", "nft", "redis-server", "redis-cli"] },
      message:
        "the lab needs root (network namespaces and nftables need it): run it as root, e.g. with sudo; and " +
        "ip, nft, redis-server, redis-cli (not on PATH): install with `apt-get install -y iproute2 nftables redis-server redis-tools`",
    },
  ])("$facts", ({ facts, message }) => {
    expect(missingPrerequisites(facts)).toBe(message);
  });
});
