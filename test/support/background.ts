// A long-running program (busdoctor watch, Prometheus, Alertmanager, a receiver) started by a test or a
// bench, its output read line by line with the time each line arrived.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface TimedLine {
  at: number;
  line: string;
}

export class Background {
  readonly stdout: TimedLine[] = [];
  readonly stderr: TimedLine[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(argv: readonly string[]) {
    const [program = "", ...args] = argv;
    this.child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    if (this.child.stdout) createInterface({ input: this.child.stdout }).on("line", (line) => this.stdout.push({ at: Date.now(), line }));
    if (this.child.stderr) createInterface({ input: this.child.stderr }).on("line", (line) => this.stderr.push({ at: Date.now(), line }));
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, SIGKILL after 5 s. */
  async stop(): Promise<void> {
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last lines of stderr, for a failure message. */
  tail(count = 10): string {
    return this.stderr
      .slice(-count)
      .map((entry) => entry.line)
      .join("\n");
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
