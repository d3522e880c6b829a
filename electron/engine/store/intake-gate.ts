/**
 * Webhook payloads being stored, counted in memory shared with the pipeline worker: while one is being
 * validated and committed, the worker holds back its next write (up to `maxWaitMs`), so Alertmanager's
 * request does not queue behind a report being stored. Only once its body has arrived: a slow client
 * must not slow the analysis down. The count lives on the main thread; the worker only reads it.
 */
export class IntakeGate {
  readonly buffer = new SharedArrayBuffer(4);
  private readonly count = new Int32Array(this.buffer);

  enter(): void {
    Atomics.add(this.count, 0, 1);
  }

  leave(): void {
    Atomics.sub(this.count, 0, 1);
    Atomics.notify(this.count, 0);
  }

  /** Runs `fn` (validation and the commit, which ends with the payloads stored together) entered. */
  async during<T>(fn: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await fn();
    } finally {
      this.leave();
    }
  }
}

/** The worker's side: returns once no webhook payload is being stored, or after `maxWaitMs`. */
export function intakeWaiter(buffer: SharedArrayBuffer, maxWaitMs = 20): () => void {
  const count = new Int32Array(buffer);
  return () => {
    let n = Atomics.load(count, 0);
    if (n <= 0) return;
    const until = performance.now() + maxWaitMs;
    for (; n > 0; n = Atomics.load(count, 0)) {
      const left = until - performance.now();
      if (left <= 0) return;
      Atomics.wait(count, 0, n, left);
    }
  };
}
