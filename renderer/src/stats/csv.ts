import type { PeriodStats, Stats } from '../../../shared/stats.ts';

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const row = (...cells: Array<string | number | null>) => cells.map(field).join(',');

/** The figures of a period, one per line, named for a spreadsheet. */
function figures(p: PeriodStats): Array<[string, number | null]> {
  return [
    ['incidents', p.incidents],
    ['critical', p.bySeverity.critical],
    ['warning', p.bySeverity.warning],
    ['info', p.bySeverity.info],
    ['none', p.bySeverity.none],
    ['acknowledged', p.acknowledged],
    ['mtta_median_ms', p.mtta.medianMs],
    ['mtta_p90_ms', p.mtta.p90Ms],
    ['rules_report_median_ms', p.toRulesReport.medianMs],
    ['rules_report_p90_ms', p.toRulesReport.p90Ms],
    ['llm_report_median_ms', p.toLlmReport.medianMs],
    ['llm_report_p90_ms', p.toLlmReport.p90Ms],
    ['false_positives', p.falsePositives.count],
    ['false_positive_share', p.falsePositives.share],
    ['false_positive_close_median_ms', p.falsePositives.toClose.medianMs],
    ['diagnoses_right', p.accuracy.right],
    ['diagnoses_wrong', p.accuracy.wrong],
    ['accuracy', p.accuracy.rate],
    ['remediations', p.remediations.total],
    ['remediations_succeeded', p.remediations.succeeded],
    ['remediations_failed', p.remediations.failed],
  ];
}

/**
 * The scoreboard as CSV: the figures of this period against the previous one, then alerts per day,
 * then accuracy by category and by source — blocks separated by an empty line, each with its header.
 */
export function statsCsv(s: Stats): string {
  const prev = new Map(figures(s.previous));
  const lines = [
    row(
      'metric',
      `current (${s.current.from} – ${s.current.to})`,
      `previous (${s.previous.from} – ${s.previous.to})`,
    ),
    ...figures(s.current).map(([k, v]) => row(k, v, prev.get(k) ?? null)),
    '',
    row('day', 'critical', 'warning', 'info', 'none', 'total'),
    ...s.byDay.map((d) =>
      row(d.day, d.critical, d.warning, d.info, d.none, d.critical + d.warning + d.info + d.none),
    ),
    '',
    row('category', 'right', 'wrong', 'accuracy'),
    ...s.accuracy.byCategory.map((c) => row(c.category, c.right, c.wrong, c.rate)),
    '',
    row('source', 'right', 'wrong', 'accuracy'),
    ...s.accuracy.bySource.map((c) => row(c.source, c.right, c.wrong, c.rate)),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** "45 s", "4.0 min", "2.5 h", "3.1 d": durations on the scale of on-call. */
export function span(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

export const percent = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`);

/** Change from the previous period, as a signed percentage; null when there is nothing to compare. */
export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}
