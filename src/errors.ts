// Errors that stop a command, each saying what kind of failure it is. Only src/cli/main.ts turns a
// kind into an exit code and prints the message as one line (no stack): code anywhere else throws
// these instead of exiting, and never decides an exit code itself.

/**
 * - usage: a flag, argument or name the user gave is wrong;
 * - input: a file busdoctor was asked to read or write cannot be used;
 * - unreachable: nothing usable could be collected from the cluster (no seed answered);
 * - auth: credentials were rejected;
 * - environment: this host lacks what the command needs (root, a program, a running lab);
 * - expectation: a scripted run (the demo) did not see what it waited for.
 */
export type FailureKind = "usage" | "input" | "unreachable" | "auth" | "environment" | "expectation";

export class BusdoctorError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = "BusdoctorError";
  }
}

/** A flag, argument or name the user gave is wrong; the message quotes it and says what is expected. */
export class UsageError extends BusdoctorError {
  constructor(message: string) {
    super("usage", message);
    this.name = "UsageError";
  }
}

/** A file or database busdoctor was pointed at cannot be read, written or understood. */
export class InputError extends BusdoctorError {
  constructor(message: string) {
    super("input", message);
    this.name = "InputError";
  }
}

/** This host lacks something the command needs: root, nftables, redis-server, a lab that is up. */
export class EnvironmentError extends BusdoctorError {
  constructor(message: string) {
    super("environment", message);
    this.name = "EnvironmentError";
  }
}

/** A scripted run (the demo) waited for something that never happened. */
export class ExpectationError extends BusdoctorError {
  constructor(message: string) {
    super("expectation", message);
    this.name = "ExpectationError";
  }
}

/** The server rejected the credentials (NOAUTH / WRONGPASS); the message never holds the password. */
export class AuthError extends BusdoctorError {
  constructor(message: string) {
    super("auth", message);
    this.name = "AuthError";
  }
}
