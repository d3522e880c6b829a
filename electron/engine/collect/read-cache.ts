import type { ReadResult } from './read.ts';

/** How long a read is shared: a storm's burst, not long enough for anyone to act on stale state. */
const SHARE_MS = 3_000;
/**
 * Reads held at once. A burst of one workload hits the same few keys within milliseconds; a storm across
 * a hundred namespaces would otherwise keep every namespace's pod list alive for the whole window.
 */
const MAX_ENTRIES = 64;

/**
 * The reads of one cluster context, shared for a few seconds between collections: when a bad rollout
 * crash-loops a hundred pods at once, their collections read the Deployment, its ReplicaSets, the node
 * and the pods on it once rather than a hundred times. Reads in flight are joined; failures are never
 * remembered (the next collection tries again). Entries leave as soon as they expire (oldest first, in
 * insertion order), and the oldest goes when the cache is full, so what it holds stays small.
 */
export class ReadCache {
  private readonly entries = new Map<string, { at: number; result: Promise<ReadResult<unknown>> }>();

  constructor(
    private readonly shareMs = SHARE_MS,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = MAX_ENTRIES,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  run<T>(key: string, read: () => Promise<ReadResult<T>>): Promise<ReadResult<T>> {
    const now = this.now();
    this.expire(now);
    const hit = this.entries.get(key);
    if (hit) return hit.result as Promise<ReadResult<T>>;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const result = read();
    this.entries.set(key, { at: now, result });
    void result.then((r) => {
      if (r.gap && this.entries.get(key)?.result === result) this.entries.delete(key);
    });
    return result;
  }

  /** Entries are in insertion order, which is age order: drop from the front while they are stale. */
  private expire(now: number): void {
    for (const [key, e] of this.entries) {
      if (now - e.at < this.shareMs) return;
      this.entries.delete(key);
    }
  }
}
