import type { MetricSeries } from './context.ts';

/** How a metric value reads, in the prompt, on the Feishu card and under the chart. */
export function formatValue(v: number, unit: MetricSeries['unit']): string {
  if (unit === 'bytes') {
    for (const [u, size] of [
      ['GiB', 2 ** 30],
      ['MiB', 2 ** 20],
      ['KiB', 2 ** 10],
    ] as const) {
      if (Math.abs(v) >= size) return `${(v / size).toFixed(1)} ${u}`;
    }
    return `${Math.round(v)} B`;
  }
  if (unit === 'cores') return v < 1 ? `${Math.round(v * 1000)}m` : `${v.toFixed(2)} cores`;
  if (unit === 'ratio') return `${(v * 100).toFixed(1)}%`;
  if (Math.abs(v) >= 1000 || Number.isInteger(v)) return String(Math.round(v * 100) / 100);
  return v.toPrecision(3);
}

const clock = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);

/** One line for the prompt and the Feishu card: the numbers, not the samples. */
export function describeSeries(s: MetricSeries): string {
  const f = (v: number) => formatValue(v, s.unit);
  const m = s.summary;
  const parts = [
    `start ${f(m.start)}`,
    `peak ${f(m.max)} at ${clock(m.maxAt)}`,
    `now ${f(m.last)}`,
    `${m.trend}${m.trend === 'flat' ? '' : ` (${m.slope >= 0 ? '+' : ''}${f(m.slope)}/min)`}`,
  ];
  if (s.threshold) {
    parts.push(
      m.firstCrossing
        ? `crossed ${s.threshold.label} ${s.threshold.op} ${f(s.threshold.value)} at ${clock(m.firstCrossing)}`
        : `${s.threshold.label} ${s.threshold.op} ${f(s.threshold.value)} not crossed in the window`,
    );
  }
  return `${s.name}: ${parts.join(', ')}`;
}
