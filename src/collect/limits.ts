// How much busdoctor reads, sized by --max-nodes: a real cluster's replies grow with its node count
// (CLUSTER NODES ~100-250 bytes per node, CLUSTER LINKS ~400 bytes per peer), a hostile node's do not
// get to grow past that. The reply limit and the read budget are what bound a run's memory.

/** Redis Cluster's practical limit, and the default of --max-nodes. */
export const DEFAULT_MAX_NODES = 1000;
export const MAX_MAX_NODES = 100_000;

const MIB = 1024 * 1024;

/** The largest single reply: 1 MiB plus 4 KiB per node allowed (about ten times what a real node needs). */
export function replyLimitFor(maxNodes: number): number {
  return MIB + maxNodes * 4096;
}

/** Every byte one collection (or one watch sample) may read from all nodes together. */
export function readBudgetFor(maxNodes: number): number {
  return 64 * MIB + maxNodes * 1.5 * MIB;
}

/** "5 MiB": how a limit reads in an error. */
export function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${Math.round(bytes / MIB)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
