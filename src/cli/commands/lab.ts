// `busdoctor lab ...`: rehearse bus failures on a real local cluster. A thin shell over src/lab.
import { type Command, Option } from "commander";
import { parseNodeGroup, parseNodeRef, parseWholeNumber } from "../../lab/args.js";
import { DEFAULT_LAB_NAME, formatLabStatus, Lab, type BusDirection, type FaultAction, type LabFault, type LabOptions } from "../../lab/index.js";
import { runInteractive } from "../../lab/run.js";
import { EXIT } from "../exitCodes.js";
import type { SetExit } from "./index.js";

interface NameOption {
  name: string;
}
interface ActionOption extends NameOption {
  action: FaultAction;
}
/** commander hands numbers over as text; the other flags are LabOptions as they are. */
interface UpOptions extends NameOption, Pick<LabOptions, "baseAddress" | "ipv6" | "server" | "tls" | "hostnames" | "clientAnnounce"> {
  masters: string;
  replicas: string;
  port: string;
  clusterPort?: string;
  nodeTimeout: string;
}

const progress = (line: string): void => {
  process.stderr.write(`busdoctor lab: ${line}\n`);
};

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}

function nameOption(): Option {
  return new Option("--name <name>", "which lab (namespace busdoctor-<name>)").default(DEFAULT_LAB_NAME);
}

function actionOption(): Option {
  return new Option("--action <action>", "drop: connects time out (filtered); reject: TCP reset (refused)").choices(["drop", "reject"]).default("drop");
}

/** Attaches to the lab, applies the fault and says what it did. */
async function applyFault(name: string, build: (lab: Lab) => LabFault): Promise<void> {
  const lab = await Lab.attach(name);
  const fault = build(lab);
  await lab.fault(fault);
  const status = await lab.status();
  process.stdout.write(`applied: ${status.faults.at(-1)?.description ?? fault.kind}\n`);
}

function registerUp(lab: Command, setExit: SetExit): void {
  lab
    .command("up")
    .description("start a Redis Cluster of real redis-server processes in a private network namespace")
    .addOption(nameOption())
    .option("--masters <n>", "master count (3 or more)", "3")
    .option("--replicas <n>", "replicas per master", "1")
    .option("--port <port>", "client port, the same on every node", "6379")
    .option("--cluster-port <port>", "bus port every node listens on (default: port + 10000)")
    .option("--node-timeout <ms>", "cluster-node-timeout", "3000")
    .option("--base-address <ip>", "first node's address; node N gets base + N - 1 (127.0.0.0/8, or IPv6 in fc00::/7) [default: 127.0.0.1]")
    .option("--ipv6", "run on IPv6 unique-local addresses (fd00:b5d0::1 and up) on the namespace's loopback")
    .option("--server <path>", "the redis-server (or the folder holding it) to run [default: the first on PATH]")
    .option("--tls", "TLS on the client port, the bus (tls-cluster) and replication, with certificates made for the lab")
    .option("--hostnames", "every node announces a hostname (cluster-announce-hostname; Redis 7.0+, Valkey)")
    .option("--client-announce", "Valkey 8+: announce a client address (127.0.1.N) apart from the bus address (127.0.0.N)")
    .addHelpText(
      "after",
      examples(
        "busdoctor lab up",
        "busdoctor lab up --name rehearsal --masters 3 --replicas 1 --node-timeout 2000",
        "busdoctor lab up --port 7000 --cluster-port 17100 --base-address 127.0.0.11",
        "busdoctor lab up --name old --server /opt/redis-6.2.16/redis-server",
        "busdoctor lab up --name v6 --ipv6",
        "busdoctor lab up --name secure --tls --hostnames",
      ),
    )
    .action(async (options: UpOptions) => {
      const started = Date.now();
      const { masters, replicas, port, clusterPort, nodeTimeout, ...flags } = options;
      const lab = await Lab.up(
        {
          ...flags,
          masters: parseWholeNumber("--masters", masters),
          replicasPerMaster: parseWholeNumber("--replicas", replicas),
          port: parseWholeNumber("--port", port),
          clusterPort: clusterPort === undefined ? undefined : parseWholeNumber("--cluster-port", clusterPort),
          nodeTimeoutMs: parseWholeNumber("--node-timeout", nodeTimeout),
        },
        progress,
      );
      progress(`up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      process.stdout.write(formatLabStatus(await lab.status()));
      const cli = lab.redisCliCommand(1, ["cluster", "nodes"]);
      const check = ["busdoctor", "check", lab.node(1).endpoint, ...lab.tlsArgs];
      process.stdout.write(`run commands inside it with: busdoctor lab exec --name ${lab.name} -- ${cli.join(" ")}\n`);
      process.stdout.write(`diagnose it with:            busdoctor lab exec --name ${lab.name} -- ${check.join(" ")}\n`);
      setExit(EXIT.healthy);
    });
}

function registerFaults(lab: Command, setExit: SetExit): void {
  const fault = lab
    .command("fault")
    .description("block traffic with real nftables rules inside the lab (they add up until `lab heal`)")
    .addHelpText(
      "after",
      examples(
        "busdoctor lab fault bus 3                       # node 3's bus port, both ways, drop",
        "busdoctor lab fault bus 127.0.0.3:6379 --direction in --action reject",
        "busdoctor lab fault bus-all",
        "busdoctor lab fault pair 2 3                    # node 2 cannot reach node 3's bus",
        "busdoctor lab fault partition 1,4 2,3,5,6",
        "busdoctor lab fault client 5",
        "busdoctor lab fault announce-bus-port 3 17000   # node 3 announces a port nothing listens on",
      ),
    );
  const done = (): void => setExit(EXIT.healthy);
  fault
    .command("bus <node>")
    .description("block one node's bus port: inbound (nobody reaches it), outbound (it reaches nobody) or both")
    .addOption(new Option("--direction <direction>", "in, out or both").choices(["in", "out", "both"]).default("both"))
    .addOption(actionOption())
    .addOption(nameOption())
    .addHelpText("after", examples("busdoctor lab fault bus 3 --direction out", "busdoctor lab fault bus 127.0.0.3:6379 --action reject"))
    .action(async (node: string, options: ActionOption & { direction: BusDirection }) => {
      await applyFault(options.name, (lab) => ({
        kind: "bus",
        node: parseNodeRef(node, lab.nodes),
        direction: options.direction,
        action: options.action,
      }));
      done();
    });
  fault
    .command("bus-all")
    .description("block every bus port (the security group that forgot port 16379)")
    .addOption(actionOption())
    .addOption(nameOption())
    .addHelpText("after", examples("busdoctor lab fault bus-all --action reject"))
    .action(async (options: ActionOption) => {
      await applyFault(options.name, () => ({ kind: "bus-all", action: options.action }));
      done();
    });
  fault
    .command("pair <from> <to>")
    .description("block traffic from one node to another node's bus port (one direction only)")
    .addOption(actionOption())
    .addOption(nameOption())
    .addHelpText("after", examples("busdoctor lab fault pair 1 3", "busdoctor lab fault pair 127.0.0.2:6379 127.0.0.5:6379"))
    .action(async (from: string, to: string, options: ActionOption) => {
      await applyFault(options.name, (lab) => ({
        kind: "pair",
        from: parseNodeRef(from, lab.nodes),
        to: parseNodeRef(to, lab.nodes),
        action: options.action,
      }));
      done();
    });
  fault
    .command("partition <groups...>")
    .description("split the bus into groups (comma-separated nodes) that cannot reach each other")
    .addOption(actionOption())
    .addOption(nameOption())
    .addHelpText("after", examples("busdoctor lab fault partition 1,4 2,3,5,6", "busdoctor lab fault partition 1,2 3,4 5,6"))
    .action(async (groups: string[], options: ActionOption) => {
      await applyFault(options.name, (lab) => ({
        kind: "partition",
        groups: groups.map((group) => parseNodeGroup(group, lab.nodes)),
        action: options.action,
      }));
      done();
    });
  fault
    .command("client <node>")
    .description("block one node's client port (the node looks down to clients and to busdoctor)")
    .addOption(actionOption())
    .addOption(nameOption())
    .addHelpText("after", examples("busdoctor lab fault client 5 --action reject"))
    .action(async (node: string, options: ActionOption) => {
      await applyFault(options.name, (lab) => ({ kind: "client", node: parseNodeRef(node, lab.nodes), action: options.action }));
      done();
    });
  fault
    .command("announce-bus-port <node> <port>")
    .description("make a node announce a bus port nothing listens on (CONFIG SET cluster-announce-bus-port)")
    .addOption(nameOption())
    .addHelpText("after", examples("busdoctor lab fault announce-bus-port 3 17000"))
    .action(async (node: string, port: string, options: NameOption) => {
      await applyFault(options.name, (lab) => ({
        kind: "announce-bus-port",
        node: parseNodeRef(node, lab.nodes),
        port: parseWholeNumber("PORT", port),
      }));
      done();
    });
}

function registerProcessCommands(lab: Command, setExit: SetExit): void {
  const actions = [
    { name: "kill", what: "SIGKILL a node's redis-server (as in a crash)", run: (l: Lab, n: number) => l.kill(n), done: "killed" },
    { name: "pause", what: "SIGSTOP a node: its ports still accept TCP but it never answers", run: (l: Lab, n: number) => l.pause(n), done: "paused" },
    { name: "resume", what: "SIGCONT a paused node", run: (l: Lab, n: number) => l.resume(n), done: "resumed" },
    { name: "restart", what: "start a killed node again with the same config", run: (l: Lab, n: number) => l.restart(n), done: "restarted" },
  ];
  for (const entry of actions) {
    lab
      .command(`${entry.name} <node>`)
      .description(entry.what)
      .addOption(nameOption())
      .addHelpText("after", examples(`busdoctor lab ${entry.name} 3`, `busdoctor lab ${entry.name} 127.0.0.3:6379 --name rehearsal`))
      .action(async (nodeText: string, options: NameOption) => {
        const attached = await Lab.attach(options.name);
        const index = parseNodeRef(nodeText, attached.nodes);
        await entry.run(attached, index);
        process.stdout.write(`${entry.done} node ${index} (${attached.node(index).endpoint})\n`);
        setExit(EXIT.healthy);
      });
  }
}

function registerLifecycle(lab: Command, setExit: SetExit): void {
  lab
    .command("heal")
    .description("remove every nft rule, resume paused nodes, restore announced bus ports (killed nodes stay down)")
    .addOption(nameOption())
    .addHelpText("after", examples("busdoctor lab heal", "busdoctor lab heal --name rehearsal"))
    .action(async (options: NameOption) => {
      await (await Lab.attach(options.name)).heal();
      process.stdout.write("healed: no faults in force\n");
      setExit(EXIT.healthy);
    });
  lab
    .command("status")
    .description("each node's process, role, PING and cluster_state, and the faults in force")
    .addOption(nameOption())
    .option("--json", "print JSON")
    .addHelpText("after", examples("busdoctor lab status", "busdoctor lab status --json"))
    .action(async (options: NameOption & { json?: boolean }) => {
      const status = await (await Lab.attach(options.name)).status();
      process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatLabStatus(status));
      setExit(EXIT.healthy);
    });
  lab
    .command("exec")
    .description("run a command inside the lab's network namespace (put it after --); exits with its code")
    .argument("<command...>", "the command and its arguments")
    .addOption(nameOption())
    .addHelpText(
      "after",
      examples("busdoctor lab exec -- redis-cli -h 127.0.0.3 cluster nodes", "busdoctor lab exec -- ./bin/busdoctor check 127.0.0.1:6379   # from a checkout"),
    )
    .action(async (command: string[], options: NameOption) => {
      const attached = await Lab.attach(options.name);
      setExit(await runInteractive(attached.namespaceArgv(command)));
    });
  lab
    .command("down")
    .description("stop every redis-server, delete the namespace (and its rules) and the state dir")
    .addOption(nameOption())
    .addHelpText("after", examples("busdoctor lab down", "busdoctor lab down --name rehearsal"))
    .action(async (options: NameOption) => {
      const existed = await Lab.destroy(options.name);
      process.stdout.write(existed ? `lab "${options.name}" is down\n` : `there was no lab named "${options.name}"\n`);
      setExit(EXIT.healthy);
    });
}

export function registerLabCommand(program: Command, setExit: SetExit): void {
  const lab = program
    .command("lab")
    .description("rehearse cluster bus failures on a real local Redis Cluster (needs root, redis-server, nftables)")
    .addHelpText(
      "after",
      examples(
        "busdoctor lab up --name rehearsal",
        "busdoctor lab fault bus 3 --name rehearsal",
        "busdoctor lab exec --name rehearsal -- redis-cli -h 127.0.0.1 cluster info",
        "busdoctor lab heal --name rehearsal",
        "busdoctor lab down --name rehearsal",
      ),
    );
  registerUp(lab, setExit);
  registerFaults(lab, setExit);
  registerProcessCommands(lab, setExit);
  registerLifecycle(lab, setExit);
}
