// The failure scenarios busdoctor must diagnose, made real in a lab: each injects a fault with
// nftables rules or signals and waits until the cluster shows it. Shared by the e2e tests, the
// fixture recording script (scripts/record-snapshots.ts) and the benchmarks.
import type { Lab } from "../../src/lab/lab.js";
import { observe, isFlaggedFail, viewedEndpoint, waitFor, waitUntilCut } from "./observe.js";

export interface Scenario {
  name: string;
  description: string;
  /** 1-based lab nodes at fault; the e2e tests also use the first as the seed. */
  faulty: number[];
  /** The faulty node cannot answer, so as a seed it needs a healthy one after it (as a user would add). */
  faultySeedIsDead?: boolean;
  inject(lab: Lab): Promise<void>;
  /** Waits (bounded) until the fault shows in the nodes' own views. */
  settle(lab: Lab): Promise<void>;
}

/** The e2e clusters use node timeout 2000 ms, so a ping pending 1.5 s is past busdoctor's threshold. */
export const SCENARIO_NODE_TIMEOUT_MS = 2000;
const PENDING_MS = 1500;

const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index + 1);
const others = (lab: Lab, node: number): number[] => range(lab.nodes.length).filter((index) => index !== node);
const toNode = (lab: Lab, node: number): Array<[number, number]> => others(lab, node).map((o) => [o, node]);
const fromNode = (lab: Lab, node: number): Array<[number, number]> => others(lab, node).map((p) => [node, p]);

const FAULTY = 3;

async function settleFailedOver(lab: Lab): Promise<void> {
  // Wait for the majority to flag node 3 FAIL and to return to ok: its replica won the vote.
  await waitFor("node 3 is flagged fail and a replica took over", async () => {
    const view = await observe(lab, 1);
    return view !== null && isFlaggedFail(view, viewedEndpoint(lab, FAULTY)) && view.state === "ok";
  });
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "healthy",
    description: "no fault",
    faulty: [],
    inject: async () => undefined,
    settle: async (lab) => lab.waitUntilSettled(),
  },
  {
    name: "bus-blocked-both",
    description: "node 3's bus port dropped both ways, while pings are pending (before FAIL)",
    faulty: [FAULTY],
    inject: (lab) => lab.fault({ kind: "bus", node: FAULTY, direction: "both", action: "drop" }),
    settle: (lab) => waitUntilCut(lab, [...toNode(lab, FAULTY), ...fromNode(lab, FAULTY)], PENDING_MS),
  },
  {
    name: "bus-blocked-both-failed-over",
    description: "node 3's bus port dropped both ways, after FAIL and the failover of its slots",
    faulty: [FAULTY],
    inject: (lab) => lab.fault({ kind: "bus", node: FAULTY, direction: "both", action: "drop" }),
    settle: settleFailedOver,
  },
  {
    name: "bus-inbound-blocked",
    description: "inbound to node 3's bus port dropped: the cluster stays ok (latent)",
    faulty: [FAULTY],
    inject: (lab) => lab.fault({ kind: "bus", node: FAULTY, direction: "in", action: "drop" }),
    settle: (lab) => waitUntilCut(lab, toNode(lab, FAULTY), PENDING_MS),
  },
  {
    name: "bus-outbound-blocked",
    description: "node 3's outbound connections to peers' bus ports dropped",
    faulty: [FAULTY],
    inject: (lab) => lab.fault({ kind: "bus", node: FAULTY, direction: "out", action: "drop" }),
    settle: (lab) => waitUntilCut(lab, fromNode(lab, FAULTY), PENDING_MS),
  },
  {
    name: "bus-rejected",
    description: "node 3's bus port rejected both ways (tcp reset): refused rather than filtered",
    faulty: [FAULTY],
    inject: (lab) => lab.fault({ kind: "bus", node: FAULTY, direction: "both", action: "reject" }),
    settle: (lab) => waitUntilCut(lab, [...toNode(lab, FAULTY), ...fromNode(lab, FAULTY)], PENDING_MS),
  },
  {
    name: "bus-pair-blocked",
    description: "node 2 cannot reach node 3's bus port; every other direction works",
    faulty: [2, 3],
    inject: (lab) => lab.fault({ kind: "pair", from: 2, to: FAULTY, action: "drop" }),
    settle: (lab) => waitUntilCut(lab, [[2, FAULTY]], PENDING_MS),
  },
  {
    name: "bus-announced-port-closed",
    description: "node 3 announces bus port 17000, where nothing listens (a missing NAT/container mapping)",
    faulty: [FAULTY],
    inject: (lab) => lab.fault({ kind: "announce-bus-port", node: FAULTY, port: 17000 }),
    settle: (lab) => waitUntilCut(lab, toNode(lab, FAULTY), PENDING_MS),
  },
  {
    name: "bus-all-blocked",
    description: "every bus port dropped (the security group that forgot 16379)",
    faulty: [3, 1, 2, 4, 5, 6],
    inject: (lab) => lab.fault({ kind: "bus-all", action: "drop" }),
    settle: (lab) =>
      waitUntilCut(
        lab,
        range(lab.nodes.length).flatMap((node) => fromNode(lab, node)),
        PENDING_MS,
      ),
  },
  {
    name: "node-killed",
    description: "node 3's redis-server killed (SIGKILL)",
    faulty: [FAULTY],
    faultySeedIsDead: true,
    inject: (lab) => lab.kill(FAULTY),
    settle: (lab) => waitUntilCut(lab, toNode(lab, FAULTY), PENDING_MS),
  },
  {
    name: "node-paused",
    description: "node 3's redis-server paused (SIGSTOP): ports still accept TCP",
    faulty: [FAULTY],
    faultySeedIsDead: true,
    inject: (lab) => lab.pause(FAULTY),
    settle: (lab) => waitUntilCut(lab, toNode(lab, FAULTY), PENDING_MS),
  },
  {
    name: "partition-2-4",
    description: "bus traffic dropped between {2,5} and {1,3,4,6}",
    faulty: [2, 5],
    inject: (lab) =>
      lab.fault({
        kind: "partition",
        groups: [
          [2, 5],
          [1, 3, 4, 6],
        ],
        action: "drop",
      }),
    settle: (lab) =>
      waitUntilCut(
        lab,
        [2, 5].flatMap((a) =>
          [1, 3, 4, 6].flatMap(
            (b): Array<[number, number]> => [
              [a, b],
              [b, a],
            ],
          ),
        ),
        PENDING_MS,
      ),
  },
];

export function scenario(name: string): Scenario {
  const found = SCENARIOS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no scenario named ${name}`);
  return found;
}

/** Seeds for a check from the faulty node's side: the faulty node first. */
export function faultySeeds(lab: Lab, scenario: Scenario, healthySeed: string): string[] {
  const faulty = scenario.faulty[0];
  if (faulty === undefined) return [healthySeed];
  const endpoint = lab.node(faulty).endpoint;
  return scenario.faultySeedIsDead ? [endpoint, healthySeed] : [endpoint];
}

/** A node outside the fault, to seed a check from the healthy side. */
export function healthySeed(lab: Lab, scenario: Scenario): string {
  return (lab.nodes.find((node) => !scenario.faulty.includes(node.index)) ?? lab.node(1)).endpoint;
}
