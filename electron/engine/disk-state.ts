/**
 * Whether the data dir's disk is full, as the last write found it. The intake (main thread) and the
 * analysis (worker) both report; the status bar shows it until a write succeeds again, so the engineer
 * learns why new alerts get a 503 and analyses wait, and what to do.
 */
export interface DiskStatus {
  full: boolean;
  /** When the first write failed (ISO time), while full. */
  since: string | null;
  message: string | null;
}

export class DiskState {
  private since: string | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly log?: (msg: string) => void,
  ) {}

  full(): void {
    if (this.since) return;
    this.since = new Date().toISOString();
    this.log?.(`the disk is full: ${this.advice()}`);
  }

  ok(): void {
    if (!this.since) return;
    this.since = null;
    this.log?.('the disk has room again: alerts are stored and analysed');
  }

  status(): DiskStatus {
    return this.since
      ? { full: true, since: this.since, message: `the disk is full: ${this.advice()}` }
      : { full: false, since: null, message: null };
  }

  private advice(): string {
    return `new alerts are refused with 503 (Alertmanager retries them) and analyses wait; free space on ${this.dataDir}`;
  }
}
