import type { Context } from '../../../shared/context.ts';
import type { Report } from '../../../shared/report.ts';
import { decodeContext, encodeContext } from './context-body.ts';
import { type Db, immediate, statementCache, write } from './db.ts';
import { createDeliveries } from './deliveries.ts';
import type { IncidentRow } from './rows.ts';
import { createSearchIndex } from './search-index.ts';

/** Which Feishu routes get a card for the incident, and how long to wait for the LLM's report first. */
export interface Announce {
  routes: string[];
  holdMs: number;
}

/** How often an incident may be picked up again after the engine died while working on it. */
export const MAX_ATTEMPTS = 3;

/**
 * The durable queue is the incidents table itself: `state` says which stage an incident waits for, so a
 * restart resumes exactly where the last run stopped. Order: severity first, then oldest.
 */
export function createQueue(db: Db, now: () => Date = () => new Date()) {
  const ts = () => now().toISOString();
  // Ids only: in a storm these run on every pass, and the rows' labels and annotations are not needed.
  const nextReceived = db.prepare<[number], { id: number }>(
    `SELECT id FROM incidents WHERE state = 'received' ORDER BY priority, received_at, id LIMIT ?`,
  );
  const nextLlm = db.prepare<[number], { id: number }>(
    `SELECT id FROM incidents WHERE state = 'diagnosing' AND llm_pending = 1
     ORDER BY priority, received_at, id LIMIT ?`,
  );
  const setState = db.prepare(
    'UPDATE incidents SET state = @state, updated_at = @now WHERE id = @id AND state = @from',
  );
  const bumpAttempt = db.prepare(
    `UPDATE incidents SET state = 'collecting', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'received'`,
  );
  const get = db.prepare<[number], IncidentRow>('SELECT * FROM incidents WHERE id = ?');
  const saveContext = db.prepare(
    'INSERT OR REPLACE INTO contexts (incident_id, body, collected_at) VALUES (?, ?, ?)',
  );
  const loadContext = db.prepare<[number], { body: string | Buffer }>(
    'SELECT body FROM contexts WHERE incident_id = ?',
  );
  const insertReport = db.prepare(
    'INSERT INTO reports (incident_id, source, body, created_at) VALUES (?, ?, ?, ?)',
  );
  const setDiagnosis = db.prepare(`
    UPDATE incidents SET category = @category, confidence = @confidence, source = @source, summary = @summary,
      updated_at = @now WHERE id = @id`);
  const search = createSearchIndex(db);
  const deliveries = createDeliveries(db);
  const upsertTimings = db.prepare(`
    INSERT INTO timings (incident_id, collect_ms, rules_ms, llm_ms, diagnose_ms, total_ms)
    VALUES (@id, @collectMs, @rulesMs, @llmMs, @diagnoseMs, @totalMs)
    ON CONFLICT (incident_id) DO UPDATE SET
      collect_ms = COALESCE(excluded.collect_ms, collect_ms), rules_ms = COALESCE(excluded.rules_ms, rules_ms),
      llm_ms = COALESCE(excluded.llm_ms, llm_ms), diagnose_ms = COALESCE(excluded.diagnose_ms, diagnose_ms),
      total_ms = COALESCE(excluded.total_ms, total_ms)`);

  const saveReport = (id: number, report: Report) => {
    insertReport.run(id, report.source, JSON.stringify(report), report.createdAt);
    setDiagnosis.run({
      id,
      category: report.rootCause.category,
      confidence: report.rootCause.confidence,
      source: report.source,
      summary: oneLine(report.rootCause.explanation),
      now: ts(),
    });
    search.setDiagnosis(
      id,
      [
        report.rootCause.category,
        report.rootCause.explanation,
        report.impact,
        ...report.rootCause.evidence,
      ].join(' '),
    );
  };

  // Statements of methods called per incident or per status poll: prepared on first use, once.
  const prepare = statementCache(db);
  const setRulesState = db.prepare(
    `UPDATE incidents SET state = @state, llm_pending = @pending, updated_at = @now WHERE id = @id`,
  );
  /** Stores the context and the rules report together, so a restart never sees one without the other. */
  const finishRulesTx = immediate(
    db,
    (
      id: number,
      contextBody: Buffer,
      collectedAt: string,
      report: Report,
      llmWanted: boolean,
      t: { collectMs: number; rulesMs: number },
      announce: Announce | undefined,
    ) => {
      saveContext.run(id, contextBody, collectedAt);
      saveReport(id, report);
      const row = get.get(id)!;
      const wantLlm = llmWanted && !row.resolved_at;
      setRulesState.run({ id, state: wantLlm ? 'diagnosing' : 'ready', pending: wantLlm ? 1 : 0, now: ts() });
      upsertTimings.run({
        id,
        collectMs: t.collectMs,
        rulesMs: t.rulesMs,
        llmMs: null,
        diagnoseMs: wantLlm ? null : t.rulesMs,
        totalMs: wantLlm ? null : Date.parse(ts()) - Date.parse(row.received_at),
      });
      if (announce?.routes.length && !row.resolved_at) {
        // Held while the LLM works, so the group usually gets one card with the better report.
        const notBefore = new Date(now().getTime() + (wantLlm ? announce.holdMs : 0)).toISOString();
        deliveries.enqueueNew(id, announce.routes, notBefore, ts());
      }
      return wantLlm;
    },
  );

  return {
    get: (id: number) => get.get(id),

    /** Indexes newly arrived incidents for full-text search. */
    indexNew: () => search.catchUp(),

    /** Incidents waiting for collection, best first, skipping those already being worked on. */
    pendingCollection(exclude: ReadonlySet<number>, limit: number): { id: number }[] {
      return nextReceived
        .all(limit + exclude.size)
        .filter((r) => !exclude.has(r.id))
        .slice(0, limit);
    },

    pendingLlm(exclude: ReadonlySet<number>, limit: number): { id: number }[] {
      return nextLlm
        .all(limit + exclude.size)
        .filter((r) => !exclude.has(r.id))
        .slice(0, limit);
    },

    /** Claims an incident for collection; false if another worker or a resolve got there first. */
    startCollecting(id: number): boolean {
      return write(() => bumpAttempt.run(ts(), id)).changes === 1;
    },

    /** Stores the context and the rules report together, so a restart never sees one without the other. */
    finishRules(
      id: number,
      context: Context,
      report: Report,
      llmWanted: boolean,
      t: { collectMs: number; rulesMs: number },
      announce?: Announce,
    ): boolean {
      // Serialise and compress before taking the write lock: the intake on the other connection waits for it.
      return finishRulesTx(id, encodeContext(context), context.collectedAt, report, llmWanted, t, announce);
    },

    /** The LLM's turn is over: its report (if any) replaces the rules report as the current one. */
    finishLlm: immediate(db, (id: number, report: Report, llmMs: number) => {
      saveReport(id, report);
      if (report.source === 'llm') deliveries.onLlmReport(id, report.rootCause.category, ts());
      // Answered or given up: a card held for the LLM goes out now with the best report there is.
      deliveries.releaseHeld(id, ts());
      const row = get.get(id)!;
      prepare(
        `UPDATE incidents SET state = 'ready', llm_pending = 0, updated_at = ? WHERE id = ? AND state = 'diagnosing'`,
      ).run(ts(), id);
      const rules = prepare<[number], { rules_ms: number | null }>(
        'SELECT rules_ms FROM timings WHERE incident_id = ?',
      ).get(id);
      upsertTimings.run({
        id,
        collectMs: null,
        rulesMs: null,
        llmMs,
        diagnoseMs: (rules?.rules_ms ?? 0) + llmMs,
        totalMs: Date.parse(ts()) - Date.parse(row.received_at),
      });
    }),

    fail(id: number, error: string): void {
      const stmt = prepare(
        `UPDATE incidents SET state = 'failed', llm_pending = 0, error = ?, updated_at = ? WHERE id = ? AND state NOT IN ('ready', 'cancelled')`,
      );
      write(() => stmt.run(error, ts(), id));
    },

    loadContext(id: number): Context | null {
      const row = loadContext.get(id);
      return row ? decodeContext(row.body) : null;
    },

    /** Puts an incident back at the start of the pipeline (engineer asked for a fresh analysis). */
    requeue(id: number): boolean {
      const stmt = prepare(
        `UPDATE incidents SET state = 'received', llm_pending = 0, attempts = 0, error = NULL, updated_at = ?
         WHERE id = ? AND state IN ('ready', 'failed', 'cancelled')`,
      );
      return write(() => stmt.run(ts(), id)).changes === 1;
    },

    /**
     * After a crash: work that was in flight starts over at its stage; an incident that has crashed the
     * engine MAX_ATTEMPTS times is failed rather than retried forever.
     */
    recover(): { resumed: number; failed: number } {
      return immediate(db, () => {
        const failed = db
          .prepare(
            `UPDATE incidents SET state = 'failed', llm_pending = 0, updated_at = @now,
               error = 'analysis was interrupted ' || attempts || ' times (the engine stopped while collecting); re-analyze to try again'
             WHERE state = 'collecting' AND attempts >= @max`,
          )
          .run({ now: ts(), max: MAX_ATTEMPTS }).changes;
        const resumed = db
          .prepare(`UPDATE incidents SET state = 'received', updated_at = ? WHERE state = 'collecting'`)
          .run(ts()).changes;
        db.prepare(
          `UPDATE incidents SET state = 'ready' WHERE state = 'diagnosing' AND llm_pending = 0`,
        ).run();
        const waiting = (
          db
            .prepare(
              `SELECT COUNT(*) AS n FROM incidents WHERE state = 'received' OR (state = 'diagnosing' AND llm_pending = 1)`,
            )
            .get() as { n: number }
        ).n;
        return { resumed: Math.max(resumed, waiting), failed };
      })();
    },

    /** Returns interrupted collections to the queue without counting the attempt. */
    release(ids: number[]): void {
      const stmt = prepare(
        `UPDATE incidents SET state = 'received', attempts = MAX(attempts - 1, 0), updated_at = ? WHERE id = ? AND state = 'collecting'`,
      );
      for (const id of ids) write(() => stmt.run(ts(), id));
    },

    counts(): { waiting: number; collecting: number; diagnosing: number } {
      const rows = prepare<[], { state: string; n: number }>(
        `SELECT state, COUNT(*) AS n FROM incidents WHERE state IN ('received','collecting','diagnosing') GROUP BY state`,
      ).all();
      const by = Object.fromEntries(rows.map((r) => [r.state, r.n]));
      return { waiting: by.received ?? 0, collecting: by.collecting ?? 0, diagnosing: by.diagnosing ?? 0 };
    },

    setStateIf: (id: number, from: string, state: string) =>
      write(() => setState.run({ id, from, state, now: ts() })).changes === 1,
  };
}

export type Queue = ReturnType<typeof createQueue>;

function oneLine(s: string): string {
  const first = s.split(/(?<=[.!?。])\s|\n/)[0] ?? s;
  return first.length > 200 ? `${first.slice(0, 197)}…` : first;
}
