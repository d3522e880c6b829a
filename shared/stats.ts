import { z } from 'zod';
import { Category } from './report.ts';

/**
 * The on-call scoreboard (`GET /api/stats`): how fast alerts get acknowledged and diagnosed, how often
 * the diagnosis is right, and the same figures for the period before, to compare.
 */

/** Median and 90th percentile of a set of durations (linear interpolation between ranks). */
export const Durations = z.object({
  count: z.number().int(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});
export type Durations = z.infer<typeof Durations>;

const Verdicts = z.object({
  right: z.number().int(),
  wrong: z.number().int(),
  /** right / (right + wrong); null without feedback. */
  rate: z.number().nullable(),
});

export const PeriodStats = z.object({
  from: z.string(),
  to: z.string(),
  incidents: z.number().int(),
  bySeverity: z.object({
    critical: z.number().int(),
    warning: z.number().int(),
    info: z.number().int(),
    none: z.number().int(),
  }),
  acknowledged: z.number().int(),
  /** Mean time to acknowledge: the alert's startsAt → ackedAt. */
  mtta: Durations,
  /** Received → the first report of each kind. */
  toRulesReport: Durations,
  toLlmReport: Durations,
  falsePositives: z.object({
    count: z.number().int(),
    /** Of all incidents in the period. */
    share: z.number().nullable(),
    /** Received → marked false positive. */
    toClose: Durations,
  }),
  accuracy: Verdicts,
  remediations: z.object({ total: z.number().int(), succeeded: z.number().int(), failed: z.number().int() }),
});
export type PeriodStats = z.infer<typeof PeriodStats>;

export const Stats = z.object({
  /** The period asked for, and the one of the same length just before it. */
  current: PeriodStats,
  previous: PeriodStats,
  /** Incidents received per day of the current period (days in the caller's time zone). */
  byDay: z.array(
    z.object({
      day: z.string(),
      critical: z.number().int(),
      warning: z.number().int(),
      info: z.number().int(),
      none: z.number().int(),
    }),
  ),
  accuracy: z.object({
    byCategory: z.array(Verdicts.extend({ category: Category })),
    bySource: z.array(Verdicts.extend({ source: z.enum(['rules', 'llm']) })),
  }),
  remediation: z.object({
    /** False until the remediation audit table (`actions`) exists in this database. */
    available: z.boolean(),
    note: z.string().nullable(),
    byOutcome: z.array(z.object({ outcome: z.string(), count: z.number().int() })),
  }),
});
export type Stats = z.infer<typeof Stats>;
