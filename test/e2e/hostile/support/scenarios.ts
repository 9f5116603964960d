// The hostile servers of issue 9, each as a fake-node configuration and the busdoctor command run
// against it. Shared by test/e2e/hostile (which asserts the bounds) and bench/hostile.ts (which prints
// time and peak RSS beside the numbers measured before the hardening).
import type { FakeConfig, FakeMode, FakeNodeSpec } from "./fakeNode.js";

export interface HostileScenario {
  name: string;
  config: Omit<FakeConfig, "log">;
  args: string[];
}

/** Every fake node id here: 40 hex digits, made from a short tag of hex digits. */
export function fakeId(tag: string): string {
  return tag.padEnd(40, "0");
}

export function fakeNode(tag: string, ip: string, mode: FakeMode, extra: Partial<FakeNodeSpec> = {}): FakeNodeSpec {
  return { id: fakeId(tag), ip, port: 6379, cport: 16379, listen: [{ host: ip, port: 6379 }], mode, ...extra };
}

const TIMEOUT = ["--timeout", "500"];

/** One hostile seed answering in `mode`, checked with the default 1 s timeout. */
function single(mode: FakeMode, ip: string): HostileScenario {
  return { name: mode, config: { nodes: [fakeNode("a1", ip, mode)], sinks: [] }, args: ["check", `${ip}:6379`, "--json"] };
}

/**
 * A seed that lists `count` more masters, every id sharing a 36-digit prefix, on 127.1.0.0 and up; the
 * seed answers on all of them (0.0.0.0:6379), printing `myself` on the line of the address it was dialled at.
 */
function huge(count: number): HostileScenario {
  const seed = fakeNode("b1", "127.0.0.19", "ok", {
    port: 7000,
    listen: [
      { host: "127.0.0.19", port: 7000 },
      { host: "0.0.0.0", port: 6379 },
    ],
  });
  return {
    name: `${count / 1000}k nodes`,
    config: { nodes: [seed], synthetic: { count, idPrefix: "c0ffee".repeat(6) }, sinks: [] },
    args: ["check", "127.0.0.19:7000", "--json", ...TIMEOUT],
  };
}

/**
 * Addresses a hostile node may list (issue 9: public, private, cloud metadata, this host, broadcast,
 * multicast, link-local IPv6, a host name, a loopback port that is no Redis), each a `master` line.
 */
export const SPECIAL_ADDRESSES = [
  "8.8.8.8:6379",
  "169.254.169.254:80",
  "10.0.0.1:22",
  "255.255.255.255:6379",
  "0.0.0.0:6379",
  "224.0.0.1:6379",
  "fe80::1:6379",
  "metadata.google.internal:80",
];

function specialLines(addresses: readonly string[], tag: string): string[] {
  return addresses.map((address, index) => `${fakeId(`${tag}${tag}${index}`)} ${address}@16379 master - 0 1700000000000 ${index + 2} connected`);
}

/** Sinks on every claimed address a connection could reach inside the sandbox (0.0.0.0 reaches 127.0.0.1). */
export const SPECIAL_SINKS = [
  { host: "8.8.8.8", port: 6379 },
  { host: "169.254.169.254", port: 80 },
  { host: "10.0.0.1", port: 22 },
  { host: "127.0.0.1", port: 6379 },
  { host: "127.0.0.9", port: 8080 },
];

/** A loopback seed listing every special address, and 127.0.0.9:8080 (in a loopback seed's scope). */
export const specialFromLoopback: HostileScenario = {
  name: "special addresses",
  config: { nodes: [fakeNode("d1", "127.0.0.20", "ok", { extraLines: specialLines([...SPECIAL_ADDRESSES, "127.0.0.9:8080"], "d") })], sinks: SPECIAL_SINKS },
  args: ["check", "127.0.0.20:6379", "--json", ...TIMEOUT],
};

/** A private seed listing loopback and public addresses: both outside a private seed's scope. */
export const specialFromPrivate: HostileScenario = {
  name: "special addresses, private seed",
  config: {
    nodes: [fakeNode("e1", "10.77.0.1", "ok", { extraLines: specialLines(["127.0.0.9:8080", "8.8.8.8:6379", "169.254.169.254:80"], "e") })],
    sinks: SPECIAL_SINKS,
  },
  args: ["check", "10.77.0.1:6379", "--json", ...TIMEOUT],
};

export const CHECK_SCENARIOS: HostileScenario[] = [
  single("silent", "127.0.0.11"),
  single("slow", "127.0.0.12"),
  single("garbage", "127.0.0.13"),
  single("error", "127.0.0.14"),
  single("close", "127.0.0.15"),
  single("endless", "127.0.0.16"),
  single("flood", "127.0.0.17"),
  single("huge", "127.0.0.18"),
  huge(10_000),
  huge(100_000),
  specialFromLoopback,
];

/**
 * One node reachable at two addresses (NAT, multi-homed): its own line says 127.0.0.21, its peer lists
 * it as 127.0.0.22, and both reach it. Watched from 127.0.0.21.
 */
export const natDoubleAddress: HostileScenario = {
  name: "NAT double address",
  config: {
    nodes: [
      fakeNode("f1", "127.0.0.21", "ok", {
        listedAs: { ip: "127.0.0.22", port: 6379 },
        listen: [
          { host: "127.0.0.21", port: 6379 },
          { host: "127.0.0.22", port: 6379 },
        ],
      }),
      fakeNode("f2", "127.0.0.23", "ok"),
    ],
    sinks: [],
  },
  args: ["watch", "127.0.0.21:6379", "--interval", "500ms", "--no-history", ...TIMEOUT],
};

/** `watch` with one hostile seed beside a healthy node that lists it, sampled twice a second. */
function watched(mode: FakeMode, ip: string): HostileScenario {
  const healthy = fakeNode("90", "127.0.0.40", "ok");
  return {
    name: `watch ${mode}`,
    config: { nodes: [healthy, fakeNode("91", ip, mode)], sinks: [] },
    args: ["watch", "127.0.0.40:6379", "--interval", "500ms", "--no-history", ...TIMEOUT],
  };
}

export const WATCH_SCENARIOS: HostileScenario[] = [
  watched("garbage", "127.0.0.41"),
  watched("error", "127.0.0.42"),
  watched("close", "127.0.0.43"),
  watched("endless", "127.0.0.44"),
  watched("flood", "127.0.0.45"),
  watched("huge", "127.0.0.46"),
  watched("slow", "127.0.0.47"),
  natDoubleAddress,
];
