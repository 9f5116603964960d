// Run by guard.test.ts in a child process: arms two guards (a test file and `lab up` can hold one
// each), then, when told to, gets a fatal signal from itself or just ends.
import { teardownOnExit } from "../../../src/lab/guard.js";

const [how = "exit"] = process.argv.slice(2);
teardownOnExit(() => process.stdout.write("teardown first lab\n"));
const disarmSecond = teardownOnExit(() => process.stdout.write("teardown second lab\n"));
if (how === "disarm") disarmSecond();
if (how === "SIGTERM" || how === "SIGINT" || how === "SIGHUP") {
  // Keep the process alive until the signal ends it.
  setInterval(() => undefined, 1000);
  process.kill(process.pid, how);
}
