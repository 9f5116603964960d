// Runs this very CLI inside a lab's namespace, so `busdoctor check` sees the cluster the way a tool on
// the same network would (the host cannot reach the namespace's loopback addresses).
import { fileURLToPath } from "node:url";
import { namespaceArgv } from "./namespace.js";

/**
 * The built entry point, dist/cli/main.js. Resolved from the package root (two levels up from both
 * src/lab/ and dist/lab/) so tests running the TypeScript sources still run the built CLI.
 */
export function builtCliScript(): string {
  return fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
}

/** `ip netns exec NAMESPACE <node> <script> ...args`: busdoctor (or `script`) inside the namespace. */
export function busdoctorInNamespaceArgv(namespace: string, args: readonly string[], script = builtCliScript()): string[] {
  return namespaceArgv(namespace, [process.execPath, script, ...args]);
}
