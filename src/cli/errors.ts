import { EXIT, type ExitCode } from "./exitCodes.js";

/**
 * An error the user can act on. The entry point prints its message as one line (no stack) and exits
 * with its code. Throw it from commands instead of calling process.exit.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.cannotDiagnose,
  ) {
    super(message);
    this.name = "UserError";
  }
}
