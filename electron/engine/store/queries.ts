import type { Context } from '../../../shared/context.ts';
import type { Feedback, FeedbackVerdict, IncidentDetail, IncidentSummary } from '../../../shared/incident.ts';
import type { Category, Report } from '../../../shared/report.ts';
import { type Db, write } from './db.ts';
import { type IncidentRow, toAlert, toSummary } from './rows.ts';

export interface ListFilter {
  state?: string;
  q?: string;
  severity?: string;
  namespace?: string;
  limit: number;
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

export function createQueries(db: Db, now: () => Date = () => new Date()) {
  const get = db.prepare<[number], IncidentRow>('SELECT * FROM incidents WHERE id = ?');

  return {
    list(f: ListFilter): IncidentSummary[] {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: f.limit };
      if (f.state) {
        where.push('state = @state');
        params.state = f.state;
      }
      if (f.severity) {
        where.push('severity = @severity');
        params.severity = f.severity;
      }
      if (f.namespace) {
        where.push('namespace = @namespace');
        params.namespace = f.namespace;
      }
      const match = f.q ? ftsQuery(f.q) : null;
      if (match) {
        where.push('id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH @match)');
        params.match = match;
      }
      const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY received_at DESC, id DESC LIMIT @limit`;
      return db.prepare<Record<string, unknown>, IncidentRow>(sql).all(params).map(toSummary);
    },

    summary(id: number): IncidentSummary | null {
      const row = get.get(id);
      return row ? toSummary(row) : null;
    },

    detail(id: number): IncidentDetail | null {
      const row = get.get(id);
      if (!row) return null;
      const ctx = db
        .prepare<[number], { body: string }>('SELECT body FROM contexts WHERE incident_id = ?')
        .get(id);
      const reports = db
        .prepare<[number], { body: string }>('SELECT body FROM reports WHERE incident_id = ? ORDER BY id')
        .all(id)
        .map((r) => JSON.parse(r.body) as Report);
      const t = db
        .prepare<[number], Record<string, number | null>>('SELECT * FROM timings WHERE incident_id = ?')
        .get(id);
      const feedback = db
        .prepare<
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
        context: ctx ? (JSON.parse(ctx.body) as Context) : null,
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
        deliveries: [],
        actions: [],
      };
    },

    ack(id: number, by: string | null): IncidentSummary | null {
      db.prepare(
        'UPDATE incidents SET acked_at = COALESCE(acked_at, ?), acked_by = COALESCE(acked_by, ?) WHERE id = ?',
      ).run(now().toISOString(), by, id);
      return this.summary(id);
    },

    addFeedback(
      id: number,
      f: { verdict: FeedbackVerdict; note?: string; category?: Category; by?: string },
    ) {
      const stmt = db.prepare(
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
