import { beforeAll, describe, expect, it } from 'vitest';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import { jobFailed } from '../../../electron/engine/diagnose/rules/job-failed.ts';
import type { Context } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { collectScenarios } from '../../helpers/collected.ts';
import { podContext } from '../../helpers/context.ts';

const JOBS = ['job-backoff-limit-exceeded', 'cronjob-deadline-exceeded'];
const OTHERS = [
  'oom-rollout-cache-size',
  'probe-readiness-only',
  'dependency-upstream-503',
  'node-not-ready-kubelet-stopped',
];
let collected: Map<string, Context>;
beforeAll(async () => {
  collected = await collectScenarios([...JOBS, ...OTHERS].map(loadScenario));
}, 120_000);

describe('job-failed on its scenarios', () => {
  it('BackoffLimitExceeded: the condition, the counts and the SQL error of the last failed pod', () => {
    const ctx = collected.get('job-backoff-limit-exceeded')!;
    const [f] = jobFailed.run(ctx);
    expect(f).toMatchObject({
      category: 'JobFailed',
      confidence: 95,
      params: {
        job: 'checkout-db-migrate-3-18-2',
        cause: 'BackoffLimitExceeded',
        failed: 4,
        backoffLimit: 3,
      },
    });
    expect(f!.params.lastError).toMatch(/column "customer_id" of relation "orders" already exists/);
    expect(f!.evidence[0]).toEqual({
      ref: 'workload/Job/checkout-db-migrate-3-18-2/condition/Failed',
      text: 'Job checkout-db-migrate-3-18-2 Failed=True BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    const texts = f!.evidence.map((e) => e.text).join('\n');
    for (const e of loadScenario('job-backoff-limit-exceeded').expect.evidence) expect(texts).toContain(e);
    expect(runRules(ctx)[0]!.category).toBe('JobFailed');
  });

  it('DeadlineExceeded: the deadline, and the planner warning that explains the slow run', () => {
    const ctx = collected.get('cronjob-deadline-exceeded')!;
    const [f] = jobFailed.run(ctx);
    expect(f!.params).toMatchObject({ cause: 'DeadlineExceeded', deadline: 3600 });
    expect(f!.params.lastError).toMatch(/index "events_created_at_idx" not found on table events/);
    const texts = f!.evidence.map((e) => e.text).join('\n');
    for (const e of loadScenario('cronjob-deadline-exceeded').expect.evidence) expect(texts).toContain(e);
    expect(f!.summary).toMatch(/activeDeadlineSeconds \(3600 s\)/);
  });

  it('without a Failed condition yet: failures beyond backoffLimit, or all pods failed and none running', () => {
    const ctx = structuredClone(collected.get('job-backoff-limit-exceeded')!);
    ctx.workload!.conditions = [];
    expect(jobFailed.run(ctx)[0]).toMatchObject({
      confidence: 90,
      params: { cause: 'BackoffLimitExceeded' },
    });
    ctx.workload!.job = { active: 0, succeeded: 0, failed: 2, backoffLimit: 6 };
    expect(jobFailed.run(ctx)[0]).toMatchObject({
      confidence: 75,
      params: { cause: 'failedPods', failed: 2 },
    });
  });

  it('a job still retrying, or one that succeeded in the end, has not failed', () => {
    const ctx = structuredClone(collected.get('job-backoff-limit-exceeded')!);
    ctx.workload!.conditions = [];
    ctx.workload!.job = { active: 1, succeeded: 0, failed: 2, backoffLimit: 6 };
    expect(jobFailed.run(ctx)).toEqual([]);
    ctx.workload!.job = { active: 0, succeeded: 1, failed: 2, backoffLimit: 6 };
    ctx.workload!.conditions = [{ type: 'Complete', status: 'True' }];
    expect(jobFailed.run(ctx)).toEqual([]);
  });

  it('an OOM kill in the job explains the failure better (same confidence, more specific rule first)', () => {
    const ctx = structuredClone(collected.get('job-backoff-limit-exceeded')!);
    const c = ctx.pods[0]!.containers[0]!;
    c.state = { ...c.state, reason: 'OOMKilled', exitCode: 137 };
    expect(
      runRules(ctx)
        .map((f) => f.category)
        .slice(0, 2),
    ).toEqual(['OOMKilled', 'JobFailed']);
  });
});

describe('job-failed stays quiet', () => {
  it.each(OTHERS.map((n) => [n] as const))('%s (not a job)', (name) => {
    expect(jobFailed.run(collected.get(name)!)).toEqual([]);
  });

  it.each(
    loadScenarios()
      .filter((s) => s.alert.labels.pod)
      .map((s) => [s.name] as const),
  )('%s (a pod alert without a job)', (name) => {
    expect(jobFailed.run(podContext(loadScenario(name)))).toEqual([]);
  });

  it('is pure', () => {
    const ctx = collected.get('cronjob-deadline-exceeded')!;
    const before = JSON.stringify(ctx);
    expect(jobFailed.run(ctx)).toEqual(jobFailed.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});
