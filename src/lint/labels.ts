// Kubernetes label selection in linear time: things (pods, Services) indexed by their `key=value`
// labels, so a selector is checked only against the things carrying its rarest label.

export class LabelIndex<T> {
  private readonly byLabel = new Map<string, T[]>();

  constructor(
    readonly all: readonly T[],
    labelsOf: (item: T) => Record<string, string>,
  ) {
    for (const item of all) {
      for (const [key, value] of Object.entries(labelsOf(item))) {
        const label = `${key}=${value}`;
        const list = this.byLabel.get(label) ?? [];
        list.push(item);
        this.byLabel.set(label, list);
      }
    }
  }

  /** The things that may match a selector's `matchLabels`: those carrying its least common label (all, for an empty selector). */
  candidates(matchLabels: Record<string, string>): readonly T[] {
    let candidates: readonly T[] = this.all;
    for (const [key, value] of Object.entries(matchLabels)) {
      const list = this.byLabel.get(`${key}=${value}`) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
    return candidates;
  }
}

/** Whether every `key: value` of a selector is among the labels. */
export function selectsLabels(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/**
 * Selectors (of Services, say) by one of their labels, the one fewest selectors use: the selectors a
 * set of labels satisfies are found by looking up each of those labels once.
 */
export class SelectorIndex<T> {
  private readonly byLabel = new Map<string, T[]>();

  constructor(items: readonly T[], selectorOf: (item: T) => Record<string, string>) {
    const uses = new Map<string, number>();
    for (const item of items) for (const [key, value] of Object.entries(selectorOf(item))) uses.set(`${key}=${value}`, (uses.get(`${key}=${value}`) ?? 0) + 1);
    for (const item of items) {
      let rarest: string | undefined;
      for (const [key, value] of Object.entries(selectorOf(item))) {
        const label = `${key}=${value}`;
        if (rarest === undefined || (uses.get(label) ?? 0) < (uses.get(rarest) ?? 0)) rarest = label;
      }
      // An empty selector selects nothing here: a Service without one has no pods of its own.
      if (rarest === undefined) continue;
      const list = this.byLabel.get(rarest) ?? [];
      list.push(item);
      this.byLabel.set(rarest, list);
    }
  }

  /** The items whose selector may be satisfied by these labels (each has its rarest label among them). */
  candidates(labels: Record<string, string>): T[] {
    const found: T[] = [];
    for (const [key, value] of Object.entries(labels)) for (const item of this.byLabel.get(`${key}=${value}`) ?? []) found.push(item);
    return found;
  }
}
