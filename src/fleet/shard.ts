// --shard i/N: replicas of a fleet watch split the clusters between them, each cluster on exactly one
// shard, by a hash of its name (so the assignment needs no coordination and survives reordering the file).
// Two replicas given the same shard watch the same clusters: Alertmanager de-duplicates their alerts. Pure.
import { UsageError } from "../errors.js";

export interface Shard {
  index: number;
  count: number;
}

/** "0/3", "2/3": shard index (from 0) of count. */
export function parseShard(text: string): Shard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) throw new UsageError(`--shard: expected i/N with 0 <= i < N, such as 0/3, got "${text}"`);
  return { index, count };
}

/** FNV-1a, 32 bits: stable across processes and versions, spreads short names well. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

export function shardOf(name: string, count: number): number {
  return fnv1a(name) % count;
}

export function inShard<T extends { name: string }>(clusters: readonly T[], shard: Shard): T[] {
  return clusters.filter((cluster) => shardOf(cluster.name, shard.count) === shard.index);
}
