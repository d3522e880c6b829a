import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Context, MetricSeries } from '../../../../shared/context.ts';
import { describeSeries, formatValue } from '../../../../shared/metrics.ts';
import { useT } from '../../i18n/index.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';

/**
 * One chart per series (uPlot): the values over the alert's window, the threshold or limit as a dashed
 * line, values under the cursor, drag to zoom (double-click resets). The summary line is the same text
 * the LLM and the Feishu card get.
 */
function Chart({ series }: { series: MetricSeries }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = el.current;
    if (!node || !series.points.length) return;
    const xs = series.points.map((p) => p[0]);
    const ys = series.points.map((p) => p[1]);
    const data: uPlot.AlignedData = series.threshold
      ? [xs, ys, xs.map(() => series.threshold!.value)]
      : [xs, ys];
    const fmt = (v: number | null) => (v === null ? '–' : formatValue(v, series.unit));
    const plot = new uPlot(
      {
        width: Math.max(280, node.clientWidth || 560),
        height: 160,
        cursor: { drag: { x: true, y: false } },
        legend: { show: true },
        scales: { x: { time: true } },
        axes: [{}, { values: (_u, vals) => vals.map((v) => fmt(v)), size: 70 }],
        series: [
          {},
          { label: series.name, stroke: '#2563eb', width: 2, value: (_u, v) => fmt(v) },
          ...(series.threshold
            ? [
                {
                  label: series.threshold.label,
                  stroke: '#d92d20',
                  dash: [6, 4],
                  width: 1,
                  value: (_u: uPlot, v: number | null) => fmt(v),
                },
              ]
            : []),
        ],
      },
      data,
      node,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, node.clientWidth), height: 160 }),
    );
    resize.observe(node);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series]);
  return (
    <figure className="metric" data-metric={series.name}>
      <figcaption>
        <strong>{series.name}</strong> <code className="muted">{series.query}</code>
      </figcaption>
      <div ref={el} className="metric-chart" />
      <p className="metric-summary">{describeSeries(series)}</p>
    </figure>
  );
}

export function MetricsTab({ ctx }: { ctx: Context }) {
  const t = useT();
  const m = ctx.metrics;
  const gaps = ctx.gaps.filter(
    (g) => g.what === 'metrics' || g.what === "the alert's expression" || g.what === 'alert expression',
  );
  if (!m) {
    return (
      <EmptyState title={t('metrics.none')}>
        {gaps.map((g) => (
          <p key={g.reason} className="muted">
            {g.reason}
            {g.fix ? ` — ${g.fix}` : ''}
          </p>
        ))}
      </EmptyState>
    );
  }
  return (
    <div className="tab-body metrics">
      <p className="muted small">{t('metrics.source', { source: m.source })}</p>
      {gaps.map((g) => (
        <p key={g.reason} className="warning small">
          {g.reason}
        </p>
      ))}
      {m.series.map((s) => (
        <Chart key={`${s.name}-${s.query}`} series={s} />
      ))}
    </div>
  );
}
