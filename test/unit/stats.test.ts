import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStats, durations, quantile, statsRange } from '../../electron/engine/stats.ts';
import { type Db, openDatabase } from '../../electron/engine/store/db.ts';
import type { Category } from '../../shared/report.ts';
import { Stats } from '../../shared/stats.ts';
import { tempDir, testEngine } from '../helpers/engine.ts';
import { getJson, serveEngine } from '../helpers/http.ts';

/**
 * The scoreboard on a seeded history with known answers. Fixture builders write the rows the engine
 * would have written; the clock is frozen (every time is given).
 */

const MIN = 60_000;
const at = (iso: string, plusMs = 0) => new Date(Date.parse(iso) + plusMs).toISOString();

interface Seed {
  receivedAt: string;
  /** Minutes before receivedAt that the alert started. */
  startedMinBefore?: number;
  severity: 'critical' | 'warning' | 'info';
  ackAfterMin?: number;
  rulesAfterMs?: number;
  llmAfterMs?: number;
  category?: Category;
  source?: 'rules' | 'llm';
  feedback?: Array<{ verdict: 'right' | 'wrong' | 'false_positive'; afterMin: number }>;
}

let n = 0;
function seed(db: Db, s: Seed): number {
  n++;
  const startsAt = at(s.receivedAt, -(s.startedMinBefore ?? 0) * MIN);
  const id = Number(
    db
      .prepare(
        `INSERT INTO incidents (fingerprint, starts_at, alertname, severity, priority, target, labels, annotations,
          generator_url, external_url, receiver, group_key, state, category, source, received_at, updated_at, acked_at)
         VALUES (?, ?, 'X', ?, 0, ?, '{}', '{}', '', '', '', '', 'ready', ?, ?, ?, ?, ?)`,
      )
      .run(
        `fp${n}`,
        startsAt,
        s.severity,
        `pod/p${n}`,
        s.category ?? null,
        s.source ?? null,
        s.receivedAt,
        s.receivedAt,
        s.ackAfterMin !== undefined ? at(startsAt, s.ackAfterMin * MIN) : null,
      ).lastInsertRowid,
  );
  const report = db.prepare(
    'INSERT INTO reports (incident_id, source, body, created_at) VALUES (?, ?, ?, ?)',
  );
  if (s.rulesAfterMs !== undefined) report.run(id, 'rules', '{}', at(s.receivedAt, s.rulesAfterMs));
  if (s.llmAfterMs !== undefined) report.run(id, 'llm', '{}', at(s.receivedAt, s.llmAfterMs));
  for (const f of s.feedback ?? [])
    db.prepare('INSERT INTO feedback (incident_id, verdict, created_at) VALUES (?, ?, ?)').run(
      id,
      f.verdict,
      at(s.receivedAt, f.afterMin * MIN),
    );
  return id;
}

/** Five incidents in the week of 2026-11-01, two the week before, one just after. */
function history(db: Db) {
  seed(db, {
    receivedAt: '2026-11-01T10:00:00.000Z',
    startedMinBefore: 2,
    severity: 'critical',
    ackAfterMin: 5,
    rulesAfterMs: 2_000,
    llmAfterMs: 30_000,
    category: 'OOMKilled',
    source: 'llm',
    feedback: [{ verdict: 'right', afterMin: 10 }],
  });
  seed(db, {
    receivedAt: '2026-11-02T12:00:00.000Z',
    startedMinBefore: 1,
    severity: 'warning',
    ackAfterMin: 10,
    rulesAfterMs: 4_000,
    llmAfterMs: 50_000,
    category: 'CrashLoop',
    source: 'llm',
    feedback: [{ verdict: 'wrong', afterMin: 30 }],
  });
  seed(db, {
    receivedAt: '2026-11-02T23:30:00.000Z',
    severity: 'warning',
    ackAfterMin: 1,
    rulesAfterMs: 1_000,
    category: 'ImagePull',
    source: 'rules',
    feedback: [{ verdict: 'right', afterMin: 5 }],
  });
  seed(db, {
    receivedAt: '2026-11-05T08:00:00.000Z',
    severity: 'info',
    rulesAfterMs: 3_000,
    category: 'NoIssueFound',
    source: 'rules',
    feedback: [{ verdict: 'false_positive', afterMin: 20 }],
  });
  seed(db, {
    receivedAt: '2026-11-07T23:59:59.000Z',
    severity: 'critical',
    ackAfterMin: 3,
    rulesAfterMs: 2_000,
    llmAfterMs: 40_000,
    category: 'OOMKilled',
    source: 'llm',
    // Changed their mind: the last word counts.
    feedback: [
      { verdict: 'wrong', afterMin: 5 },
      { verdict: 'right', afterMin: 9 },
    ],
  });
  seed(db, {
    receivedAt: '2026-10-28T10:00:00.000Z',
    startedMinBefore: 10,
    severity: 'critical',
    ackAfterMin: 20,
    rulesAfterMs: 5_000,
  });
  seed(db, { receivedAt: '2026-10-30T10:00:00.000Z', severity: 'warning' });
  // `to` is exclusive.
  seed(db, { receivedAt: '2026-11-08T00:00:00.000Z', severity: 'critical', ackAfterMin: 99 });
}

/** A database as it was before the remediation audit existed (whatever migrations this build has). */
function withoutActions(file: string): Db {
  const d = openDatabase(file);
  d.pragma('foreign_keys = OFF');
  for (const { name } of d
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND (name = 'actions' OR sql LIKE '%REFERENCES actions%')",
    )
    .all())
    d.exec(`DROP TABLE "${name}"`);
  d.pragma('foreign_keys = ON');
  return d;
}

const db = withoutActions(path.join(tempDir(), 'stats.db'));
history(db);
afterAll(() => db.close());
const stats = createStats(db);
const week = statsRange({ from: '2026-11-01', to: '2026-11-07', tz: 0 }, new Date('2026-11-20T00:00:00Z'));

describe('quantiles', () => {
  it('interpolate linearly between ranks', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
    expect(durations([10_000, 1_000, 5_000, 3_000])).toEqual({ count: 4, medianMs: 4_000, p90Ms: 8_500 });
  });
});

describe('the period', () => {
  it('reads dates in the caller’s zone, `to` inclusive; refuses an empty or huge period', () => {
    expect(week.from.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(week.to.toISOString()).toBe('2026-11-08T00:00:00.000Z');
    const east = statsRange({ from: '2026-11-01', to: '2026-11-01', tz: 480 }, new Date());
    expect([east.from.toISOString(), east.to.toISOString()]).toEqual([
      '2026-10-31T16:00:00.000Z',
      '2026-11-01T16:00:00.000Z',
    ]);
    const now = new Date('2026-11-20T12:00:00.000Z');
    const def = statsRange({ tz: 0 }, now);
    expect(def.to).toEqual(now);
    expect(now.getTime() - def.from.getTime()).toBe(30 * 86_400_000);
    expect(() => statsRange({ from: '2026-11-02', to: '2026-11-01', tz: 0 }, now)).toThrow(/before/);
    expect(() => statsRange({ from: '2020-01-01', to: '2026-11-01', tz: 0 }, now)).toThrow(/400 days/);
  });
});

describe('the scoreboard on a seeded history', () => {
  const s = stats.compute(week);

  it('counts alerts by severity and by day', () => {
    expect(Stats.parse(s)).toEqual(s);
    expect(s.current).toMatchObject({
      incidents: 5,
      bySeverity: { critical: 2, warning: 2, info: 1, none: 0 },
      acknowledged: 4,
    });
    expect(s.byDay).toEqual([
      { day: '2026-11-01', critical: 1, warning: 0, info: 0, none: 0 },
      { day: '2026-11-02', critical: 0, warning: 2, info: 0, none: 0 },
      { day: '2026-11-03', critical: 0, warning: 0, info: 0, none: 0 },
      { day: '2026-11-04', critical: 0, warning: 0, info: 0, none: 0 },
      { day: '2026-11-05', critical: 0, warning: 0, info: 1, none: 0 },
      { day: '2026-11-06', critical: 0, warning: 0, info: 0, none: 0 },
      { day: '2026-11-07', critical: 1, warning: 0, info: 0, none: 0 },
    ]);
  });

  it('MTTA from the alert’s start, and the time to each kind of diagnosis', () => {
    // Acks 5, 10, 1 and 3 minutes after the alert started.
    expect(s.current.mtta).toEqual({ count: 4, medianMs: 4 * MIN, p90Ms: 8.5 * MIN });
    // Rules reports after 2, 4, 1, 3, 2 s; LLM reports after 30, 50, 40 s.
    expect(s.current.toRulesReport).toEqual({ count: 5, medianMs: 2_000, p90Ms: 3_600 });
    expect(s.current.toLlmReport).toEqual({ count: 3, medianMs: 40_000, p90Ms: 48_000 });
  });

  it('false positives: their share and how fast they were closed', () => {
    expect(s.current.falsePositives).toEqual({
      count: 1,
      share: 0.2,
      toClose: { count: 1, medianMs: 20 * MIN, p90Ms: 20 * MIN },
    });
  });

  it('accuracy from feedback, overall, by category and by source', () => {
    expect(s.current.accuracy).toEqual({ right: 3, wrong: 1, rate: 0.75 });
    expect(s.accuracy.byCategory).toEqual([
      { category: 'OOMKilled', right: 2, wrong: 0, rate: 1 },
      { category: 'CrashLoop', right: 0, wrong: 1, rate: 0 },
      { category: 'ImagePull', right: 1, wrong: 0, rate: 1 },
    ]);
    expect(s.accuracy.bySource).toEqual([
      { source: 'rules', right: 1, wrong: 0, rate: 1 },
      { source: 'llm', right: 2, wrong: 1, rate: 2 / 3 },
    ]);
  });

  it('the previous period of the same length, to compare', () => {
    expect(s.previous).toMatchObject({
      from: '2026-10-25T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      incidents: 2,
      acknowledged: 1,
      mtta: { count: 1, medianMs: 20 * MIN, p90Ms: 20 * MIN },
      toLlmReport: { count: 0, medianMs: null, p90Ms: null },
      falsePositives: { count: 0, share: 0 },
      accuracy: { right: 0, wrong: 0, rate: null },
    });
  });

  it('days follow the caller’s time zone', () => {
    const plusOne = stats.compute(
      statsRange({ from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z', tz: 60 }, new Date()),
    );
    const days = Object.fromEntries(plusOne.byDay.map((d) => [d.day, d]));
    expect(plusOne.byDay).toHaveLength(8);
    expect(days['2026-11-02']?.warning).toBe(1);
    expect(days['2026-11-03']?.warning).toBe(1);
    expect(days['2026-11-08']?.critical).toBe(1);
  });

  it('remediation: empty until the actions table exists, then counted by outcome', () => {
    expect(s.remediation).toEqual({
      available: false,
      note: expect.stringContaining('no actions table'),
      byOutcome: [],
    });
    expect(s.current.remediations).toEqual({ total: 0, succeeded: 0, failed: 0 });
    const other = withoutActions(path.join(tempDir(), 'stats-actions.db'));
    history(other);
    // The columns the remediation audit has: the state is the outcome, only mode 'auto' counts.
    other.exec(`CREATE TABLE actions (id INTEGER PRIMARY KEY, incident_id INTEGER, mode TEXT, state TEXT,
        outcome TEXT, created_at TEXT);
      INSERT INTO actions (incident_id, mode, state, outcome, created_at) VALUES
        (1, 'auto', 'done', 'rollout complete', '2026-11-01T10:01:00.000Z'),
        (2, 'auto', 'done', 'pod ready', '2026-11-02T12:01:00.000Z'),
        (3, 'auto', 'failed', 'timed out', '2026-11-03T00:00:00.000Z'),
        (4, 'auto', 'refused', NULL, '2026-11-05T08:00:00.000Z'),
        (5, 'approve', 'done', 'by hand', '2026-11-07T08:00:00.000Z'),
        (6, 'auto', 'done', 'ok', '2026-10-28T10:01:00.000Z');`);
    const r = createStats(other).compute(week);
    other.close();
    expect(r.remediation).toEqual({
      available: true,
      note: null,
      byOutcome: [
        { outcome: 'done', count: 2 },
        { outcome: 'failed', count: 1 },
        { outcome: 'refused', count: 1 },
      ],
    });
    expect(r.current.remediations).toEqual({ total: 4, succeeded: 2, failed: 1 });
    expect(r.previous.remediations).toEqual({ total: 1, succeeded: 1, failed: 0 });
  });
});

describe('GET /api/stats', () => {
  it('answers the same over HTTP, and 400 for a bad period', async () => {
    const engine = testEngine();
    history(engine.db);
    const srv = await serveEngine(engine);
    try {
      const r = await getJson(`${srv.url}/api/stats?from=2026-11-01&to=2026-11-07&tz=0`);
      expect(r.status).toBe(200);
      // Whether this build's migrations have the remediation table does not matter here.
      const { remediation: _a, ...over } = Stats.parse(r.body);
      const { remediation: _b, ...direct } = stats.compute(week);
      expect(over).toEqual(direct);
      const bad = await getJson<{ error: string }>(`${srv.url}/api/stats?from=2026-11-08&to=2026-11-01`);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(/"from" must be before "to"/);
      const garbage = await getJson<{ error: string }>(`${srv.url}/api/stats?from=yesterday`);
      expect(garbage.status).toBe(400);
      expect(garbage.body.error).toMatch(/^from: /);
    } finally {
      await srv.close();
      await engine.close();
    }
  });
});
