import type { MetricSeries, Metrics } from '../../../../shared/context.ts';

/** At most `max` points, keeping each bucket's extreme so peaks survive downsampling. */
export function downsample(points: Array<[number, number]>, max = 120): Array<[number, number]> {
  if (points.length <= max) return points;
  const size = points.length / max;
  const out: Array<[number, number]> = [];
  for (let b = 0; b < max; b++) {
    const bucket = points.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    if (!bucket.length) continue;
    out.push(bucket.reduce((m, p) => (Math.abs(p[1]) > Math.abs(m[1]) ? p : m)));
  }
  return out;
}

const crosses = (op: string, v: number, t: number) =>
  op === '>'
    ? v > t
    : op === '>='
      ? v >= t
      : op === '<'
        ? v < t
        : op === '<='
          ? v <= t
          : op === '=='
            ? v === t
            : v !== t;

/** start, min, max, last, slope (least squares, per minute), trend, first crossing of the threshold. */
export function summarize(
  points: Array<[number, number]>,
  threshold?: { op: string; value: number },
): MetricSeries['summary'] {
  const n = points.length;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  const slope = den ? (num / den) * 60 : 0;
  let max = -Infinity;
  let maxAt = xs[0]!;
  for (const [t, v] of points) {
    if (v > max) {
      max = v;
      maxAt = t;
    }
  }
  const min = Math.min(...ys);
  const span = max - min;
  const minutes = (xs[n - 1]! - xs[0]!) / 60 || 1;
  // "Flat" when the fitted change over the window is small against the range of the values.
  const trend =
    Math.abs(slope * minutes) < Math.max(span * 0.1, Math.abs(my) * 0.02, 1e-9)
      ? 'flat'
      : slope > 0
        ? 'rising'
        : 'falling';
  const crossing = threshold ? points.find(([, v]) => crosses(threshold.op, v, threshold.value)) : undefined;
  return {
    start: ys[0]!,
    min,
    max,
    maxAt,
    last: ys[n - 1]!,
    slope,
    trend,
    ...(crossing ? { firstCrossing: crossing[0] } : {}),
  };
}

/** The window a chart covers, as people read it: `03:10–04:12 UTC`. */
export function describeWindow(m: Pick<Metrics, 'from' | 'to'>): string {
  const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);
  return `${hhmm(m.from)}–${hhmm(m.to)} UTC`;
}

export { describeSeries, formatValue } from '../../../../shared/metrics.ts';
