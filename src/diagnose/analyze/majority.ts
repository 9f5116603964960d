// The value most of a list agrees on, used wherever views are outvoted (summaries, known_nodes).

/** The value most entries agree on (first seen wins a tie), or null for no entries. */
export function majority<T>(values: readonly T[]): T | null {
  return majorityOf(values, (value) => value);
}

/** majority() of valueOfItem over the items, without building the list of values first. */
export function majorityOf<Item, T>(items: readonly Item[], valueOfItem: (item: Item) => T): T | null {
  if (items.length === 0) return null;
  // Most lists are unanimous (every view agrees on a node's address, role, bus port): settle those
  // without a Map. Otherwise the count below finds the same winner.
  const first = valueOfItem(items[0] as Item);
  let unanimous = true;
  for (let index = 1; unanimous && index < items.length; index += 1) unanimous = valueOfItem(items[index] as Item) === first;
  if (unanimous) return first;
  const counts = new Map<T, number>();
  let best: T | null = null;
  let bestCount = 0;
  for (const item of items) {
    const value = valueOfItem(item);
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
