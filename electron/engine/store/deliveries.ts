import type { Delivery, DeliveryKind } from '../../../shared/delivery.ts';
import { type Db, immediate, statementCache, write } from './db.ts';

export interface DeliveryRow {
  id: number;
  incident_id: number;
  route: string;
  kind: DeliveryKind;
  status: Delivery['status'];
  category: string | null;
  body: string | null;
  attempts: number;
  next_at: string | null;
  last_error: string | null;
  fix: string | null;
  created_at: string;
  sent_at: string | null;
  /** A 'new' card not sent: the incident whose card announced the same alert on the same workload. */
  folded_into: number | null;
}

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    route: r.route,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    nextAt: r.status === 'pending' ? r.next_at : null,
    sentAt: r.sent_at,
    lastError: r.last_error,
    fix: r.fix,
  };
}

/**
 * The Feishu outbox. A row is written in the same transaction as the report it announces, so a card
 * is never forgotten; UNIQUE (incident, route, kind) makes it one card per kind, across restarts and
 * retries. A send interrupted by a crash is sent again (at-least-once: at most one duplicate).
 */
export function createDeliveries(db: Db) {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO deliveries (incident_id, route, kind, status, next_at, created_at) VALUES (?, ?, ?, 'pending', ?, ?)`,
  );
  const due = db.prepare<[string, number], DeliveryRow>(
    `SELECT * FROM deliveries WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?`,
  );
  const nextDue = db.prepare<[], { next_at: string }>(
    `SELECT MIN(next_at) AS next_at FROM deliveries WHERE status = 'pending'`,
  );
  const claim = db.prepare(
    `UPDATE deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'`,
  );
  const sent = db.prepare(
    `UPDATE deliveries SET status = 'sent', sent_at = ?, body = ?, category = ?, last_error = NULL, fix = NULL WHERE id = ?`,
  );
  const retry = db.prepare(
    `UPDATE deliveries SET status = 'pending', next_at = ?, last_error = ?, body = COALESCE(body, ?) WHERE id = ?`,
  );
  const failed = db.prepare(
    `UPDATE deliveries SET status = 'failed', last_error = ?, fix = ?, next_at = NULL WHERE id = ?`,
  );
  const forIncident = db.prepare<[number], DeliveryRow>(
    'SELECT * FROM deliveries WHERE incident_id = ? ORDER BY id',
  );
  // For the statements below run per incident (a resolved alert, a report, a folded card): prepared once.
  const prepare = statementCache(db);

  return {
    /** Inside the report's transaction: one 'new' card per route, not before `notBefore`. */
    enqueueNew(incidentId: number, routes: string[], notBefore: string, now: string): void {
      for (const r of routes) insert.run(incidentId, r, 'new', notBefore, now);
    },

    /**
     * The alert resolved: a 'resolved' card follows every 'new' card that went out; a 'new' card that
     * was still waiting is not sent at all (announcing a problem that is already over helps nobody).
     */
    onResolved(incidentId: number, now: string): void {
      // A storm's replica resolving: the card it was folded into may now say the storm is over.
      prepare(
        `UPDATE deliveries SET next_at = ?
         WHERE kind = 'resolved' AND status = 'pending'
           AND incident_id IN (SELECT folded_into FROM deliveries WHERE incident_id = ? AND folded_into IS NOT NULL)`,
      ).run(now, incidentId);
      prepare(
        `UPDATE deliveries SET status = 'skipped', last_error = 'the alert resolved before the card was sent', next_at = NULL
         WHERE incident_id = ? AND kind = 'new' AND status IN ('pending', 'failed')`,
      ).run(incidentId);
      prepare(
        `INSERT OR IGNORE INTO deliveries (incident_id, route, kind, status, next_at, created_at)
         SELECT incident_id, route, 'resolved', 'pending', ?, ? FROM deliveries
         WHERE incident_id = ? AND kind = 'new' AND status IN ('sent', 'sending')`,
      ).run(now, now, incidentId);
    },

    /** The LLM's turn is over: 'new' cards still held for it (never tried yet) are due now. */
    releaseHeld(incidentId: number, now: string): void {
      prepare(
        `UPDATE deliveries SET next_at = ?
         WHERE incident_id = ? AND kind = 'new' AND status = 'pending' AND attempts = 0 AND next_at > ?`,
      ).run(now, incidentId, now);
    },

    /** The LLM's report arrived after the card went out: an 'updated' card only if the category changed. */
    onLlmReport(incidentId: number, category: string, now: string): void {
      prepare(
        `INSERT OR IGNORE INTO deliveries (incident_id, route, kind, status, next_at, created_at)
         SELECT incident_id, route, 'updated', 'pending', ?, ? FROM deliveries
         WHERE incident_id = ? AND kind = 'new'
           AND ((status = 'sent' AND category IS NOT NULL AND category != ?) OR status = 'sending')`,
      ).run(now, now, incidentId, category);
    },

    due: (now: string, limit = 20) => due.all(now, limit),
    nextDue: () => nextDue.get()?.next_at ?? null,
    claim: (id: number) => write(() => claim.run(id)).changes === 1,
    markSent: (id: number, at: string, body: string, category: string | null) =>
      write(() => sent.run(at, body, category, id)),
    markRetry: (id: number, nextAt: string, error: string, body: string | null) =>
      write(() => retry.run(nextAt, error, body, id)),
    markFailed: (id: number, error: string, fix: string) => write(() => failed.run(error, fix, id)),
    /** Not sent: an earlier card (incident `lead`'s) announced the same alert on the same workload. */
    markFolded: (id: number, lead: number, why: string) =>
      write(() =>
        prepare(
          `UPDATE deliveries SET status = 'skipped', folded_into = ?, last_error = ?, next_at = NULL
             WHERE id = ? AND status = 'pending'`,
        ).run(lead, why, id),
      ),
    /** A card not due yet after all (it waits for something), without counting an attempt. */
    postpone: (id: number, nextAt: string) =>
      write(() => prepare(`UPDATE deliveries SET next_at = ? WHERE id = ?`).run(nextAt, id)),
    /**
     * The incidents whose cards to `route` were folded into `lead`'s: how many, how many still fire, and
     * when the last of them resolved.
     */
    folded(lead: number, route: string): { count: number; firing: number; lastResolvedAt: string | null } {
      return prepare<[number, string], { count: number; firing: number; lastResolvedAt: string | null }>(
        `SELECT COUNT(*) AS count, COALESCE(SUM(i.resolved_at IS NULL), 0) AS firing,
                  MAX(i.resolved_at) AS lastResolvedAt
           FROM deliveries d JOIN incidents i ON i.id = d.incident_id
           WHERE d.folded_into = ? AND d.route = ? AND d.kind = 'new'`,
      ).get(lead, route)!;
    },
    /**
     * 'new' cards sent since `since` whose incidents still fire and were not folded: where a storm's
     * later cards may fold into (the sender keeps them in memory; this restores them after a restart).
     */
    leads: (since: string) =>
      prepare<[string], { incident_id: number; route: string; sent_at: string }>(
        `SELECT d.incident_id, d.route, d.sent_at FROM deliveries d JOIN incidents i ON i.id = d.incident_id
           WHERE d.kind = 'new' AND d.status = 'sent' AND d.sent_at >= ? AND i.resolved_at IS NULL
           ORDER BY d.id`,
      ).all(since),
    markSkipped: (id: number, why: string) =>
      write(() =>
        prepare(`UPDATE deliveries SET status = 'skipped', last_error = ?, next_at = NULL WHERE id = ?`).run(
          why,
          id,
        ),
      ),

    /** After a crash, cards that were being sent are sent again (the duplicate risk is documented). */
    recover: immediate(
      db,
      () => prepare(`UPDATE deliveries SET status = 'pending' WHERE status = 'sending'`).run().changes,
    ),

    forIncident: (id: number) => forIncident.all(id).map(toDelivery),

    /** The category the 'new' card announced (for "was …" on an 'updated' card). */
    announcedCategory: (id: number) =>
      prepare<[number], { category: string | null }>(
        `SELECT category FROM deliveries WHERE incident_id = ? AND kind = 'new' AND status = 'sent' ORDER BY id LIMIT 1`,
      ).get(id)?.category ?? undefined,

    /** Permanent failures per route, newest first: what Settings and doctor show with the fix. */
    failures(limit = 20): Array<{ route: string; error: string; fix: string | null; at: string }> {
      return prepare<[number], { route: string; last_error: string; fix: string | null; created_at: string }>(
        `SELECT route, last_error, fix, created_at FROM deliveries WHERE status = 'failed' ORDER BY id DESC LIMIT ?`,
      )
        .all(limit)
        .map((r) => ({ route: r.route, error: r.last_error, fix: r.fix, at: r.created_at }));
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;
