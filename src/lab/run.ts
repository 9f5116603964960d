// The one place the lab spawns programs. Every command goes through here so that timeouts, exit codes
// and spawn failures are handled the same way (a hung redis-cli against a paused node must not hang us).
import { spawn } from "node:child_process";
import { constants } from "node:os";

export interface RunResult {
  /** The exit code; 128 + signal number when the program was killed by a signal (shell convention). */
  code: number;
  stdout: string;
  stderr: string;
  /** True when we killed the program because it ran past `timeoutMs`. */
  timedOut: boolean;
}

export interface RunOptions {
  /** Kill the program (SIGKILL) after this long. No limit when absent. */
  timeoutMs?: number;
  /** Written to the program's stdin, which is then closed. */
  input?: string;
}

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

export function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new Error("runCommand needs a program to run"));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${program}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? signalExitCode(signal) : 1), stdout, stderr, timedOut });
    });
    // A program that exits without reading its stdin makes the write fail with EPIPE: that is not our error.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** Runs a program and throws with its stderr when it fails: for steps that must succeed. */
export async function runOrThrow(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await runCommand(argv, options);
  if (result.code !== 0 || result.timedOut) {
    const why = result.timedOut ? `timed out after ${options.timeoutMs} ms` : `exit ${result.code}`;
    const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-3).join(" | ");
    throw new Error(`\`${argv.join(" ")}\` failed (${why})${detail ? `: ${detail}` : ""}`);
  }
  return result;
}

/** Runs a program on our own terminal (for `lab exec`, which may be interactive) and returns its exit code. */
export function runInteractive(argv: readonly string[]): Promise<number> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new Error("runInteractive needs a program to run"));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: "inherit" });
    child.on("error", (error) => reject(new Error(`cannot run ${program}: ${error.message}`)));
    child.on("close", (code, signal) => resolve(code ?? (signal ? signalExitCode(signal) : 1)));
  });
}
