// The only place that turns errors into exit codes and calls process.exit.
import { Command, CommanderError } from "commander";
import { UserError } from "./errors.js";
import { EXIT } from "./exitCodes.js";
import { registerCommands } from "./commands/index.js";
import { VERSION } from "../version.js";

/** Commands return the exit code they want; errors are mapped here. */
export type CommandOutcome = number;

async function main(argv: string[]): Promise<number> {
  const program = new Command("busdoctor")
    .description("Why is my Redis Cluster down while every node answers PING? Diagnoses the cluster bus.")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  let outcome: number = EXIT.healthy;
  registerCommands(program, (code) => {
    outcome = code;
  });
  try {
    await program.parseAsync(argv);
    return outcome;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exitCode 0; usage mistakes were already printed.
      return error.exitCode === 0 ? EXIT.healthy : EXIT.cannotDiagnose;
    }
    if (error instanceof UserError) {
      process.stderr.write(`busdoctor: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`busdoctor: unexpected error: ${message}\n`);
    if (process.env["BUSDOCTOR_DEBUG"] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT.cannotDiagnose;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT.cannotDiagnose;
  },
);
