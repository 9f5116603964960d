// Applies the pure fault rules (faults.ts) with nft inside the lab's namespace: the rules exist only
// there and vanish with it.
import { nftHealScript, nftScript } from "./faults.js";
import { namespaceArgv } from "./namespace.js";
import { runOrThrow } from "./run.js";

export async function addNftRules(namespace: string, rules: readonly string[]): Promise<void> {
  await runOrThrow(namespaceArgv(namespace, ["nft", "-f", "-"]), { input: nftScript(rules), timeoutMs: 10_000 });
}

export async function deleteLabNftTable(namespace: string): Promise<void> {
  await runOrThrow(namespaceArgv(namespace, ["nft", "-f", "-"]), { input: nftHealScript(), timeoutMs: 10_000 });
}
