import type { ReadResult } from './read.ts';

/** How long a read is shared: a storm's burst, not long enough for anyone to act on stale state. */
const SHARE_MS = 3_000;
const MAX_ENTRIES = 5_000;

/**
 * The reads of one cluster context, shared for a few seconds between collections: when a bad rollout
 * crash-loops a hundred pods at once, their collections read the Deployment, its ReplicaSets, the node
 * and the pods on it once rather than a hundred times. Reads in flight are joined; failures are never
 * remembered (the next collection tries again).
 */
export class ReadCache {
  private readonly entries = new Map<string, { at: number; result: Promise<ReadResult<unknown>> }>();

  constructor(
    private readonly shareMs = SHARE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  run<T>(key: string, read: () => Promise<ReadResult<T>>): Promise<ReadResult<T>> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.shareMs) return hit.result as Promise<ReadResult<T>>;
    if (this.entries.size >= MAX_ENTRIES) this.prune(now);
    const result = read();
    this.entries.set(key, { at: now, result });
    void result.then((r) => {
      if (r.gap && this.entries.get(key)?.result === result) this.entries.delete(key);
    });
    return result;
  }

  private prune(now: number): void {
    for (const [key, e] of this.entries) if (now - e.at >= this.shareMs) this.entries.delete(key);
    // Still full of fresh entries (an enormous burst): start over rather than grow.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}
