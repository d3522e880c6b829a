import { useCallback, useEffect, useState } from 'react';
import type { Durations, Stats } from '../../../shared/stats.ts';
import type { Client } from '../client.ts';
import { useT } from '../i18n/index.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { change, percent, span, statsCsv } from './csv.ts';
import { DayChart } from './DayChart.tsx';

const PRESETS = [7, 30, 90] as const;

const localDate = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** Last N days, today included, as dates the engine reads in this browser's time zone. */
function lastDays(n: number): { from: string; to: string } {
  const to = new Date();
  const from = new Date(to);
  from.setDate(from.getDate() - (n - 1));
  return { from: localDate(from), to: localDate(to) };
}

/** One figure against the previous period; `lowerIsBetter` colours the change the right way. */
function Figure({
  label,
  value,
  previous,
  delta,
  lowerIsBetter,
  sub,
  id,
}: {
  label: string;
  value: string;
  previous: string;
  delta: number | null;
  lowerIsBetter?: boolean;
  sub?: string;
  id: string;
}) {
  const t = useT();
  const good = delta === null || delta === 0 ? '' : delta < 0 === Boolean(lowerIsBetter) ? 'better' : 'worse';
  return (
    <div className="card stat" data-stat={id}>
      <div className="stat-label muted small">{label}</div>
      <div className="stat-value">{value}</div>
      {sub ? <div className="muted small">{sub}</div> : null}
      <div className="stat-prev small">
        {t('stats.previous', { value: previous })}
        {delta !== null ? (
          <span className={`delta ${good}`}>
            {' '}
            {delta > 0 ? '▲' : delta < 0 ? '▼' : '='} {Math.abs(Math.round(delta * 100))}%
          </span>
        ) : null}
      </div>
    </div>
  );
}

const p50p90 = (d: Durations) => `${span(d.medianMs)} · p90 ${span(d.p90Ms)}`;

/** The on-call scoreboard: how fast alerts are acknowledged and diagnosed, and how right the diagnoses are. */
export function StatsView({ client }: { client: Client }) {
  const t = useT();
  const [range, setRange] = useState(() => lastDays(30));
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setStats(await client.api.getStats({ ...range, tz: -new Date().getTimezoneOffset() }));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  }, [client, range]);
  useEffect(() => {
    void load();
  }, [load]);

  const exportCsv = () => {
    if (!stats) return;
    const url = URL.createObjectURL(new Blob([statsCsv(stats)], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `oncall-scout-stats-${range.from}-${range.to}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const c = stats?.current;
  const p = stats?.previous;
  return (
    <main className="stats" aria-label={t('stats.title')} data-loading={loading ? 'true' : 'false'}>
      <div className="stats-head">
        <h2>{t('stats.title')}</h2>
        <div className="stats-range">
          {PRESETS.map((n) => {
            const r = lastDays(n);
            const on = r.from === range.from && r.to === range.to;
            return (
              <button key={n} type="button" className={on ? 'chip on' : 'chip'} onClick={() => setRange(r)}>
                {t('stats.lastDays', { n })}
              </button>
            );
          })}
          <input
            type="date"
            aria-label={t('stats.from')}
            value={range.from}
            max={range.to}
            onChange={(e) => e.target.value && setRange({ ...range, from: e.target.value })}
          />
          <span className="muted">–</span>
          <input
            type="date"
            aria-label={t('stats.to')}
            value={range.to}
            min={range.from}
            onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })}
          />
          <button type="button" onClick={exportCsv} disabled={!stats} data-action="export-csv">
            {t('stats.exportCsv')}
          </button>
        </div>
      </div>
      {error ? (
        <EmptyState
          tone="error"
          title={t('stats.error')}
          action={
            <button type="button" onClick={() => void load()}>
              {t('list.retry')}
            </button>
          }
        >
          <p>{error}</p>
        </EmptyState>
      ) : !c || !p || !stats ? (
        <p className="loading-screen">{t('detail.loading')}</p>
      ) : (
        <div className="stats-body">
          <div className="stats-figures">
            <Figure
              id="incidents"
              label={t('stats.incidents')}
              value={String(c.incidents)}
              previous={String(p.incidents)}
              delta={change(c.incidents, p.incidents)}
              lowerIsBetter
              sub={t('stats.severities', {
                critical: c.bySeverity.critical,
                warning: c.bySeverity.warning,
                info: c.bySeverity.info,
              })}
            />
            <Figure
              id="mtta"
              label={t('stats.mtta')}
              value={span(c.mtta.medianMs)}
              sub={t('stats.mttaSub', { p90: span(c.mtta.p90Ms), n: c.mtta.count })}
              previous={span(p.mtta.medianMs)}
              delta={change(c.mtta.medianMs, p.mtta.medianMs)}
              lowerIsBetter
            />
            <Figure
              id="rules"
              label={t('stats.toRules')}
              value={p50p90(c.toRulesReport)}
              previous={span(p.toRulesReport.medianMs)}
              delta={change(c.toRulesReport.medianMs, p.toRulesReport.medianMs)}
              lowerIsBetter
            />
            <Figure
              id="llm"
              label={t('stats.toLlm')}
              value={p50p90(c.toLlmReport)}
              previous={span(p.toLlmReport.medianMs)}
              delta={change(c.toLlmReport.medianMs, p.toLlmReport.medianMs)}
              lowerIsBetter
            />
            <Figure
              id="false-positives"
              label={t('stats.falsePositives')}
              value={percent(c.falsePositives.share)}
              sub={t('stats.fpSub', {
                n: c.falsePositives.count,
                close: span(c.falsePositives.toClose.medianMs),
              })}
              previous={percent(p.falsePositives.share)}
              delta={change(c.falsePositives.share, p.falsePositives.share)}
              lowerIsBetter
            />
            <Figure
              id="accuracy"
              label={t('stats.accuracy')}
              value={percent(c.accuracy.rate)}
              sub={t('stats.accuracySub', {
                right: c.accuracy.right,
                n: c.accuracy.right + c.accuracy.wrong,
              })}
              previous={percent(p.accuracy.rate)}
              delta={change(c.accuracy.rate, p.accuracy.rate)}
            />
          </div>

          <section className="card">
            <h3>{t('stats.byDay')}</h3>
            {c.incidents ? (
              <DayChart days={stats.byDay} />
            ) : (
              <p className="muted">{t('stats.noIncidents')}</p>
            )}
          </section>

          <div className="stats-columns">
            <section className="card" data-section="accuracy">
              <h3>{t('stats.accuracyByCategory')}</h3>
              {stats.accuracy.byCategory.length ? (
                <table className="stats-table">
                  <thead>
                    <tr>
                      <th>{t('stats.category')}</th>
                      <th>{t('feedback.right')}</th>
                      <th>{t('feedback.wrong')}</th>
                      <th>{t('stats.accuracy')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {stats.accuracy.byCategory.map((r) => (
                      <tr key={r.category}>
                        <td>{r.category}</td>
                        <td>{r.right}</td>
                        <td>{r.wrong}</td>
                        <td>
                          <span className="rate-bar">
                            <span style={{ width: `${Math.round((r.rate ?? 0) * 100)}%` }} />
                          </span>{' '}
                          {percent(r.rate)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="muted">{t('stats.noFeedback')}</p>
              )}
              {stats.accuracy.bySource.length ? (
                <p className="small">
                  {stats.accuracy.bySource
                    .map((s) =>
                      t('stats.bySource', {
                        source: s.source === 'llm' ? 'LLM' : t('diag.source.rules'),
                        rate: percent(s.rate),
                        n: s.right + s.wrong,
                      }),
                    )
                    .join(' · ')}
                </p>
              ) : null}
            </section>
            <section className="card" data-section="remediation">
              <h3>{t('stats.remediation')}</h3>
              {stats.remediation.available && stats.remediation.byOutcome.length ? (
                <ul className="plain">
                  {stats.remediation.byOutcome.map((o) => (
                    <li key={o.outcome}>
                      {o.outcome}: {o.count}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('stats.noRemediation')}</p>
              )}
            </section>
          </div>
        </div>
      )}
    </main>
  );
}
