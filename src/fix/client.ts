// The only code in busdoctor that sends a command which changes a cluster, kept apart from the
// read-only collector and created only for `fix --apply`. It knows four commands and builds their
// wire form itself from checked values: CLUSTER MEET, CLUSTER FORGET, CLUSTER SETSLOT <slot> STABLE
// (no other SETSLOT form exists here), and CONFIG SET of the two mitigation parameters.
import { isIP } from "node:net";
import type { CommandResult } from "../model/snapshot.js";
import type { MitigationParameter, WriteAction } from "./model.js";
import { runOn, type SessionSettings } from "./session.js";

const NODE_ID = /^[0-9a-f]{40}$/;
const PARAMETERS: readonly MitigationParameter[] = ["cluster-require-full-coverage", "cluster-allow-reads-when-down"];

function port(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new RangeError(`not a port: ${value}`);
  return String(value);
}

/**
 * The wire form of an action. Values come from a plan that came from replies of the cluster, so each
 * is checked again here: a node id is 40 hex digits, an address an IP, a slot 0-16383.
 */
export function actionArgs(action: WriteAction): string[] {
  switch (action.kind) {
    case "meet":
      if (isIP(action.ip) === 0) throw new RangeError(`not an IP address: ${action.ip}`);
      return ["CLUSTER", "MEET", action.ip, port(action.port), port(action.busPort)];
    case "forget":
      if (!NODE_ID.test(action.nodeId)) throw new RangeError(`not a node id: ${action.nodeId}`);
      return ["CLUSTER", "FORGET", action.nodeId];
    case "setslot-stable":
      if (!Number.isInteger(action.slot) || action.slot < 0 || action.slot > 16383) throw new RangeError(`not a slot: ${action.slot}`);
      return ["CLUSTER", "SETSLOT", String(action.slot), "STABLE"];
    case "config-set":
      if (!PARAMETERS.includes(action.parameter) || (action.value !== "yes" && action.value !== "no")) {
        throw new RangeError(`not a mitigation: ${action.parameter} ${action.value}`);
      }
      return ["CONFIG", "SET", action.parameter, action.value];
  }
}

export interface WriteClient {
  send(address: string, action: WriteAction): Promise<CommandResult>;
}

/** One connection per command: a step sends a handful, and a stale session must never carry one. */
export function createWriteClient(settings: SessionSettings): WriteClient {
  return {
    async send(address, action) {
      const [result] = await runOn(address, [actionArgs(action)], settings);
      if (result === undefined) throw new Error("runOn returned no result for one command");
      return result;
    },
  };
}
