import type { FeishuRoute } from '../../../shared/delivery.ts';
import { workloadOf } from '../../../shared/workload.ts';
import type { Deliveries, DeliveryRow } from '../store/deliveries.ts';
import type { Queries } from '../store/queries.ts';
import { buildCard, type CardLang } from './feishu/card.ts';
import { type SendResult, sendToFeishu } from './feishu/client.ts';

export interface SenderOptions {
  deliveries: Deliveries;
  queries: Queries;
  routes: FeishuRoute[];
  lang: CardLang;
  /** First retry delay; doubles per attempt up to maxDelayMs, ±30 % jitter. */
  retryBaseMs: number;
  maxDelayMs: number;
  /** Attempts before a retryable failure is given up (about 4 hours with the defaults). */
  maxAttempts: number;
  /**
   * A storm: an incident whose alert and workload (shared/workload.ts) a card to the same group announced
   * less than this long ago, while that incident still fires, gets no card of its own (default 30 min).
   */
  foldWithinMs?: number;
  /** How often the folding card's "resolved" looks again while some of its storm still fires (5 min). */
  foldRecheckMs?: number;
  onChange?: (incidentId: number) => void;
  log?: (msg: string) => void;
  now?: () => Date;
}

/**
 * Feishu's per-bot limits (PROTOCOLS §4.1): 5 requests per second and 100 per minute. A send is booked
 * when its answer arrives, not when it leaves: Feishu counts it on arrival, somewhere in between, and a
 * slow first request (a new TLS connection) would otherwise let the sixth one land inside its second.
 */
class RateLimit {
  private sent: number[] = [];
  /** Milliseconds to wait before the next send is allowed. */
  wait(now: number): number {
    this.sent = this.sent.filter((t) => now - t < 60_000);
    const lastSecond = this.sent.filter((t) => now - t < 1_000);
    if (lastSecond.length >= 5) return 1_000 - (now - lastSecond[0]!) + 5;
    if (this.sent.length >= 100) return 60_000 - (now - this.sent[0]!) + 5;
    return 0;
  }
  note(now: number): void {
    this.sent.push(now);
  }
}

/**
 * Sends the outbox: due cards in order, each route within its rate limits, retries with exponential
 * backoff and jitter on network errors, 5xx and rate limiting, no retry on permanent errors (bad
 * signature, unknown webhook, missing keyword) — those are recorded with their fix.
 */
export class FeishuSender {
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly limits = new Map<string, RateLimit>();
  private busy: Promise<void> = Promise.resolve();
  /** The last card sent per route and storm (alert, workload, namespace, cluster): what later ones fold into. */
  private readonly leads = new Map<string, { incident: number; at: number }>();
  private readonly foldWithinMs: number;

  constructor(private readonly o: SenderOptions) {
    this.foldWithinMs = o.foldWithinMs ?? 30 * 60_000;
  }

  start(): void {
    this.o.deliveries.recover();
    // After a restart, a storm that was announced before it still folds into that card.
    const since = new Date(this.now().getTime() - this.foldWithinMs).toISOString();
    for (const l of this.o.deliveries.leads(since)) {
      const s = this.o.queries.summary(l.incident_id);
      if (s) this.leads.set(stormKey(l.route, s), { incident: l.incident_id, at: Date.parse(l.sent_at) });
    }
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.busy;
  }

  /** Looks for due cards now (after a report, a resolve, or a timer). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.busy = this.pump()
      .catch((err) => this.o.log?.(`feishu sender: ${(err as Error).stack ?? err}`))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.schedule();
      });
  }

  /** The incident whose card this storm's new incident folds into, if its card is recent and it fires. */
  private foldsInto(storm: string, incident: number): number | null {
    const lead = this.leads.get(storm);
    if (!lead || lead.incident === incident || this.now().getTime() - lead.at >= this.foldWithinMs)
      return null;
    return this.o.queries.summary(lead.incident)?.status === 'firing' ? lead.incident : null;
  }

  /** Remembers the card just sent as its storm's, forgetting storms older than the folding window. */
  private lead(storm: string, incident: number): void {
    const at = this.now().getTime();
    this.leads.delete(storm);
    this.leads.set(storm, { incident, at });
    for (const [key, l] of this.leads) {
      if (at - l.at < this.foldWithinMs) break;
      this.leads.delete(key);
    }
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /** Sleeps until the next card is due (at most 2 s, so cards enqueued by the intake are seen). */
  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const next = this.o.deliveries.nextDue();
    const wait = next ? Math.max(20, Math.min(2_000, Date.parse(next) - this.now().getTime())) : 2_000;
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    for (let round = 0; round < 50 && !this.stopped; round++) {
      const due = this.o.deliveries.due(this.now().toISOString(), 20);
      if (!due.length) return;
      for (const row of due) {
        if (this.stopped) return;
        await this.deliver(row);
      }
    }
  }

  private async deliver(row: DeliveryRow): Promise<void> {
    const route = this.o.routes.find((r) => r.name === row.route);
    if (!route) {
      this.o.deliveries.markFailed(
        row.id,
        `route "${row.route}" is no longer configured`,
        'add the route back, or ignore this card',
      );
      return;
    }
    // Decided before waiting for the rate limit: a storm's folded cards must not queue for it.
    const summary = this.o.queries.summary(row.incident_id);
    const storm = summary ? stormKey(row.route, summary) : null;
    const lead = row.kind === 'new' && storm ? this.foldsInto(storm, row.incident_id) : null;
    if (lead !== null && summary) {
      this.o.deliveries.markFolded(
        row.id,
        lead,
        `folded into the card of incident ${lead}: the same alert on ${workloadOf(summary.target)}, still firing (one card per storm)`,
      );
      this.o.onChange?.(row.incident_id);
      return;
    }
    // The card of a storm's first incident says "resolved" once the incidents folded into it have too.
    const folded = row.kind === 'resolved' ? this.o.deliveries.folded(row.incident_id, row.route) : undefined;
    if (folded?.firing) {
      const later = this.now().getTime() + (this.o.foldRecheckMs ?? 5 * 60_000);
      this.o.deliveries.postpone(row.id, new Date(later).toISOString());
      return;
    }
    // Per bot, not per route: two routes may post to the same bot, and Feishu counts them together.
    const limit = this.limits.get(route.url) ?? new RateLimit();
    this.limits.set(route.url, limit);
    for (let wait = limit.wait(Date.now()); wait > 0; wait = limit.wait(Date.now())) {
      await new Promise((r) => setTimeout(r, wait));
      if (this.stopped) return;
    }
    if (!this.o.deliveries.claim(row.id)) return;
    const detail = this.o.queries.detail(row.incident_id);
    if (!detail) {
      this.o.deliveries.markFailed(row.id, 'the incident no longer exists', 'nothing to do');
      return;
    }
    const announced =
      row.kind === 'updated' ? this.o.deliveries.announcedCategory(row.incident_id) : undefined;
    if (row.kind === 'updated' && announced === detail.report?.rootCause.category) {
      // The first card went out while the LLM finished and already carried this diagnosis.
      this.o.deliveries.markSkipped(row.id, 'the first card already carried this diagnosis');
      return;
    }
    // The card is built at the first attempt from the newest report, then kept for the retries.
    const body =
      row.body ??
      JSON.stringify(
        buildCard(row.kind, detail, {
          lang: this.o.lang,
          keyword: route.keyword,
          previousCategory: announced,
          folded,
        }),
      );
    const result: SendResult = await sendToFeishu(route, JSON.parse(body));
    limit.note(Date.now());
    const attempts = row.attempts + 1;
    if (result.ok) {
      if (row.kind === 'new' && storm) this.lead(storm, row.incident_id);
      this.o.deliveries.markSent(
        row.id,
        this.now().toISOString(),
        body,
        detail.report?.rootCause.category ?? null,
      );
    } else if (result.retry && attempts < this.o.maxAttempts) {
      const delay = Math.max(
        result.retryAfterMs ?? 0,
        backoff(attempts, this.o.retryBaseMs, this.o.maxDelayMs),
      );
      this.o.deliveries.markRetry(
        row.id,
        new Date(this.now().getTime() + delay).toISOString(),
        result.error,
        body,
      );
    } else if (result.retry) {
      this.o.deliveries.markFailed(
        row.id,
        `${result.error}; gave up after ${attempts} attempts`,
        'check that Feishu is reachable from this machine, then re-send from the incident',
      );
    } else {
      this.o.deliveries.markFailed(row.id, result.error, result.fix);
      this.o.log?.(`feishu route ${route.name}: ${result.error} — ${result.fix}`);
    }
    this.o.onChange?.(row.incident_id);
  }
}

/** One storm on one route: the same alert on the same workload, namespace and cluster. */
function stormKey(
  route: string,
  i: { alertname: string; namespace: string | null; cluster: string | null; target: string },
): string {
  return JSON.stringify([route, i.alertname, i.namespace, i.cluster, workloadOf(i.target)]);
}

export function backoff(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.7 + random() * 0.6));
}
