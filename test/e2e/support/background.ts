// A long-running program for an e2e test (busdoctor watch, a webhook receiver), its output read line
// by line, stopped with SIGTERM (SIGKILL after 5 s).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** A long-running process inside the lab, its stdout read line by line. */
export class Background {
  readonly lines: string[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  /** `stdoutClosed`: nobody reads its stdout, as after `| head -1` returned: its writes fail with EPIPE. */
  constructor(argv: string[], { stdoutClosed = false } = {}) {
    const [program = "", ...args] = argv;
    this.child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    if (stdoutClosed) this.child.stdout?.destroy();
    else if (this.child.stdout) createInterface({ input: this.child.stdout }).on("line", (line) => this.lines.push(line));
    if (this.child.stderr) createInterface({ input: this.child.stderr }).on("line", (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  async stop(): Promise<void> {
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
