// A lab left behind keeps redis-server processes and a namespace alive on a shared machine. Whoever
// owns a lab for a while (a test file, `lab up` while it builds one) arms this guard: if the process
// is interrupted or exits before disarming, the lab is destroyed on the way out.

const FATAL_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Runs `teardown` (synchronous: exit handlers cannot await) on exit or on a fatal signal. Returns the disarm function. */
export function teardownOnExit(teardown: () => void): () => void {
  let done = false;
  const onExit = (): void => {
    if (done) return;
    done = true;
    teardown();
  };
  const disarm = (): void => {
    done = true;
    process.off("exit", onExit);
    for (const { signal, handler } of signalHandlers) process.off(signal, handler);
  };
  const signalHandlers = FATAL_SIGNALS.map((signal) => {
    // Tear down, then let the signal do what it would have done without us: the process ends by it
    // (exit status 128 + the signal's number) once no other guard is armed. Only src/cli calls process.exit.
    const handler = (): void => {
      onExit();
      disarm();
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
    return { signal, handler };
  });
  process.on("exit", onExit);
  return disarm;
}
