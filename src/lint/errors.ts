import type { Location } from "./model.js";

/**
 * A file busdoctor lint cannot read: a syntax error, an unknown format given by name. Parsers throw it
 * with the parser's own message; the CLI turns it into a one-line UsageError (exit 3).
 */
export class LintInputError extends Error {
  readonly position?: Omit<Location, "file">;

  constructor(
    readonly file: string,
    readonly reason: string,
    position?: Omit<Location, "file">,
  ) {
    super(position ? `${file}:${position.line}:${position.column}: ${reason}` : `${file}: ${reason}`);
    this.name = "LintInputError";
    if (position) this.position = { line: position.line, column: position.column };
  }
}
