import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // e2e files each run real redis-server clusters in their own network namespace; running them
    // one at a time keeps timing-sensitive scenarios (node timeouts of 1-2 s) stable on 2 cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
