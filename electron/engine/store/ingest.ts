import type { Alert } from '../../../shared/alert.ts';
import { normalizeSeverity, severityRank } from '../../../shared/alert.ts';
import { describeTarget, targetFromLabels } from '../collect/target.ts';
import { type Db, durable, write } from './db.ts';
import { createDeliveries } from './deliveries.ts';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Incidents created by this batch (to be analysed). */
  created: number[];
  /** Incidents whose alert resolved in this batch (analysis to be cancelled). */
  resolved: number[];
}

/** An incident's identity: Alertmanager's fingerprint and the (canonical) start time. */
export interface AlertKey {
  fingerprint: string;
  startsAt: string;
}

export interface IngestOptions {
  source: string;
  clusterLabel: string;
  now?: () => Date;
}

/**
 * Commits a batch of alerts in one transaction. An alert seen before (same fingerprint, start and
 * status) is a duplicate delivery: counted, not processed again. Alertmanager re-sends on every
 * timeout and repeat interval, so this is the normal case, not an error.
 */
export function createIngest(db: Db, opts: IngestOptions) {
  const now = opts.now ?? (() => new Date());
  const insertAlert = db.prepare(
    'INSERT OR IGNORE INTO alerts (incident_id, status, ends_at, source, received_at) VALUES (?, ?, ?, ?, ?)',
  );
  const findIncident = db.prepare<
    [string, string],
    { id: number; state: string; resolved_at: string | null }
  >('SELECT id, state, resolved_at FROM incidents WHERE fingerprint = ? AND starts_at = ?');
  const insertIncident = db.prepare(`
    INSERT INTO incidents (fingerprint, starts_at, alertname, severity, priority, namespace, cluster, target,
      labels, annotations, generator_url, external_url, receiver, group_key, state, received_at, updated_at,
      resolved_at, ends_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const resolveIncident = db.prepare(`
    UPDATE incidents SET resolved_at = @resolvedAt, ends_at = @endsAt, updated_at = @now,
      state = CASE WHEN state = 'received' THEN 'cancelled' ELSE state END,
      llm_pending = CASE WHEN state = 'diagnosing' THEN 0 ELSE llm_pending END,
      error = CASE WHEN state IN ('received', 'diagnosing')
        THEN 'the alert resolved before the analysis finished' ELSE error END
    WHERE id = @id AND resolved_at IS NULL`);
  const deliveries = createDeliveries(db);
  const finishDiagnosing = db.prepare(
    `UPDATE incidents SET state = 'ready' WHERE id = ? AND state = 'diagnosing' AND llm_pending = 0`,
  );
  // Pull mode: which source lists which incident, kept with the alerts so a restart knows what each
  // Alertmanager had reported (an alert that vanished while the app was closed still resolves).
  const pulled = opts.source.startsWith('pull:');
  const listed = db.prepare(
    'INSERT OR REPLACE INTO source_alerts (source, incident_id, seen_at) VALUES (?, ?, ?)',
  );
  const unlisted = db.prepare('DELETE FROM source_alerts WHERE source = ? AND incident_id = ?');

  /** Stores one alert inside the caller's transaction, counting it into `result`. */
  const storeAlert = (alert: Alert, receivedAt: string, result: IngestResult): void => {
    const existing = findIncident.get(alert.fingerprint, alert.startsAt);
    const resolvedAt = alert.status === 'resolved' ? (alert.endsAt ?? receivedAt) : null;
    let incidentId = existing?.id;
    if (incidentId === undefined) {
      const target = targetFromLabels(alert.labels, opts.clusterLabel);
      const severity = normalizeSeverity(alert.labels.severity);
      // Not indexed for search here: the pipeline thread does that (store/search-index.ts).
      // Positional parameters: binding named ones from a large object costs more than the insert itself.
      incidentId = Number(
        insertIncident.run(
          alert.fingerprint,
          alert.startsAt,
          alert.labels.alertname ?? 'unknown',
          severity,
          severityRank(severity),
          alert.labels.namespace ?? null,
          target.cluster ?? null,
          describeTarget(target),
          JSON.stringify(alert.labels),
          JSON.stringify(alert.annotations),
          alert.generatorURL,
          alert.externalURL,
          alert.receiver,
          alert.groupKey,
          // An alert first seen already resolved is history, not work.
          resolvedAt ? 'cancelled' : 'received',
          receivedAt,
          receivedAt,
          resolvedAt,
          alert.endsAt,
        ).lastInsertRowid,
      );
      if (!resolvedAt) result.created.push(incidentId);
    }
    if (pulled) {
      if (resolvedAt) unlisted.run(opts.source, incidentId);
      else listed.run(opts.source, incidentId, receivedAt);
    }
    const inserted = insertAlert.run(incidentId, alert.status, alert.endsAt, opts.source, receivedAt);
    if (inserted.changes === 0) {
      result.duplicates++;
      return;
    }
    result.accepted++;
    if (existing && resolvedAt && !existing.resolved_at) {
      resolveIncident.run({ id: incidentId, resolvedAt, endsAt: alert.endsAt, now: receivedAt });
      finishDiagnosing.run(incidentId);
      deliveries.onResolved(incidentId, receivedAt);
      result.resolved.push(incidentId);
    }
  };

  const empty = (): IngestResult => ({ accepted: 0, duplicates: 0, created: [], resolved: [] });
  /** Payloads in one transaction, each with its own counts (an alert in two of them is stored once). */
  const tx = db.transaction((batches: Alert[][], released: AlertKey[]): IngestResult[] => {
    const receivedAt = now().toISOString();
    for (const key of released) {
      const existing = findIncident.get(key.fingerprint, key.startsAt);
      if (existing) unlisted.run(opts.source, existing.id);
    }
    return batches.map((alerts) => {
      const result = empty();
      for (const alert of alerts) storeAlert(alert, receivedAt, result);
      return result;
    });
  });
  // IMMEDIATE: the pipeline thread writes through its own connection; taking the write lock up front
  // avoids the snapshot upgrade that SQLite refuses (SQLITE_BUSY) instead of waiting for.
  const commit = (batches: Alert[][], released: AlertKey[] = []): IngestResult[] =>
    durable(db, () => write(() => tx.immediate(batches, released)));
  // Pulled alerts keep per-source bookkeeping on every delivery, so only pushed ones take the shortcut.
  if (pulled) {
    return Object.assign((alerts: Alert[], released: AlertKey[] = []) => commit([alerts], released)[0]!, {
      many: (batches: Alert[][]) => commit(batches),
    });
  }

  // Alertmanager re-sends a whole group whenever it changes: most alerts of a notification were stored
  // by an earlier one. Their deliveries are remembered once committed, so they are counted without
  // reading the database, and a notification with nothing new takes no write lock and no fsync.
  const stored = new RecentKeys(RECENT_DELIVERIES);
  // Joined, not a template literal: that makes a chain of four concatenated strings holding on to the
  // alert's own, 235 bytes a key against 110 for one flat string (4.7 against 2.2 MB when full).
  const deliveryKey = (a: Alert) => [a.fingerprint, a.startsAt, a.status].join('\u0000');
  /**
   * Payloads that arrived together, committed in one transaction with one fsync (group commit): when
   * Alertmanager flushes a hundred groups at once, each would otherwise pay for its own.
   */
  const many = (batches: Alert[][], released: AlertKey[] = []): IngestResult[] => {
    const fresh = batches.map((alerts) => alerts.filter((a) => !stored.has(deliveryKey(a))));
    const results =
      fresh.some((f) => f.length) || released.length ? commit(fresh, released) : fresh.map(empty);
    for (const f of fresh) for (const a of f) stored.add(deliveryKey(a));
    return results.map((r, i) => ({
      ...r,
      duplicates: r.duplicates + batches[i]!.length - fresh[i]!.length,
    }));
  };
  return Object.assign((alerts: Alert[], released: AlertKey[] = []) => many([alerts], released)[0]!, {
    many,
  });
}

/** Deliveries remembered: a storm's worth (10,000 alerts, firing and resolved), about 2 MB. */
const RECENT_DELIVERIES = 20_000;

/**
 * A bounded set that forgets its oldest entries first. The order is kept in a ring: taking the oldest
 * from the Set's own iterator would step over every entry deleted before it (V8 keeps them until the
 * table is rebuilt), some 9 µs per add once full.
 */
export class RecentKeys {
  private readonly keys = new Set<string>();
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly max: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    if (this.ring.length < this.max) {
      this.ring.push(key);
      return;
    }
    this.keys.delete(this.ring[this.next]!);
    this.ring[this.next] = key;
    this.next = (this.next + 1) % this.max;
  }
}
