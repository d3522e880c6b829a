import type { Alert } from '../../../shared/alert.ts';
import { type AlertmanagerSource, type SourceStatus, sourceName } from '../../../shared/alertmanager.ts';
import {
  alertKey,
  alertsPath,
  eligible,
  type ListedAlert,
  parseAlertList,
  parseJsonReply,
  readAmStatus,
} from '../alertmanager/alerts.ts';
import type { AmConnection } from '../alertmanager/connection.ts';
import type { AlertKey, IngestResult } from '../store/ingest.ts';

/** The longest wait between two polls of a failing source. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/** What a poller needs from the engine and from the other sources. */
export interface PullDeps {
  /** The engine's intake: the same transaction as the webhook's. */
  ingest(alerts: Alert[], source: string, released?: AlertKey[]): IngestResult;
  /** The firing incidents this source had reported before (from the store), so an alert that vanished while the app was closed still resolves. */
  reported(source: string): Alert[];
  /** Another source whose last poll worked and that lists this alert, if any. */
  listedElsewhere(key: string, self: Poller): Poller | null;
  /** Whether every source has polled once since start: until then nothing resolves by absence. */
  settled(): boolean;
  now(): Date;
  log(msg: string): void;
}

/** The delay before the next poll after `failures` failed polls in a row: interval × 2^failures, capped. */
export function backoffMs(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  return Math.max(intervalMs, Math.min(intervalMs * 2 ** Math.min(failures, 20), MAX_BACKOFF_MS));
}

/**
 * Polls one Alertmanager's `/api/v2/alerts` and feeds what changed into the intake: alerts it lists
 * for the first time (under its filters) as firing, and alerts it had reported that are gone as
 * resolved. A failed or garbled poll changes nothing — a source that is down never resolves anything.
 */
export class Poller {
  readonly name: string;
  readonly intake: string;
  attempts = 0;
  private listed = new Map<string, ListedAlert>();
  private reported = new Map<string, Alert>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = false;
  private st: Omit<SourceStatus, 'name' | 'target' | 'kind'> = {
    state: 'starting',
    lastPollAt: null,
    lastSuccessAt: null,
    lastError: null,
    failures: 0,
    nextPollAt: null,
    backoffMs: null,
    alerts: 0,
    firing: 0,
    version: null,
  };

  constructor(
    readonly source: AlertmanagerSource,
    readonly conn: AmConnection,
    private readonly d: PullDeps,
  ) {
    this.name = sourceName(source);
    this.intake = `pull:${this.name}`;
  }

  start(): void {
    for (const a of this.d.reported(this.intake)) this.reported.set(alertKey(a), a);
    this.schedule(0);
  }

  /** Stops polling. A request in flight is not waited for beyond a second: its answer is dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((r) => (timer = setTimeout(r, 1_000)))]);
    clearTimeout(timer);
  }

  status(): SourceStatus {
    return { name: this.name, target: this.conn.target, kind: this.conn.kind, ...this.st };
  }

  /** Whether this source's last poll worked and listed the alert (in any state). */
  lists(key: string): boolean {
    return this.st.state === 'ok' && this.listed.has(key);
  }

  /** Takes over an alert another source no longer lists but this one does, so its end is still seen. */
  adopt(alert: Alert): void {
    const key = alertKey(alert);
    if (this.reported.has(key)) return;
    this.d.ingest([alert], this.intake);
    this.reported.set(key, alert);
  }

  /** Polls now (the UI's "retry now"), unless a poll is already running. */
  pollSoon(): void {
    if (!this.running && !this.stopped) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.st.nextPollAt = new Date(this.d.now().getTime() + ms).toISOString();
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => {
        this.running = null;
      });
    }, ms);
    this.timer.unref?.();
  }

  /** One poll; never throws. */
  async poll(): Promise<void> {
    const interval = this.source.intervalSeconds * 1000;
    try {
      const [reply, am] = await Promise.all([
        this.conn.request(alertsPath(this.source)),
        // Best effort: only used to notice a restarted Alertmanager.
        readAmStatus(this.conn).catch(() => null),
      ]);
      if (this.stopped) return;
      const at = this.d.now();
      const externalURL = this.conn.kind === 'url' ? this.conn.target : '';
      const list = parseAlertList(parseJsonReply(reply, this.conn.target), externalURL, at);
      this.apply(list.alerts, at, {
        // A partial list cannot tell what disappeared.
        canResolve: list.invalid === 0 && this.d.settled() && !this.justRestarted(am?.startedAt, at),
      });
      this.attempts++;
      const firing = [...this.listed.values()].filter((a) => eligible(a, this.source)).length;
      this.st = {
        ...this.st,
        state: 'ok',
        lastPollAt: at.toISOString(),
        lastSuccessAt: at.toISOString(),
        lastError: list.invalid
          ? `${list.invalid} of ${list.invalid + list.alerts.length} entries were not valid alerts and were skipped (${list.firstProblem}); nothing resolves by absence until the answer is whole`
          : null,
        failures: 0,
        backoffMs: null,
        alerts: this.listed.size,
        firing,
        version: am?.version ?? this.st.version,
      };
      this.schedule(interval);
    } catch (err) {
      if (this.stopped) return;
      this.attempts++;
      const failures = this.st.failures + 1;
      const wait = backoffMs(interval, failures);
      const message = (err as Error).message;
      if (message !== this.st.lastError) this.d.log(`alertmanager ${this.name}: ${message}`);
      this.st = {
        ...this.st,
        state: 'failing',
        lastPollAt: this.d.now().toISOString(),
        lastError: `${message}; retrying in ${Math.round(wait / 1000)} s`,
        failures,
        backoffMs: wait,
      };
      this.schedule(wait);
    }
  }

  /**
   * An Alertmanager that restarted lists nothing until Prometheus sends its alerts again (within about
   * a minute): absences right after a restart are not resolutions.
   */
  private justRestarted(startedAt: number | null | undefined, at: Date): boolean {
    const grace = this.source.restartGraceSeconds * 1000;
    return startedAt != null && at.getTime() - startedAt < grace;
  }

  private apply(alerts: ListedAlert[], at: Date, o: { canResolve: boolean }): void {
    const firing = alerts.filter((a) => a.alert.status === 'firing');
    const ended = new Map(alerts.filter((a) => a.alert.status === 'resolved').map((a) => [a.key, a.alert]));
    this.listed = new Map(firing.map((a) => [a.key, a]));
    const fresh = firing.filter((a) => !this.reported.has(a.key) && eligible(a, this.source));
    const resolved: Alert[] = [];
    const released: Alert[] = [];
    if (o.canResolve || ended.size) {
      for (const [key, alert] of this.reported) {
        if (this.listed.has(key)) continue;
        // Absence alone waits until every source has spoken and the list is whole; an explicit end does not.
        if (!o.canResolve && !ended.has(key)) continue;
        const other = this.d.listedElsewhere(key, this);
        if (other) {
          other.adopt(alert);
          released.push(alert);
        } else {
          resolved.push(ended.get(key) ?? { ...alert, status: 'resolved', endsAt: at.toISOString() });
        }
      }
    }
    if (!fresh.length && !resolved.length && !released.length) return;
    this.d.ingest(
      [...fresh.map((a) => a.alert), ...resolved],
      this.intake,
      released.map((a) => ({ fingerprint: a.fingerprint, startsAt: a.startsAt })),
    );
    for (const a of fresh) this.reported.set(a.key, a.alert);
    for (const a of [...resolved, ...released]) this.reported.delete(alertKey(a));
  }
}
