import type { Context, PodInfo } from '../../../../shared/context.ts';
import type { Evidence } from '../../../../shared/report.ts';
import {
  DECISIVE_ERROR,
  errorLines,
  eventEvidence,
  eventsOf,
  logsOf,
  stateEvidence,
  workloadConditionEvidence,
} from '../evidence.ts';
import type { JobCause } from '../messages/en.ts';
import { finding, type Rule } from './types.ts';

const JOB_EVENTS = new Set([
  'BackoffLimitExceeded',
  'DeadlineExceeded',
  'PodFailurePolicy',
  'MaxFailedIndexesExceeded',
]);
/** Lines that name an error outright, preferred over "Caused by: … failed" summaries for the sentence. */
const DECISIVE = new RegExp(`${DECISIVE_ERROR.source}|\\bnot found\\b|\\bdenied\\b`);

/** The pod of the job that ended last, and its decisive log lines. */
function lastFailure(ctx: Context): { pod: PodInfo; lines: Evidence[]; state?: Evidence } | null {
  const finished = (p: PodInfo) =>
    Math.max(
      0,
      ...p.containers.map(
        (c) => Date.parse((c.state.kind === 'terminated' ? c.state : c.lastState)?.finishedAt ?? '') || 0,
      ),
    );
  const failed = ctx.pods
    .filter(
      (p) =>
        p.phase === 'Failed' || p.containers.some((c) => c.state.kind === 'terminated' && c.state.exitCode),
    )
    .sort((a, b) => finished(b) - finished(a));
  const pod = failed[0];
  if (!pod) return null;
  const c =
    pod.containers.find((x) => !x.init && x.state.kind === 'terminated' && x.state.exitCode !== 0) ??
    pod.containers.find((x) => !x.init);
  if (!c) return { pod, lines: [] };
  const log = logsOf(ctx, pod, c)[0];
  return {
    pod,
    lines: log ? errorLines(log, 4) : [],
    state: c.state.kind === 'terminated' ? stateEvidence(pod, c, 'state') : undefined,
  };
}

/**
 * A Job that gave up: its Failed condition (BackoffLimitExceeded, DeadlineExceeded, …), or failed pods
 * and no success once nothing is running any more. The log of the last failed pod says why.
 */
export const jobFailed: Rule = {
  name: 'job-failed',
  run(ctx) {
    const w = ctx.workload;
    if (w?.kind !== 'Job') return [];
    const failedCond = w.conditions.find((c) => c.type === 'Failed' && c.status === 'True');
    const counts = w.job;
    const exhausted =
      counts !== undefined &&
      counts.backoffLimit !== undefined &&
      counts.failed > counts.backoffLimit &&
      counts.succeeded === 0;
    const allFailed =
      counts !== undefined && counts.failed > 0 && counts.active === 0 && counts.succeeded === 0;
    if (!failedCond && !exhausted && !allFailed) return [];
    const reason = failedCond?.reason ?? (exhausted ? 'BackoffLimitExceeded' : undefined);
    const cause: JobCause =
      reason === 'BackoffLimitExceeded' || reason === 'DeadlineExceeded'
        ? reason
        : reason
          ? 'other'
          : 'failedPods';
    const evidence: Evidence[] = [];
    if (failedCond) evidence.push(workloadConditionEvidence(w, failedCond));
    for (const e of eventsOf(ctx, 'Job', w.name))
      if (JOB_EVENTS.has(e.reason)) evidence.push(eventEvidence(ctx, e));
    if (counts)
      evidence.push({
        ref: `workload/Job/${w.name}`,
        text: `job ${w.name}: ${counts.failed} failed, ${counts.succeeded} succeeded, ${counts.active} active${
          counts.backoffLimit !== undefined ? `; backoffLimit ${counts.backoffLimit}` : ''
        }${counts.activeDeadlineSeconds !== undefined ? `; activeDeadlineSeconds ${counts.activeDeadlineSeconds}` : ''}`,
      });
    const last = lastFailure(ctx);
    if (last?.state) evidence.push(last.state);
    if (last) evidence.push(...last.lines);
    const lastError = last
      ? (last.lines.findLast((l) => DECISIVE.test(l.text)) ?? last.lines.at(-1))?.text
      : undefined;
    return [
      finding(
        'job-failed',
        'JobFailed',
        failedCond ? 95 : exhausted ? 90 : 75,
        {
          job: w.name,
          cause,
          reason,
          message: cause === 'other' ? failedCond?.message : undefined,
          failed: counts?.failed,
          backoffLimit: counts?.backoffLimit,
          deadline: counts?.activeDeadlineSeconds,
          pod: last?.pod.name,
          lastError,
        },
        evidence,
      ),
    ];
  },
};
