// A real TCP connect made from inside a lab's namespace, optionally from a given node's address (to
// act as that node: the nft rules match on source addresses).
import type { Lab } from "../../../src/lab/index.js";

export type ConnectOutcome = "open" | "refused" | "timeout" | `error ${string}`;

const CONNECT_SCRIPT = `
const net = require("node:net");
const [host, port, from, timeoutMs] = process.argv.slice(1);
const socket = net.connect({ host, port: Number(port), ...(from ? { localAddress: from } : {}) });
const done = (outcome) => { process.stdout.write(outcome); socket.destroy(); process.exit(0); };
socket.setTimeout(Number(timeoutMs), () => done("timeout"));
socket.on("connect", () => done("open"));
socket.on("error", (error) => done(error.code === "ECONNREFUSED" ? "refused" : "error " + error.code));
`;

export async function tcpConnect(lab: Lab, target: { host: string; port: number; from?: string; timeoutMs?: number }): Promise<ConnectOutcome> {
  const timeoutMs = target.timeoutMs ?? 700;
  const result = await lab.exec([process.execPath, "-e", CONNECT_SCRIPT, target.host, String(target.port), target.from ?? "", String(timeoutMs)], {
    timeoutMs: timeoutMs + 10_000,
  });
  if (result.code !== 0) throw new Error(`connect probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  if (!/^(open|refused|timeout|error \S+)$/.test(result.stdout)) throw new Error(`connect probe printed "${result.stdout}"`);
  return result.stdout as ConnectOutcome;
}

/** redis-cli inside the lab against one address, e.g. redisCli(lab, "127.0.0.3", "ping"). */
export function redisCli(lab: Lab, host: string, ...args: string[]): Promise<{ code: number; stdout: string; timedOut: boolean }> {
  return lab.exec(["redis-cli", "-e", "-h", host, "-p", String(lab.options.port), ...args], { timeoutMs: 1500 });
}
