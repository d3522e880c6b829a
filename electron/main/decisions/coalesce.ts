/** What one notification shows: the most important item of the batch, and how many others it stands for. */
export interface Batch<T> {
  first: T;
  more: number;
  items: T[];
}

/**
 * At most one notification per interval. The first item of a quiet period shows at once; the rest of a
 * burst waits for the interval to pass and shows as one ("… and 37 more"), led by its most urgent item.
 */
export class Coalescer<T> {
  private lastShownAt = Number.NEGATIVE_INFINITY;
  private queue: T[] = [];

  constructor(
    private readonly rank: (item: T) => number,
    readonly intervalMs = 5_000,
  ) {}

  /** Adds an item; returns the batch to show right now, or null when it must wait (see nextAt). */
  push(item: T, now: number): Batch<T> | null {
    this.queue.push(item);
    return this.due(now);
  }

  /** The batch whose time has come, if any. */
  due(now: number): Batch<T> | null {
    if (!this.queue.length || now < this.lastShownAt + this.intervalMs) return null;
    const items = this.queue;
    this.queue = [];
    this.lastShownAt = now;
    // Stable sort: among equals the oldest leads.
    const first = items.slice().sort((a, b) => this.rank(a) - this.rank(b))[0]!;
    return { first, more: items.length - 1, items };
  }

  /** When the waiting items may be shown; null when nothing waits. */
  nextAt(): number | null {
    return this.queue.length ? this.lastShownAt + this.intervalMs : null;
  }
}
