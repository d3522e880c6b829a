/**
 * Slows down token guessing without locking anyone out: after a few wrong tokens from an address, each
 * further 401 is answered later and later (up to 5 s), while requests with the right token are never
 * delayed. Everything here runs on loopback, so a lockout per address would lock out Alertmanager too.
 */
export class AuthBackoff {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(
    private readonly freeAttempts = 5,
    private readonly maxDelayMs = 5_000,
    private readonly forgetAfterMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a failure; returns how long to hold the 401. */
  fail(address: string): number {
    const t = this.now();
    const prev = this.failures.get(address);
    const count = prev && t - prev.last < this.forgetAfterMs ? prev.count + 1 : 1;
    this.failures.set(address, { count, last: t });
    if (this.failures.size > 10_000) this.prune(t);
    if (count <= this.freeAttempts) return 0;
    return Math.min(this.maxDelayMs, 100 * 2 ** (count - this.freeAttempts - 1));
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }

  private prune(t: number): void {
    for (const [k, v] of this.failures) if (t - v.last >= this.forgetAfterMs) this.failures.delete(k);
  }
}
