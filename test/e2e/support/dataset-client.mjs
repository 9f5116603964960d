// Runs inside a lab's namespace (the host cannot reach its loopback addresses): writes one key in
// every one of the 16384 hash slots, each with a random value whose SHA-256 goes to a manifest, or
// reads every key of a manifest back and says which are lost or changed. Plain clients to each
// master per CLUSTER SLOTS, MOVED followed once, so the check does not depend on a cluster client.
//   node dataset-client.mjs write  <seed-host> <seed-port> <manifest.json>
//   node dataset-client.mjs verify <seed-host> <seed-port> <manifest.json>
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { Redis } from "ioredis";

const SLOTS = 16384;

/** CRC16/XMODEM, the hash Redis Cluster uses (slot = crc16(key or its {tag}) mod 16384). */
function crc16(text) {
  let crc = 0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** One key per slot: "bd:{tN}" for the first tag N that hashes to it. */
function keysPerSlot() {
  const keys = new Array(SLOTS);
  let found = 0;
  for (let n = 0; found < SLOTS; n += 1) {
    const slot = crc16(`t${n}`) % SLOTS;
    if (keys[slot] === undefined) {
      keys[slot] = `bd:{t${n}}`;
      found += 1;
    }
  }
  return keys;
}

const sha = (value) => createHash("sha256").update(value).digest("hex");

function client(host, port) {
  return new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
}

/** slot -> "host:port" of its master, from CLUSTER SLOTS of the seed. */
async function slotOwners(host, port) {
  const seed = client(host, port);
  await seed.connect();
  const ranges = await seed.call("CLUSTER", "SLOTS");
  seed.disconnect();
  const owners = new Array(SLOTS);
  for (const [start, end, [ip, p]] of ranges) for (let slot = start; slot <= end; slot += 1) owners[slot] = `${ip}:${p}`;
  return owners;
}

/** Runs one command per key on the key's owner, pipelined per owner; follows a MOVED once. */
async function perKey(owners, keys, command) {
  const byOwner = new Map();
  keys.forEach((key, slot) => {
    const owner = owners[slot] ?? "none";
    if (!byOwner.has(owner)) byOwner.set(owner, []);
    byOwner.get(owner).push(key);
  });
  const results = new Map();
  const run = async (address, list) => {
    const [host, port] = [address.slice(0, address.lastIndexOf(":")), address.slice(address.lastIndexOf(":") + 1)];
    const redis = client(host, port);
    try {
      await redis.connect();
      const replies = await list.reduce((pipeline, key) => command(pipeline, key), redis.pipeline()).exec();
      const moved = [];
      replies.forEach(([error, value], index) => {
        const match = error && /^MOVED \d+ (\S+)/.exec(error.message);
        if (match) moved.push([match[1], list[index]]);
        else results.set(list[index], error ? { error: error.message } : { value });
      });
      return moved;
    } catch (error) {
      for (const key of list) results.set(key, { error: String(error) });
      return [];
    } finally {
      redis.disconnect();
    }
  };
  const moved = (await Promise.all([...byOwner].map(([address, list]) => (address === "none" ? [] : run(address, list))))).flat();
  for (const [address, key] of moved) await run(address, [key]);
  return results;
}

async function main() {
  const [mode, host, port, manifestPath] = process.argv.slice(2);
  const owners = await slotOwners(host, port);
  const keys = keysPerSlot();
  if (mode === "write") {
    const values = new Map(keys.map((key) => [key, `${key}=${randomBytes(12).toString("hex")}`]));
    const results = await perKey(owners, keys, (pipeline, key) => pipeline.set(key, values.get(key)));
    const failed = keys.filter((key) => results.get(key)?.value !== "OK");
    writeFileSync(manifestPath, JSON.stringify(Object.fromEntries(keys.map((key) => [key, sha(values.get(key))]))));
    process.stdout.write(`${JSON.stringify({ written: keys.length - failed.length, failed: failed.slice(0, 5) })}\n`);
    return;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const expected = Object.keys(manifest);
  const results = await perKey(
    owners,
    keys.filter((key) => key in manifest),
    (pipeline, key) => pipeline.get(key),
  );
  const lost = expected.filter((key) => results.get(key)?.value == null);
  const changed = expected.filter((key) => results.get(key)?.value != null && sha(results.get(key).value) !== manifest[key]);
  const errors = expected.map((key) => results.get(key)?.error).filter(Boolean);
  process.stdout.write(
    `${JSON.stringify({ total: expected.length, lost: lost.length, changed: changed.length, sample: [...lost, ...changed].slice(0, 5), errors: errors.slice(0, 3) })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`dataset-client: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
