// One TCP connect from the tool's host, closed as soon as it is decided: tells a filtered port (timeout)
// from one where nothing listens or a firewall rejects (refused) and from no route (unreachable).
import { connect } from "node:net";
import type { ProbeResult, ProbeState } from "../model/snapshot.js";
import { elapsedMs } from "./clock.js";

const STATE_BY_CODE: Record<string, ProbeState> = {
  ECONNREFUSED: "refused",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ETIMEDOUT: "timeout",
};

/**
 * `localAddress` binds the probe's source address (host-audit --source), so that a firewall rule on a
 * source address (`ip saddr 10.0.0.3 tcp dport 16379 drop`) acts on it as on the node's own bus links.
 */
export function probeTcp(host: string, port: number, timeoutMs: number, localAddress: string | null = null): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port, ...(localAddress === null ? {} : { localAddress }) });
    let decided = false;
    const finish = (state: ProbeState, error?: string): void => {
      if (decided) return;
      decided = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ host, port, state, ms: elapsedMs(started), ...(error === undefined ? {} : { error }) });
    };
    // A plain timer, not socket.setTimeout: that one measures inactivity, this bounds the whole attempt.
    const timer = setTimeout(() => finish("timeout", `no answer to the TCP handshake within ${timeoutMs} ms`), timeoutMs);
    socket.once("connect", () => finish("open"));
    // `on`, not `once`: a late second error on a socket with no listener would crash the process.
    socket.on("error", (error: NodeJS.ErrnoException) => {
      const state = (error.code === undefined ? undefined : STATE_BY_CODE[error.code]) ?? "error";
      finish(state, error.message);
    });
  });
}
