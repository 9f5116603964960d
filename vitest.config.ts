import { defineConfig } from "vitest/config";

// The compatibility matrix (test/e2e/compat) runs other servers, which only some machines have: it is
// part of the suite when BUSDOCTOR_COMPAT_SERVERS names them (.ci/run sets it when ../shared/redis-servers exists).
const compat = (process.env["BUSDOCTOR_COMPAT_SERVERS"] ?? "") !== "";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...(compat ? [] : ["test/e2e/compat/**"])],
    // e2e files each run real redis-server clusters in their own network namespace; running them
    // one at a time keeps timing-sensitive scenarios (node timeouts of 1-2 s) stable on 2 cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
