import { describe, expect, it } from 'vitest';
import { change, percent, span, statsCsv } from '../../../renderer/src/stats/csv.ts';
import type { PeriodStats, Stats } from '../../../shared/stats.ts';

/** The Stats page's CSV export and number formats. */

const none = { count: 0, medianMs: null, p90Ms: null };
function period(from: string, to: string, over: Partial<PeriodStats> = {}): PeriodStats {
  return {
    from,
    to,
    incidents: 0,
    bySeverity: { critical: 0, warning: 0, info: 0, none: 0 },
    acknowledged: 0,
    mtta: none,
    toRulesReport: none,
    toLlmReport: none,
    falsePositives: { count: 0, share: null, toClose: none },
    accuracy: { right: 0, wrong: 0, rate: null },
    remediations: { total: 0, succeeded: 0, failed: 0 },
    ...over,
  };
}

const stats: Stats = {
  current: period('2026-11-01T00:00:00.000Z', '2026-11-08T00:00:00.000Z', {
    incidents: 3,
    bySeverity: { critical: 1, warning: 2, info: 0, none: 0 },
    mtta: { count: 2, medianMs: 240_000, p90Ms: 510_000 },
    accuracy: { right: 1, wrong: 1, rate: 0.5 },
  }),
  previous: period('2026-10-25T00:00:00.000Z', '2026-11-01T00:00:00.000Z', { incidents: 4 }),
  byDay: [{ day: '2026-11-01', critical: 1, warning: 2, info: 0, none: 0 }],
  accuracy: {
    byCategory: [{ category: 'OOMKilled', right: 1, wrong: 1, rate: 0.5 }],
    bySource: [{ source: 'llm', right: 1, wrong: 1, rate: 0.5 }],
  },
  remediation: { available: false, note: 'none', byOutcome: [] },
};

describe('stats CSV', () => {
  it('has the figures against the previous period, then days, categories and sources', () => {
    const lines = statsCsv(stats).split('\r\n');
    expect(lines[0]).toBe(
      'metric,current (2026-11-01T00:00:00.000Z – 2026-11-08T00:00:00.000Z),previous (2026-10-25T00:00:00.000Z – 2026-11-01T00:00:00.000Z)',
    );
    expect(lines).toContain('incidents,3,4');
    expect(lines).toContain('mtta_median_ms,240000,');
    expect(lines).toContain('accuracy,0.5,');
    expect(lines).toContain('day,critical,warning,info,none,total');
    expect(lines).toContain('2026-11-01,1,2,0,0,3');
    expect(lines).toContain('OOMKilled,1,1,0.5');
    expect(lines).toContain('llm,1,1,0.5');
    expect(lines.at(-1)).toBe('');
  });

  it('formats spans, shares and changes', () => {
    expect(span(null)).toBe('–');
    expect(span(332)).toBe('332 ms');
    expect(span(2_500)).toBe('2.5 s');
    expect(span(45_000)).toBe('45 s');
    expect(span(240_000)).toBe('4.0 min');
    expect(span(9_000_000)).toBe('2.5 h');
    expect(percent(0.755)).toBe('76%');
    expect(change(3, 4)).toBe(-0.25);
    expect(change(3, 0)).toBeNull();
  });
});
