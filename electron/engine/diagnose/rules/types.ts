import type { Context } from '../../../../shared/context.ts';
import type { Category, Evidence, Finding } from '../../../../shared/report.ts';
import { en, type P } from '../messages/en.ts';

/** A rule is a pure function of the collected context: same context, same findings, no I/O. */
export interface Rule {
  name: string;
  run(ctx: Context): Finding[];
}

/**
 * Builds a finding from its facts. The summary is English here; the report re-says it in the user's
 * language from the same params (messages/*.ts, keyed by the rule name).
 */
export function finding(
  rule: string,
  category: Category,
  confidence: number,
  params: P,
  evidence: Evidence[],
): Finding {
  const say = en.finding[rule];
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number
  >;
  return { rule, category, confidence, summary: say ? say(params) : rule, params: clean, evidence };
}
