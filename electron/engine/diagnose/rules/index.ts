import type { Context } from '../../../../shared/context.ts';
import type { Finding } from '../../../../shared/report.ts';
import { configError } from './config-error.ts';
import { crashLoop } from './crash-loop.ts';
import { dependencyFailure } from './dependency-failure.ts';
import { evicted } from './evicted.ts';
import { imagePull } from './image-pull.ts';
import { jobFailed } from './job-failed.ts';
import { noIssueFound } from './no-issue-found.ts';
import { nodeNotReady } from './node-not-ready.ts';
import { oomKilled } from './oom-killed.ts';
import { probeFailure } from './probe-failure.ts';
import type { Rule } from './types.ts';
import { unschedulable } from './unschedulable.ts';
import { volumeMount } from './volume-mount.ts';

/**
 * Every rule, the more specific first: on equal confidence the earlier one wins (an OOM kill explains a
 * failed job; a NotReady node explains the pods evicted from it; a liveness kill explains a crash loop).
 * NoIssueFound comes last and only stands when nothing else fires.
 */
export const RULES: readonly Rule[] = [
  oomKilled,
  imagePull,
  configError,
  unschedulable,
  volumeMount,
  nodeNotReady,
  evicted,
  jobFailed,
  probeFailure,
  dependencyFailure,
  crashLoop,
  noIssueFound,
];

/** Findings that say why a container restarts: its crash-loop finding is then only the symptom. */
const EXPLAINS_RESTARTS = new Set(['ProbeFailure', 'DependencyFailure']);

/**
 * All findings, most confident first; ties keep the rule order above (more specific rules first). A
 * crash loop already explained by a higher finding on the same container (a liveness kill, a failing
 * dependency) is left out, so neither the report nor the model takes the symptom for the cause.
 */
export function runRules(ctx: Context): Finding[] {
  const all = RULES.flatMap((r, order) => r.run(ctx).map((f) => ({ f, order })));
  const problems = all.filter((x) => x.f.category !== 'NoIssueFound');
  const sorted = (problems.length ? problems : all)
    .sort((a, b) => b.f.confidence - a.f.confidence || a.order - b.order)
    .map((x) => x.f);
  return sorted.filter(
    (f, i) =>
      f.category !== 'CrashLoop' ||
      !sorted
        .slice(0, i)
        .some(
          (g) =>
            EXPLAINS_RESTARTS.has(g.category) &&
            g.params.pod === f.params.pod &&
            g.params.container === f.params.container,
        ),
  );
}
