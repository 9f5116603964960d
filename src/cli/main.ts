// The only place that turns errors into exit codes and calls process.exit.
import { BusdoctorError, type FailureKind } from "../errors.js";
import { EXIT } from "./exitCodes.js";
import { VERSION } from "../version.js";
import { printable } from "../text/printable.js";

const EXAMPLES = `
Examples:
  busdoctor check 10.0.0.5:6379          diagnose a live cluster from any node
  busdoctor fix 10.0.0.5:6379            the recovery plan; --apply runs its safe steps one by one
  busdoctor watch 10.0.0.5:6379 --listen 9464
                                          warn before Redis declares a node failed; Prometheus metrics
  busdoctor demo                          reproduce a blocked bus port in a lab and diagnose it (root)
  busdoctor lab up && busdoctor lab fault bus 3
  busdoctor lint k8s/ docker-compose.yml  find a missing bus port before you deploy
  busdoctor preflight 10.0.0.9:6379 --cluster 10.0.0.5:6379
                                          verify a new node before it joins

Run busdoctor <command> --help for a command's options.
`;

/** Every failure is "could not diagnose", except a demo that did not see what it waited for. */
const EXIT_BY_FAILURE: Record<FailureKind, number> = {
  usage: EXIT.cannotDiagnose,
  input: EXIT.cannotDiagnose,
  unreachable: EXIT.cannotDiagnose,
  auth: EXIT.cannotDiagnose,
  environment: EXIT.cannotDiagnose,
  expectation: EXIT.critical,
};

/** Whether the command that runs goes on when stdout's reader goes away (watch: see commands/index.ts). */
let stdoutOutlived = false;

// A reader that goes away (`busdoctor check | head -1`) is not an error worth a stack trace. Node.js
// ignores SIGPIPE, so every write after it fails with EPIPE: a one-shot command then ends quietly with
// the exit code it has so far, as other Unix tools do; watch goes on, its lines counted as a failing output.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  if (!stdoutOutlived) process.exit(process.exitCode ?? EXIT.healthy);
});

async function main(argv: string[]): Promise<number> {
  // `busdoctor --version` alone prints what commander's --version prints, without loading commander:
  // compiling it is a third of a bare Node.js start.
  if (argv.length === 3 && (argv[2] === "--version" || argv[2] === "-V")) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.healthy;
  }
  const [{ Command, CommanderError }, { registerCommands, outlivesStdout }] = await Promise.all([import("commander"), import("./commands/index.js")]);
  stdoutOutlived = outlivesStdout(argv);
  const program = new Command("busdoctor")
    .description("Why is my Redis Cluster down while every node answers PING? Diagnoses the cluster bus.")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXAMPLES)
    .exitOverride();
  let outcome: number = EXIT.healthy;
  try {
    await registerCommands(
      program,
      (code) => {
        outcome = code;
      },
      argv,
    );
    await program.parseAsync(argv);
    return outcome;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exitCode 0; usage mistakes were already printed.
      return error.exitCode === 0 ? EXIT.healthy : EXIT.cannotDiagnose;
    }
    // One line, whatever the message quotes (a path, a server's words): printable() escapes newlines and terminal sequences.
    if (error instanceof BusdoctorError) {
      process.stderr.write(`busdoctor: ${printable(error.message)}\n`);
      return EXIT_BY_FAILURE[error.kind];
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`busdoctor: unexpected error: ${printable(message)}\n`);
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
