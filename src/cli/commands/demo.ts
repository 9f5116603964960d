// busdoctor demo: the README's main command. A real 6-node cluster in a lab, a healthy check, one
// master's bus port blocked with a real nftables rule (PING still answers, clients get CLUSTERDOWN),
// the check that names it, the recovery plan of `busdoctor fix`, the heal, the recovery, an empty
// plan, and the lab torn down whatever happens.
import type { Command } from "commander";
import { teardownOnExit } from "../../lab/guard.js";
import { Lab } from "../../lab/lab.js";
import { EXIT } from "../exitCodes.js";
import { ExpectationError } from "../../errors.js";
import { parseInteger } from "../options/values.js";
import type { SetExit } from "./index.js";

interface DemoFlags {
  nodeTimeout: string;
  keep?: boolean;
  color?: boolean;
}

const BLOCKED = 3;

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const step = (title: string): void => say(`\n=== ${title} ===`);

async function show(lab: Lab, argv: string[]): Promise<string> {
  const result = await lab.exec(argv, { timeoutMs: 10_000 });
  const text = (result.stdout + result.stderr).trim();
  say(`$ ${argv.join(" ")}\n${text}`);
  return text;
}

/** Runs `busdoctor <command> <seed>` inside the lab and prints it as a user would see it. */
async function busdoctor(lab: Lab, command: "check" | "fix", seed: string, color: boolean): Promise<number> {
  const args = [command, seed, ...(color ? ["--color"] : [])];
  say(`$ busdoctor ${args.join(" ")}`);
  const result = await lab.runBusdoctor(args, { timeoutMs: 60_000 });
  process.stdout.write(result.stdout);
  if (result.stderr.trim()) process.stderr.write(result.stderr);
  say(`(exit code ${result.code})`);
  return result.code;
}

/** Polls `condition` until it holds; a lab that never gets there is a failed demo, said plainly. */
async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new ExpectationError(`demo: gave up after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  say(`(${what}: after ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function clusterState(lab: Lab, index: number): Promise<string | null> {
  const node = lab.node(index);
  const result = await lab.exec(["redis-cli", "-h", node.address, "-p", String(node.port), "CLUSTER", "INFO"], { timeoutMs: 2000 });
  return /cluster_state:(\w+)/.exec(result.stdout)?.[1] ?? null;
}

async function runDemo(flags: DemoFlags): Promise<number> {
  const nodeTimeoutMs = parseInteger("--node-timeout", flags.nodeTimeout, 500, 60_000);
  const color = flags.color ?? (process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined);
  step("1. A 6-node Redis Cluster (3 masters, 3 replicas) of real redis-server processes");
  const lab = await Lab.up({ name: "demo", nodeTimeoutMs }, (line) => say(`lab: ${line}`));
  const disarm = teardownOnExit(() => lab.downSync());
  try {
    const seed = lab.node(1).endpoint;
    const blocked = lab.node(BLOCKED);
    const healthyExit = await busdoctor(lab, "check", seed, color);

    step(`2. A firewall rule drops ${blocked.address}'s bus port ${blocked.clusterPort}, both ways; its client port stays open`);
    await lab.fault({ kind: "bus", node: BLOCKED, direction: "both", action: "drop" });
    await show(lab, ["nft", "list", "table", "inet", "busdoctor_lab"]);
    await waitUntil(`${blocked.endpoint} reports cluster_state:fail`, async () => (await clusterState(lab, BLOCKED)) === "fail", 60_000);
    await show(lab, ["redis-cli", "-h", blocked.address, "-p", String(blocked.port), "PING"]);
    await show(lab, ["redis-cli", "-h", blocked.address, "-p", String(blocked.port), "GET", "user:42"]);

    step("3. busdoctor names the root cause");
    const faultExit = await busdoctor(lab, "check", seed, color);

    step("4. busdoctor fix plans the recovery: the firewall rule, then a wait; it refuses what would lose keys");
    const planExit = await busdoctor(lab, "fix", seed, color);

    step("5. The rule is removed; the cluster recovers on its own");
    await lab.heal();
    await waitUntil(
      "every node is ok again and sees every peer healthy",
      async () => {
        try {
          await lab.waitUntilSettled(1000);
          return true;
        } catch {
          return false;
        }
      },
      60_000,
    );
    const recoveredExit = await busdoctor(lab, "check", seed, color);

    step("6. Nothing left to fix");
    const emptyPlanExit = await busdoctor(lab, "fix", seed, color);

    const asExpected =
      healthyExit === EXIT.healthy &&
      faultExit === EXIT.critical &&
      planExit === EXIT.warnings &&
      recoveredExit === EXIT.healthy &&
      emptyPlanExit === EXIT.healthy;
    step(asExpected ? "Demo complete: healthy, diagnosed, planned, recovered" : "Demo finished, but a check or plan did not give the expected result");
    return asExpected ? EXIT.healthy : EXIT.critical;
  } finally {
    if (flags.keep) say(`\nthe lab is still up: busdoctor lab status --name demo; busdoctor lab down --name demo`);
    else await lab.down();
    disarm();
  }
}

export function registerDemoCommand(program: Command, setExit: SetExit): void {
  program
    .command("demo")
    .summary("reproduce a blocked bus port on this machine and diagnose it (needs root and nftables)")
    .description(
      "Starts a real 6-node cluster in a private network namespace, runs a healthy check, blocks one master's bus port with an nftables rule, shows that PING still works while clients get CLUSTERDOWN, runs the check that names the root cause and the fix plan, heals, shows the recovery and an empty plan. Everything is torn down at the end.",
    )
    .option("--node-timeout <ms>", "cluster-node-timeout of the lab cluster", "3000")
    .option("--keep", "leave the lab running at the end (then: busdoctor lab down --name demo)")
    .option("--color", "colour the reports even when stdout is not a terminal")
    .option("--no-color", "no colour")
    .addHelpText("after", "\nExample:\n  sudo busdoctor demo\n")
    .action(async (flags: DemoFlags) => {
      setExit(await runDemo(flags));
    });
}
