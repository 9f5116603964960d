/**
 * A reply that does not have the shape the parser expects. The message is one line naming the reply,
 * where in it (line or entry number) and what was expected, e.g.
 * `CLUSTER NODES line 3: expected ip:port@cport[,hostname], got "127.0.0.1:abc"`.
 */
export class ParseError extends Error {
  constructor(
    /** The reply being parsed: "CLUSTER NODES", "CLUSTER INFO", "CLUSTER LINKS", "INFO", "CONFIG GET ...". */
    readonly what: string,
    /** 1-based line (or, for array replies, entry) number; null when the reply as a whole is wrong. */
    readonly lineNumber: number | null,
    /** The offending raw line (or JSON of the entry); null when the reply as a whole is wrong. */
    readonly line: string | null,
    problem: string,
    unit: "line" | "entry" = "line",
  ) {
    super(lineNumber === null ? `${what}: ${problem}` : `${what} ${unit} ${lineNumber}: ${problem}`);
    this.name = "ParseError";
  }
}
