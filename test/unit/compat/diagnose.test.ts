// diagnose() on the snapshots recorded from every supported server (test/fixtures/<server>-<version>/):
// the core scenarios of the compatibility matrix must get the same verdict on each, and what differs
// per version (no CLUSTER LINKS on 6.2, hostnames, Valkey's client addresses, IPv6, TLS) must show.
import { describe, expect, it } from "vitest";
import { formatAddress, hostOf } from "../../../src/cluster/address.js";
import { diagnose } from "../../../src/diagnose/index.js";
import { CORE_SCENARIOS, type Expectation } from "../../support/compat.js";
import { isRedis62, loadVersionSnapshot, versionFixtures } from "./fixtures.js";

const versions = versionFixtures();
const node = (index: number): string => `127.0.0.${index}:6379`;
const ipv6Node = (index: number): string => formatAddress(`fd00:b5d0::${index}`, 6379);
const valkeyClient = (index: number): string => `127.0.1.${index}:6379`;

function expectVerdict(folder: string, scenario: string, expected: Expectation, name: (index: number) => string): void {
  const { diagnosis } = diagnose(loadVersionSnapshot(folder, scenario));
  expect(diagnosis.health).toBe(expected.health);
  expect(diagnosis.rootCause?.code ?? null).toBe(expected.code);
  expect([...(diagnosis.rootCause?.nodes ?? [])].sort()).toEqual(expected.nodes.map(name).sort());
}

const healthy: Expectation = { health: "healthy", code: null, nodes: [] };
const busBlocked: Expectation = { health: "critical", code: "BUS_PORT_BLOCKED", nodes: [3] };

it("has fixtures of every supported server: Redis 6.2, 7.0, 7.2, 7.4 and Valkey 8", () => {
  expect(versions.map(({ folder }) => folder.replace(/\.\d+$/, ""))).toEqual(["redis-6.2", "redis-7.0", "redis-7.2", "redis-7.4", "valkey-8.0"]);
});

describe.each(versions)("$folder", ({ folder, server, scenarios }) => {
  it("has every core scenario, on IPv6 too", () => {
    expect(scenarios).toEqual(expect.arrayContaining([...CORE_SCENARIOS.map((entry) => entry.scenario.name), "ipv6-healthy", "ipv6-bus-blocked"]));
  });

  it.each(CORE_SCENARIOS.map(({ scenario, expected }) => ({ name: scenario.name, expected })))("$name", ({ name, expected }) => {
    expectVerdict(folder, name, expected, node);
  });

  it("IPv6: healthy, then the blocked bus, naming the node bracketed", () => {
    expectVerdict(folder, "ipv6-healthy", healthy, ipv6Node);
    expectVerdict(folder, "ipv6-bus-blocked", busBlocked, ipv6Node);
  });

  it(isRedis62(server) ? "says the link matrix comes from CLUSTER NODES alone (no CLUSTER LINKS)" : "reads CLUSTER LINKS on every node", () => {
    const { analysis } = diagnose(loadVersionSnapshot(folder, "healthy"));
    expect(analysis.linksFromNodesOnly).toEqual(isRedis62(server) ? analysis.nodes.map((entry) => entry.address) : []);
    // Without CLUSTER LINKS a cell has no per-direction connections, and nothing is reported unread.
    expect(analysis.links.every((cell) => (cell.connections === null) === isRedis62(server))).toBe(true);
    expect(analysis.views.flatMap((view) => view.problems)).toEqual([]);
    expect(analysis.servers).toEqual([{ server: `${server.flavor === "valkey" ? "Valkey" : "Redis"} ${server.version}`, nodes: 6 }]);
  });
});

// Recorded where the server has it: hostnames on Redis 7.0+ and Valkey, client addresses on Valkey 8.
describe.each(versions.filter(({ scenarios }) => scenarios.includes("announced-healthy")))("$folder, announced addresses", ({ folder, server }) => {
  const valkey = server.flavor === "valkey";
  const name = valkey ? valkeyClient : node;

  it("shows announced hostnames next to addresses, and Valkey's client addresses apart from the bus", () => {
    const { analysis } = diagnose(loadVersionSnapshot(folder, "announced-healthy"));
    expect(analysis.nodes.map((entry) => [entry.address, entry.hostname])).toEqual(
      [1, 2, 3, 4, 5, 6].map((index) => [name(index), `redis-${index}.rec-compat.busdoctor.test`]),
    );
    // The bus is probed where peers dial it (cluster-announce-ip), never at the client address or the hostname.
    expect(analysis.nodes.map((entry) => entry.busProbe?.host)).toEqual([1, 2, 3, 4, 5, 6].map((index) => hostOf(node(index))));
  });

  it("healthy, then the blocked bus", () => {
    expectVerdict(folder, "announced-healthy", healthy, name);
    expectVerdict(folder, "announced-bus-blocked", busBlocked, name);
  });
});

// Recorded where the server is built with TLS (Debian's redis-server; the others are built without).
describe.each(versions.filter(({ scenarios }) => scenarios.includes("tls-healthy")))("$folder, TLS", ({ folder }) => {
  it("healthy, then the blocked TLS bus", () => {
    expectVerdict(folder, "tls-healthy", healthy, node);
    expectVerdict(folder, "tls-bus-blocked", busBlocked, node);
  });
});

// The core scenarios' partition once a replica on the majority side took over the slots of node 2, which
// still claims them on its own side (scripts/record-compat-fixtures.ts, partition-failed-over): right
// after, from node 2, 5 s later, and with a rule inside the majority lifted between check's two looks
// (links there answer again while every link across the partition stays cut: no heal of the partition).
const FAILED_OVER = [
  "partition-2-4.failed-over",
  "partition-2-4.failed-over.seed-faulty",
  "partition-2-4.failed-over.plus-5s",
  "partition-2-4.failed-over.rule-lifted",
];

describe.each(versions)("$folder, a partition after a failover across it", ({ folder }) => {
  it.each(FAILED_OVER)("%s: NETWORK_PARTITION splits {2,5} from {1,3,4,6}; the slots both sides claim follow from it", (name) => {
    const { diagnosis } = diagnose(loadVersionSnapshot(folder, name));
    const failover = diagnosis.failovers.find((entry) => entry.oldMaster === node(2));
    expect({ health: diagnosis.health, phase: diagnosis.phase.name, code: diagnosis.rootCause?.code, summary: diagnosis.rootCause?.summary }).toEqual({
      health: "critical",
      phase: "settled",
      code: "NETWORK_PARTITION",
      summary: expect.stringContaining(`{${[2, 5].map(node).join(", ")}} | {${[1, 3, 4, 6].map(node).join(", ")}}`),
    });
    expect(diagnosis.coRootCauses).toEqual([]);
    const conflict = diagnosis.consequences.find((finding) => finding.code === "SLOT_OWNERSHIP_CONFLICT");
    expect([...(conflict?.nodes ?? [])].sort()).toEqual([node(2), failover?.newMaster].sort());
    expect(diagnosis.otherFindings.map((finding) => finding.code)).not.toContain("NETWORK_PARTITION");
  });

  it("the partition lifted between the two looks: no partition left, nothing critical", () => {
    const { diagnosis } = diagnose(loadVersionSnapshot(folder, "partition-2-4.failed-over.healed"));
    expect(diagnosis.rootCause?.code).not.toBe("NETWORK_PARTITION");
    expect(diagnosis.health).not.toBe("critical");
  });
});

it("has announced addresses on every server but Redis 6.2, and TLS where the server has it", () => {
  const having = (scenario: string): string[] => versions.filter(({ scenarios }) => scenarios.includes(scenario)).map(({ folder }) => folder);
  expect(having("announced-healthy")).toEqual(versions.filter(({ server }) => !isRedis62(server)).map(({ folder }) => folder));
  expect(having("tls-healthy").length).toBeGreaterThan(0);
});
