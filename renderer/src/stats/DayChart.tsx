import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Stats } from '../../../shared/stats.ts';
import { useT } from '../i18n/index.tsx';

const LEVELS = ['critical', 'warning', 'info', 'none'] as const;

/**
 * Alerts per day, stacked by severity (uPlot bars). uPlot does not stack: each band is drawn as the
 * running total up to its level, widest first, so the narrower ones paint over it; the legend shows
 * each level's own count, of the day under the cursor or of the whole period.
 */
export function DayChart({ days }: { days: Stats['byDay'] }) {
  const t = useT();
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = el.current;
    if (!node || !days.length) return;
    const css = getComputedStyle(document.documentElement);
    const color = (v: string) => css.getPropertyValue(`--${v}`).trim() || '#888';
    const xs = days.map((d) => Date.parse(`${d.day}T00:00:00`) / 1000);
    const totals = LEVELS.map((_, i) =>
      days.map((d) => LEVELS.slice(0, i + 1).reduce((n, l) => n + d[l], 0)),
    );
    const periodTotals = LEVELS.map((l) => days.reduce((n, d) => n + d[l], 0));
    const order = [3, 2, 1, 0];
    const bars = uPlot.paths.bars?.({ size: [0.7, 48], align: 0 });
    const plot = new uPlot(
      {
        width: Math.max(320, node.clientWidth || 720),
        height: 220,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [
          { stroke: color('muted'), grid: { stroke: color('line') } },
          {
            stroke: color('muted'),
            grid: { stroke: color('line') },
            values: (_u, v) => v.map((n) => (Number.isInteger(n) ? String(n) : '')),
          },
        ],
        series: [
          // The legend reads the day under the cursor, and the whole period when there is none.
          {
            label: t('stats.day'),
            value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) =>
              idx === null ? t('stats.wholePeriod') : (days[idx]?.day ?? ''),
          },
          ...order.map((i) => ({
            label: t(`severity.${LEVELS[i]!}`),
            fill: color(LEVELS[i]!),
            stroke: color(LEVELS[i]!),
            width: 0,
            paths: bars,
            points: { show: false },
            value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) =>
              String(idx === null ? periodTotals[i]! : (days[idx]?.[LEVELS[i]!] ?? 0)),
          })),
        ],
      },
      [xs, ...order.map((i) => totals[i]!)],
      node,
    );
    const ro = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(320, node.clientWidth), height: 220 }),
    );
    ro.observe(node);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [days, t]);
  return (
    <figure className="stats-chart">
      <div ref={el} className="chart" role="img" aria-label={t('stats.byDay')} data-chart="by-day" />
      <details>
        <summary className="muted small">{t('stats.showNumbers')}</summary>
        <table className="stats-table" data-table="by-day">
          <thead>
            <tr>
              <th>{t('stats.day')}</th>
              {LEVELS.map((l) => (
                <th key={l}>{t(`severity.${l}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <td>{d.day}</td>
                {LEVELS.map((l) => (
                  <td key={l}>{d[l]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
