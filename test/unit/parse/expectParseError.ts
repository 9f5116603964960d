import { ParseError } from "../../../src/parse/errors.js";

/** Runs a parse that must fail and returns its ParseError; any other outcome fails the test. */
export function parseErrorOf(parse: () => unknown): ParseError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw new Error(`expected a ParseError, got ${String(error)}`);
  }
  throw new Error("expected a ParseError, but the parse succeeded");
}
