import type { Context } from '../../../../shared/context.ts';
import type { Finding } from '../../../../shared/report.ts';
import { configError } from './config-error.ts';
import { crashLoop } from './crash-loop.ts';
import { imagePull } from './image-pull.ts';
import { oomKilled } from './oom-killed.ts';
import type { Rule } from './types.ts';
import { unschedulable } from './unschedulable.ts';

export const RULES: readonly Rule[] = [oomKilled, imagePull, configError, unschedulable, crashLoop];

/** All findings, most confident first; ties keep the rule order above (more specific rules first). */
export function runRules(ctx: Context): Finding[] {
  const all = RULES.flatMap((r, order) => r.run(ctx).map((f) => ({ f, order })));
  return all.sort((a, b) => b.f.confidence - a.f.confidence || a.order - b.order).map((x) => x.f);
}
