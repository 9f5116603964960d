import type { Command } from "commander";
import { registerCheckCommand } from "./check.js";
import { registerDemoCommand } from "./demo.js";
import { registerLabCommand } from "./lab.js";
import { registerLintCommand } from "./lint.js";

/** Each command module registers itself and reports the exit code it wants through `setExit`. */
export type SetExit = (code: number) => void;

export function registerCommands(program: Command, setExit: SetExit): void {
  registerCheckCommand(program, setExit);
  registerDemoCommand(program, setExit);
  registerLabCommand(program, setExit);
  registerLintCommand(program, setExit);
}
