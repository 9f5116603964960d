// More clusters in one lab's namespace, for a fleet watch (one process reaches every cluster only if they
// share its network namespace): each a real cluster of its own redis-server processes on its own loopback
// addresses, built with the lab's own steps. Their node dirs live in the lab's state dir and their
// processes in its namespace, so the lab's teardown removes them too; faults are nftables rules in the
// lab's table, so `lab.heal()` heals them too.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Lab } from "../../../src/lab/index.js";
import { createCluster, waitForPing, waitUntilSettled } from "../../../src/lab/cluster.js";
import { nftRules, type NetworkFault } from "../../../src/lab/faults.js";
import { planNodes, resolveLabOptions, type LabNode } from "../../../src/lab/layout.js";
import { addNftRules } from "../../../src/lab/nft.js";
import { readPidfile, sendSignal } from "../../../src/lab/processes.js";

export class ExtraCluster {
  private constructor(
    private readonly lab: Lab,
    readonly name: string,
    readonly nodes: LabNode[],
  ) {}

  /** Starts `masters` masters (no replicas) from `baseAddress` in the lab's namespace and waits until settled. */
  static async add(lab: Lab, name: string, baseAddress: string, masters: number): Promise<ExtraCluster> {
    const options = resolveLabOptions({
      name,
      baseAddress,
      masters,
      replicasPerMaster: 0,
      nodeTimeoutMs: lab.options.nodeTimeoutMs,
      stateRoot: join(lab.stateDir, "clusters"),
    });
    const nodes = planNodes(options);
    await Promise.all(nodes.map((node) => mkdir(node.dir, { recursive: true })));
    await Promise.all(nodes.map((node) => lab.startNode(node)));
    await waitForPing(lab.cli, nodes, 10_000);
    await createCluster(lab.cli, nodes, 0);
    await waitUntilSettled(lab.cli, nodes, 60_000);
    return new ExtraCluster(lab, name, nodes);
  }

  node(index: number): LabNode {
    const node = this.nodes[index - 1];
    if (!node) throw new Error(`cluster ${this.name} has no node ${index}`);
    return node;
  }

  get endpoints(): string[] {
    return this.nodes.map((node) => node.endpoint);
  }

  /** A network fault on this cluster's nodes (1-based, as in the lab). */
  async fault(fault: NetworkFault): Promise<void> {
    const { port, clusterPort } = this.lab.options;
    await addNftRules(this.lab.namespace, nftRules(fault, { addresses: this.nodes.map((node) => node.address), port, clusterPort }));
  }

  /** SIGSTOP or SIGCONT every node: the whole cluster hangs, or comes back. */
  signalAll(signal: "SIGSTOP" | "SIGCONT"): void {
    for (const node of this.nodes) {
      const pid = readPidfile(node.pidfile);
      if (pid !== null) sendSignal(pid, signal);
    }
  }

  waitUntilSettled(): Promise<void> {
    return waitUntilSettled(this.lab.cli, this.nodes, 60_000);
  }
}
