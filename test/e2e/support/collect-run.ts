// Runs one collection inside the test cluster's namespace (the vitest process is outside it) and prints
// {"ok":true,"snapshot":...,"events":[...]} or {"ok":false,"error":{...}} as one JSON line on stdout.
// usage: ip netns exec NS node --import tsx test/e2e/support/collect-run.ts '<CollectRequest JSON>'
import { collectSampled, collectSnapshot, type CollectEvent } from "../../../src/collect/collect.js";
import { CollectError } from "../../../src/collect/errors.js";
import type { ConnectionOptions } from "../../../src/collect/options.js";
import { parseHostPort } from "../../../src/cluster/address.js";

export interface CollectRequest {
  seeds: string[];
  options: ConnectionOptions;
  /** Present: collectSampled with this wait; absent: collectSnapshot. */
  sampleMs?: number;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "{}") as CollectRequest;
  const seeds = request.seeds.map((text) => parseHostPort(text, 6379));
  const events: CollectEvent[] = [];
  const progress = { onEvent: (event: CollectEvent) => events.push(event) };
  try {
    const snapshot =
      request.sampleMs === undefined
        ? await collectSnapshot(seeds, request.options, progress)
        : await collectSampled(seeds, request.options, request.sampleMs, progress);
    process.stdout.write(`${JSON.stringify({ ok: true, snapshot, events })}\n`);
  } catch (error) {
    if (!(error instanceof CollectError)) throw error;
    process.stdout.write(`${JSON.stringify({ ok: false, error: { name: error.name, reason: error.reason, message: error.message } })}\n`);
  }
}

await main();
