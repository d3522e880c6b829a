/**
 * Group commit: the payloads whose bodies arrived in the same turn of the event loop are stored in one
 * transaction, with one fsync, and each is answered with its own result. When Alertmanager flushes a
 * hundred groups at once (their timers started together, in the same storm), each notification would
 * otherwise wait for every earlier one's commit and fsync. A lone payload waits only for the end of the
 * current turn (setImmediate), well under a millisecond.
 *
 * If a shared commit fails for any reason but one that would fail each alone (`failsAll`: the disk is
 * full), the payloads are committed one by one, so a payload the store rejects fails alone instead of
 * taking the others with it on every retry.
 */
export class GroupCommit<I, O> {
  private pending: { item: I; resolve: (o: O) => void; reject: (err: unknown) => void }[] = [];

  constructor(
    private readonly commitMany: (items: I[]) => O[],
    private readonly commitOne: (item: I) => O,
    private readonly failsAll: (err: unknown) => boolean = () => false,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 1) {
      try {
        const results = this.commitMany(batch.map((p) => p.item));
        for (const [i, p] of batch.entries()) p.resolve(results[i]!);
        return;
      } catch (err) {
        if (this.failsAll(err)) {
          for (const p of batch) p.reject(err);
          return;
        }
      }
    }
    // A lone payload, or a shared commit that failed: one by one, each with its own outcome.
    for (const p of batch) {
      try {
        p.resolve(this.commitOne(p.item));
      } catch (err) {
        p.reject(err);
      }
    }
  }
}
