import { severityOfRank } from '../../../shared/alert.ts';
import type {
  Feedback,
  FeedbackVerdict,
  IncidentDetail,
  IncidentGroup,
  IncidentSummary,
} from '../../../shared/incident.ts';
import type { Category, Report } from '../../../shared/report.ts';
import { workloadOf } from '../../../shared/workload.ts';
import { createActionStore } from './actions.ts';
import { createAlertmanagerStore } from './alertmanager.ts';
import { decodeContext } from './context-body.ts';
import { type Db, statementCache, write } from './db.ts';
import { createDeliveries } from './deliveries.ts';
import { type IncidentRow, toAlert, toSummary } from './rows.ts';

export interface ListFilter {
  state?: string;
  q?: string;
  severity?: string;
  namespace?: string;
  cluster?: string;
  alertname?: string;
  /** The workload the incident's target belongs to (shared/workload.ts). */
  workload?: string;
  status?: 'firing' | 'resolved';
  acked?: boolean;
  /** Keyset paging: only incidents listed after this one (older, in list order). */
  before?: number;
  limit: number;
}

/** The list's filters, paging aside: what narrows its count, its groups and "acknowledge all". */
export type IncidentFilter = Omit<ListFilter, 'limit' | 'before'>;
export interface GroupsResult {
  groups: IncidentGroup[];
  /** Every group matching, beyond the limit too. */
  total: number;
}

interface GroupRow {
  alertname: string;
  namespace: string | null;
  cluster: string | null;
  workload: string;
  count: number;
  firing: number;
  unacknowledged: number;
  analyzing: number;
  priority: number;
  starts_at: string;
  received_at: string;
  category: Category | null;
  confidence: number | null;
  summary: string | null;
  total: number;
}

/**
 * Turns what a user types into a safe FTS5 query: every word becomes a quoted prefix term, so
 * `api-7d9 "OOM` searches instead of raising a syntax error.
 */
export function ftsQuery(text: string): string | null {
  const terms = text
    .split(/\s+/)
    .map((t) => t.replace(/"/g, '""').trim())
    .filter((t) => t.length > 0)
    .slice(0, 16);
  return terms.length ? terms.map((t) => `"${t}"*`).join(' ') : null;
}

/** WHERE terms shared by the list and its count. */
function listWhere(f: IncidentFilter): {
  where: string[];
  params: Record<string, unknown>;
} {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  for (const key of ['state', 'severity', 'namespace', 'cluster', 'alertname'] as const) {
    if (f[key]) {
      where.push(`${key} = @${key}`);
      params[key] = f[key];
    }
  }
  if (f.workload) {
    where.push('workload_of(target) = @workload');
    params.workload = f.workload;
  }
  if (f.status) where.push(f.status === 'resolved' ? 'resolved_at IS NOT NULL' : 'resolved_at IS NULL');
  if (f.acked !== undefined) where.push(f.acked ? 'acked_at IS NOT NULL' : 'acked_at IS NULL');
  const match = f.q ? ftsQuery(f.q) : null;
  if (match) {
    where.push('id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH @match)');
    params.match = match;
  }
  return { where, params };
}

export function createQueries(db: Db, now: () => Date = () => new Date()) {
  const deliveries = createDeliveries(db);
  const actions = createActionStore(db);
  const alertmanager = createAlertmanagerStore(db);
  // The API's and the pipeline's reads run per request and per incident: each SQL text is prepared once.
  const prepare = statementCache(db);
  const get = db.prepare<[number], IncidentRow>('SELECT * FROM incidents WHERE id = ?');
  db.function('workload_of', { deterministic: true }, (target: unknown) => workloadOf(String(target)));

  return {
    list(f: ListFilter): IncidentSummary[] {
      const { where, params } = listWhere(f);
      if (f.before !== undefined) {
        // Row-value comparison follows the list order (received_at DESC, id DESC) on its index.
        where.push('(received_at, id) < (SELECT received_at, id FROM incidents WHERE id = @before)');
        params.before = f.before;
      }
      const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY received_at DESC, id DESC LIMIT @limit`;
      return prepare<Record<string, unknown>, IncidentRow>(sql)
        .all({ ...params, limit: f.limit })
        .map(toSummary);
    },

    /** How many incidents match the filters (paging aside): the list's header count. */
    count(f: IncidentFilter): number {
      const { where, params } = listWhere(f);
      const sql = `SELECT COUNT(*) AS n FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
      return prepare<Record<string, unknown>, { n: number }>(sql).get(params)!.n;
    },

    /**
     * The incidents matching `f`, one row per alert, workload, namespace and cluster: firing groups
     * first, then the worst severity, then the newest. The diagnosis is the newest analysed one's.
     */
    groups(f: IncidentFilter, limit: number): GroupsResult {
      const { where, params } = listWhere(f);
      const rows = prepare<Record<string, unknown>, GroupRow>(
        `WITH g AS (
             SELECT alertname, namespace, cluster, workload_of(target) AS workload, COUNT(*) AS count,
               SUM(resolved_at IS NULL) AS firing,
               SUM(resolved_at IS NULL AND acked_at IS NULL) AS unacknowledged,
               SUM(resolved_at IS NULL AND state IN ('received', 'collecting', 'diagnosing')) AS analyzing,
               COALESCE(MIN(CASE WHEN resolved_at IS NULL THEN priority END), MIN(priority)) AS priority,
               COALESCE(MIN(CASE WHEN resolved_at IS NULL THEN starts_at END), MIN(starts_at)) AS starts_at,
               MAX(received_at) AS received_at, MAX(id) AS newest,
               MAX(CASE WHEN summary IS NOT NULL THEN id END) AS analysed
             FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
             GROUP BY alertname, namespace, cluster, workload
           )
           SELECT g.*, i.category, i.confidence, i.summary, COUNT(*) OVER () AS total
           FROM g LEFT JOIN incidents i ON i.id = g.analysed
           ORDER BY g.firing > 0 DESC, g.priority, g.received_at DESC, g.newest DESC LIMIT @limit`,
      ).all({ ...params, limit });
      return {
        total: rows[0]?.total ?? 0,
        groups: rows.map((r) => ({
          alertname: r.alertname,
          namespace: r.namespace,
          cluster: r.cluster,
          workload: r.workload,
          severity: severityOfRank(r.priority),
          count: r.count,
          firing: r.firing,
          unacknowledged: r.unacknowledged,
          analyzing: r.analyzing,
          startsAt: r.starts_at,
          receivedAt: r.received_at,
          category: r.category,
          confidence: r.confidence,
          summary: r.summary,
        })),
      };
    },

    /** The values the list can be filtered by. */
    facets(): { namespaces: string[]; clusters: string[] } {
      const distinct = (col: 'namespace' | 'cluster') =>
        prepare<[], { v: string }>(
          `SELECT DISTINCT ${col} AS v FROM incidents WHERE ${col} IS NOT NULL ORDER BY ${col} LIMIT 1000`,
        )
          .all()
          .map((r) => r.v);
      return { namespaces: distinct('namespace'), clusters: distinct('cluster') };
    },

    /** Still-firing incidents: all, unacknowledged, and those being analysed (the tray's state). */
    firingCounts(): { firing: number; unacknowledged: number; analyzing: number } {
      return prepare<[], { firing: number; unacknowledged: number; analyzing: number }>(
        `SELECT COUNT(*) AS firing,
                  COALESCE(SUM(acked_at IS NULL), 0) AS unacknowledged,
                  COALESCE(SUM(state IN ('received', 'collecting', 'diagnosing')), 0) AS analyzing
           FROM incidents WHERE resolved_at IS NULL AND state != 'cancelled'`,
      ).get()!;
    },

    summary(id: number): IncidentSummary | null {
      const row = get.get(id);
      return row ? toSummary(row) : null;
    },

    detail(id: number): IncidentDetail | null {
      const row = get.get(id);
      if (!row) return null;
      const ctx = prepare<[number], { body: string | Buffer }>(
        'SELECT body FROM contexts WHERE incident_id = ?',
      ).get(id);
      const reports = prepare<[number], { body: string }>(
        'SELECT body FROM reports WHERE incident_id = ? ORDER BY id',
      )
        .all(id)
        .map((r) => JSON.parse(r.body) as Report);
      const t = prepare<[number], Record<string, number | null>>(
        'SELECT * FROM timings WHERE incident_id = ?',
      ).get(id);
      const feedback = prepare<
        [number],
        {
          verdict: FeedbackVerdict;
          note: string | null;
          category: Category | null;
          by: string | null;
          created_at: string;
        }
      >('SELECT verdict, note, category, by, created_at FROM feedback WHERE incident_id = ? ORDER BY id')
        .all(id)
        .map(
          (f): Feedback => ({
            verdict: f.verdict,
            createdAt: f.created_at,
            ...(f.note ? { note: f.note } : {}),
            ...(f.category ? { category: f.category } : {}),
            ...(f.by ? { by: f.by } : {}),
          }),
        );
      return {
        ...toSummary(row),
        alert: toAlert(row),
        context: ctx ? decodeContext(ctx.body) : null,
        report: reports.at(-1) ?? null,
        reports,
        timings: {
          collectMs: t?.collect_ms ?? null,
          rulesMs: t?.rules_ms ?? null,
          llmMs: t?.llm_ms ?? null,
          diagnoseMs: t?.diagnose_ms ?? null,
          totalMs: t?.total_ms ?? null,
        },
        error: row.error,
        feedback,
        deliveries: deliveries.forIncident(id),
        actions: actions.forIncident(id),
        silence: silenceOf(alertmanager.latest(id)),
      };
    },

    /**
     * How similar incidents ended, for the prompt: the same alert on the same target or workload, most
     * recent first, with the engineer's verdict when there is one.
     */
    similar(id: number, limit = 3): string[] {
      const row = get.get(id);
      if (!row) return [];
      const rows = prepare<
        Record<string, unknown>,
        IncidentRow & { verdict: string | null; note: string | null; fb_category: string | null }
      >(
        `SELECT i.*, f.verdict, f.note, f.category AS fb_category FROM incidents i
           LEFT JOIN feedback f ON f.id = (SELECT MAX(id) FROM feedback WHERE incident_id = i.id)
           WHERE i.id != @id AND i.alertname = @alertname AND i.category IS NOT NULL
             AND (i.target = @target OR workload_of(i.target) = @workload)
             AND COALESCE(i.namespace, '') = COALESCE(@namespace, '')
           ORDER BY (f.verdict IS NOT NULL) DESC, i.received_at DESC LIMIT @limit`,
      ).all({
        id,
        alertname: row.alertname,
        target: row.target,
        workload: workloadOf(row.target),
        namespace: row.namespace,
        limit,
      });
      return rows.map((r) => {
        const verdict =
          r.verdict === 'right'
            ? 'confirmed by the engineer'
            : r.verdict === 'wrong'
              ? `marked wrong by the engineer${r.fb_category ? `, who said it was ${r.fb_category}` : ''}`
              : r.verdict === 'false_positive'
                ? 'marked a false positive by the engineer'
                : 'no feedback';
        return `${r.received_at.slice(0, 10)} ${r.target}: ${r.category} (${r.source}, ${r.confidence}%) — ${r.summary ?? ''} [${verdict}${r.note ? `; note: ${r.note}` : ''}]`;
      });
    },

    ack(id: number, by: string | null): IncidentSummary | null {
      const stmt = prepare(
        'UPDATE incidents SET acked_at = COALESCE(acked_at, ?), acked_by = COALESCE(acked_by, ?) WHERE id = ?',
      );
      // write(): the pipeline's connection may hold the write lock for a moment.
      write(() => stmt.run(now().toISOString(), by, id));
      return this.summary(id);
    },

    /** Acknowledges every firing, unacknowledged incident matching `f`; returns their ids. */
    ackMatching(
      f: Pick<ListFilter, 'q' | 'severity' | 'namespace' | 'cluster' | 'alertname' | 'workload'>,
      by: string | null,
    ): number[] {
      const { where, params } = listWhere({ ...f, status: 'firing', acked: false });
      const stmt = prepare<Record<string, unknown>, { id: number }>(
        `UPDATE incidents SET acked_at = @at, acked_by = @by WHERE ${where.join(' AND ')} RETURNING id`,
      );
      return write(() => stmt.all({ ...params, at: now().toISOString(), by })).map((r) => r.id);
    },

    unack(id: number): IncidentSummary | null {
      const stmt = prepare('UPDATE incidents SET acked_at = NULL, acked_by = NULL WHERE id = ?');
      write(() => stmt.run(id));
      return this.summary(id);
    },

    addFeedback(
      id: number,
      f: { verdict: FeedbackVerdict; note?: string; category?: Category; by?: string },
    ) {
      const stmt = prepare(
        'INSERT INTO feedback (incident_id, verdict, note, category, by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      write(() =>
        stmt.run(id, f.verdict, f.note ?? null, f.category ?? null, f.by ?? null, now().toISOString()),
      );
      return this.summary(id);
    },
  };
}

export type Queries = ReturnType<typeof createQueries>;

/** The silence as the API shows it (the store's row id stays inside). */
function silenceOf(s: ReturnType<ReturnType<typeof createAlertmanagerStore>['latest']>) {
  if (!s) return null;
  const { rowId: _rowId, ...info } = s;
  return info;
}
