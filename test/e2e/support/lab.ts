// Shared e2e fixture: a real lab that starts before a file's tests and is always torn down after them,
// also when a test fails, the run is interrupted (SIGINT/SIGTERM) or the worker exits early.
import { afterAll, beforeAll } from "vitest";
import { Lab, teardownOnExit, type LabOptions } from "../../../src/lab/index.js";

/**
 * Starts a lab in `beforeAll` and destroys it in `afterAll`. Call the returned function inside tests
 * to get the lab. `name` is required: give each test file its own, so files never share a namespace.
 */
export function useLab(options: LabOptions & { name: string }): () => Lab {
  let lab: Lab | undefined;
  let disarm: (() => void) | undefined;
  beforeAll(async () => {
    lab = await Lab.up(options, (line) => process.stderr.write(`[lab ${options.name}] ${line}\n`));
    const started = lab;
    disarm = teardownOnExit(() => started.downSync());
  });
  afterAll(async () => {
    try {
      await lab?.down();
    } finally {
      disarm?.();
    }
  });
  return () => {
    if (lab === undefined) throw new Error(`lab "${options.name}" is not up (did beforeAll fail?)`);
    return lab;
  };
}
