// A lab left behind keeps redis-server processes and a namespace alive on a shared machine. Whoever
// owns a lab for a while (a test file, `lab up` while it builds one) arms this guard: if the process
// is interrupted or exits before disarming, the lab is destroyed on the way out.

const SIGNAL_EXIT_CODES: Record<"SIGINT" | "SIGTERM" | "SIGHUP", number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Runs `teardown` (synchronous: exit handlers cannot await) on exit or on a fatal signal. Returns the disarm function. */
export function teardownOnExit(teardown: () => void): () => void {
  let done = false;
  const onExit = (): void => {
    if (done) return;
    done = true;
    teardown();
  };
  const signalHandlers = Object.entries(SIGNAL_EXIT_CODES).map(([signal, code]) => {
    // Exiting runs every armed guard's `exit` handler, this one included.
    const handler = (): void => process.exit(code);
    process.on(signal, handler);
    return { signal, handler };
  });
  process.on("exit", onExit);
  return () => {
    done = true;
    process.off("exit", onExit);
    for (const { signal, handler } of signalHandlers) process.off(signal, handler);
  };
}
