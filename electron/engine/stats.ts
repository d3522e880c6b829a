import type { Category } from '../../shared/report.ts';
import type { Durations, PeriodStats, Stats } from '../../shared/stats.ts';
import type { Db } from './store/db.ts';

/**
 * The on-call scoreboard, computed with SQL over incidents, reports and feedback. An incident belongs to
 * the period it was received in. Times are ISO strings in UTC, which compare correctly as text.
 */

const DAY = 86_400_000;
export const MAX_STATS_DAYS = 400;

/** The value at quantile q (0..1) of sorted numbers, interpolating linearly between ranks. */
export function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function durations(values: number[]): Durations {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  // Whole milliseconds: the interpolation's float noise means nothing at this scale.
  const ms = (v: number | null) => (v === null ? null : Math.round(v));
  return { count: sorted.length, medianMs: ms(quantile(sorted, 0.5)), p90Ms: ms(quantile(sorted, 0.9)) };
}

const between = (a: string, b: string) => Math.max(0, Date.parse(b) - Date.parse(a));
const rate = (right: number, wrong: number) => (right + wrong ? right / (right + wrong) : null);

export interface StatsRange {
  from: Date;
  to: Date;
  /** The caller's UTC offset in minutes, for the days of the chart. */
  tz: number;
}

/**
 * Reads `from`/`to` as the API takes them: a date (YYYY-MM-DD) means that day in the caller's time zone,
 * inclusive for `to`; a time is taken as it is. Defaults: the 30 days up to now.
 */
export function statsRange(input: { from?: string; to?: string; tz: number }, now: Date): StatsRange {
  const dayStart = (d: string) => Date.parse(`${d}T00:00:00.000Z`) - input.tz * 60_000;
  const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
  const to = input.to ? (isDate(input.to) ? dayStart(input.to) + DAY : Date.parse(input.to)) : now.getTime();
  const from = input.from
    ? isDate(input.from)
      ? dayStart(input.from)
      : Date.parse(input.from)
    : to - 30 * DAY;
  if (!(from < to)) throw new RangeError('"from" must be before "to"');
  if (to - from > MAX_STATS_DAYS * DAY)
    throw new RangeError(`the period is longer than ${MAX_STATS_DAYS} days: choose a shorter one`);
  return { from: new Date(from), to: new Date(to), tz: input.tz };
}

export function createStats(db: Db) {
  const range = (sql: string) => sql.replaceAll('$RANGE', 'i.received_at >= @from AND i.received_at < @to');
  const q = {
    severity: db.prepare<{ from: string; to: string }, { severity: string; n: number }>(
      range('SELECT i.severity, COUNT(*) AS n FROM incidents i WHERE $RANGE GROUP BY i.severity'),
    ),
    acked: db.prepare<{ from: string; to: string }, { starts_at: string; acked_at: string }>(
      range('SELECT i.starts_at, i.acked_at FROM incidents i WHERE $RANGE AND i.acked_at IS NOT NULL'),
    ),
    firstReport: db.prepare<
      { from: string; to: string; source: string },
      { received_at: string; at: string }
    >(
      range(`SELECT i.received_at, MIN(r.created_at) AS at FROM incidents i
        JOIN reports r ON r.incident_id = i.id AND r.source = @source
        WHERE $RANGE GROUP BY i.id`),
    ),
    falsePositive: db.prepare<{ from: string; to: string }, { received_at: string; at: string }>(
      range(`SELECT i.received_at, MIN(f.created_at) AS at FROM incidents i
        JOIN feedback f ON f.incident_id = i.id AND f.verdict = 'false_positive'
        WHERE $RANGE GROUP BY i.id`),
    ),
    // The engineer's last word on the diagnosis (right or wrong) counts, not every click.
    verdicts: db.prepare<
      { from: string; to: string },
      { category: Category | null; source: 'rules' | 'llm' | null; verdict: 'right' | 'wrong' }
    >(
      range(`SELECT i.category, i.source, f.verdict FROM incidents i
        JOIN feedback f ON f.id = (SELECT MAX(id) FROM feedback
          WHERE incident_id = i.id AND verdict IN ('right', 'wrong'))
        WHERE $RANGE`),
    ),
    byDay: db.prepare<
      { from: string; to: string; shift: string },
      { day: string; severity: string; n: number }
    >(
      range(`SELECT date(i.received_at, @shift) AS day, i.severity, COUNT(*) AS n FROM incidents i
        WHERE $RANGE GROUP BY day, i.severity`),
    ),
  };

  /** The remediation audit table belongs to another part of the engine; it may not exist yet. */
  const remediation = (from: string, to: string) => {
    const table = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'actions'",
      )
      .get();
    if (!table)
      return {
        available: false,
        note: 'no remediation is recorded in this database yet (there is no actions table)',
        rows: [] as { outcome: string; n: number }[],
      };
    const names = db
      .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
      .all('actions')
      .map((c) => c.name);
    // The remediation schema is young: read it by its columns. `state` (done, failed, refused …) is the
    // outcome; `outcome` may be free text. Only what ran automatically counts when `mode` says so.
    const time = ['created_at', 'started_at', 'executed_at', 'at'].find((c) => names.includes(c));
    const outcome = ['state', 'outcome', 'status', 'result'].find((c) => names.includes(c));
    const autoOnly = names.includes('mode') ? " AND mode = 'auto'" : '';
    if (!time || !outcome)
      return {
        available: true,
        note: 'the actions table has no time or outcome column this version understands',
        rows: [],
      };
    const rows = db
      .prepare<{ from: string; to: string }, { outcome: string; n: number }>(
        `SELECT COALESCE(${outcome}, 'unknown') AS outcome, COUNT(*) AS n FROM actions
         WHERE ${time} >= @from AND ${time} < @to${autoOnly} GROUP BY 1 ORDER BY 2 DESC, 1`,
      )
      .all({ from, to });
    return { available: true, note: null, rows };
  };

  const period = (fromD: Date, toD: Date): PeriodStats => {
    const p = { from: fromD.toISOString(), to: toD.toISOString() };
    const bySeverity = { critical: 0, warning: 0, info: 0, none: 0 };
    for (const r of q.severity.all(p)) {
      const k = r.severity in bySeverity ? (r.severity as keyof typeof bySeverity) : 'none';
      bySeverity[k] += r.n;
    }
    const incidents = Object.values(bySeverity).reduce((a, b) => a + b, 0);
    const acked = q.acked.all(p);
    const fp = q.falsePositive.all(p);
    let right = 0;
    let wrong = 0;
    for (const v of q.verdicts.all(p)) v.verdict === 'right' ? right++ : wrong++;
    const rem = remediation(p.from, p.to).rows;
    const count = (re: RegExp) => rem.filter((r) => re.test(r.outcome)).reduce((a, r) => a + r.n, 0);
    return {
      ...p,
      incidents,
      bySeverity,
      acknowledged: acked.length,
      mtta: durations(acked.map((r) => between(r.starts_at, r.acked_at))),
      toRulesReport: durations(
        q.firstReport.all({ ...p, source: 'rules' }).map((r) => between(r.received_at, r.at)),
      ),
      toLlmReport: durations(
        q.firstReport.all({ ...p, source: 'llm' }).map((r) => between(r.received_at, r.at)),
      ),
      falsePositives: {
        count: fp.length,
        share: incidents ? fp.length / incidents : null,
        toClose: durations(fp.map((r) => between(r.received_at, r.at))),
      },
      accuracy: { right, wrong, rate: rate(right, wrong) },
      remediations: {
        total: rem.reduce((a, r) => a + r.n, 0),
        succeeded: count(/^(succeeded|success|ok|done|applied|completed)$/i),
        failed: count(/fail|error|rolled/i),
      },
    };
  };

  return {
    compute(r: StatsRange): Stats {
      const len = r.to.getTime() - r.from.getTime();
      const p = { from: r.from.toISOString(), to: r.to.toISOString() };
      const shift = `${r.tz >= 0 ? '+' : '-'}${Math.abs(r.tz)} minutes`;
      const days = new Map<string, Stats['byDay'][number]>();
      // Every day of the period, empty ones included, so the chart's axis has no holes.
      const localDay = (t: number) => new Date(t + r.tz * 60_000).toISOString().slice(0, 10);
      for (let t = r.from.getTime(); localDay(t) <= localDay(r.to.getTime() - 1); t += DAY) {
        const day = localDay(t);
        days.set(day, { day, critical: 0, warning: 0, info: 0, none: 0 });
      }
      for (const row of q.byDay.all({ ...p, shift })) {
        const d = days.get(row.day) ?? { day: row.day, critical: 0, warning: 0, info: 0, none: 0 };
        const k = (['critical', 'warning', 'info'] as const).find((s) => s === row.severity) ?? 'none';
        d[k] += row.n;
        days.set(row.day, d);
      }
      const byCategory = new Map<Category, { right: number; wrong: number }>();
      const bySource = new Map<'rules' | 'llm', { right: number; wrong: number }>();
      for (const v of q.verdicts.all(p)) {
        const bump = <K>(m: Map<K, { right: number; wrong: number }>, k: K) => {
          const e = m.get(k) ?? { right: 0, wrong: 0 };
          e[v.verdict]++;
          m.set(k, e);
        };
        bump(byCategory, v.category ?? 'Unknown');
        if (v.source) bump(bySource, v.source);
      }
      const rem = remediation(p.from, p.to);
      return {
        current: period(r.from, r.to),
        previous: period(new Date(r.from.getTime() - len), r.from),
        byDay: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
        accuracy: {
          byCategory: [...byCategory]
            .map(([category, e]) => ({ category, ...e, rate: rate(e.right, e.wrong) }))
            .sort((a, b) => b.right + b.wrong - (a.right + a.wrong) || a.category.localeCompare(b.category)),
          bySource: (['rules', 'llm'] as const)
            .filter((s) => bySource.has(s))
            .map((source) => {
              const e = bySource.get(source)!;
              return { source, ...e, rate: rate(e.right, e.wrong) };
            }),
        },
        remediation: {
          available: rem.available,
          note: rem.note,
          byOutcome: rem.rows.map((r) => ({ outcome: r.outcome, count: r.n })),
        },
      };
    },
  };
}
