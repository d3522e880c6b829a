import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECT, finish } from '../../../electron/engine/collect/index.ts';
import { crashLoop } from '../../../electron/engine/diagnose/rules/crash-loop.ts';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import { oomKilled } from '../../../electron/engine/diagnose/rules/oom-killed.ts';
import type { Context } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { podContext } from '../../helpers/context.ts';

const pod = (name: string) => podContext(loadScenario(name));
const POD = 'checkout-7d9f8b6c5-x2x9q';

/** The OOM scenario as collected (logs folded), changed by `edit` (on a copy). */
function oom(edit: (ctx: Context) => void = () => {}): Context {
  const ctx = structuredClone(finish(pod('oom-jvm-heap'), DEFAULT_COLLECT.budgetTokens));
  edit(ctx);
  return ctx;
}

describe('oom-killed on its scenario', () => {
  it('OOMKilled in the last state: the limit, the restarts, the back-off and what the JVM said', () => {
    const [f] = oomKilled.run(oom());
    expect(f).toMatchObject({
      category: 'OOMKilled',
      confidence: 95,
      params: { pod: POD, container: 'app', limit: '1Gi', restarts: 6 },
    });
    expect(f!.summary).toBe(
      `Container app of pod ${POD} was killed for exceeding its memory limit (1Gi) (OOMKilled, exit code 137); it restarted 6 times.`,
    );
    const texts = f!.evidence.map((e) => e.text);
    expect(f!.evidence[0]).toMatchObject({
      ref: `pod/${POD}/container/app/lastState`,
      text: expect.stringMatching(/^container app last state: terminated OOMKilled exit code 137/),
    });
    expect(texts).toContain('memory limit 1Gi');
    expect(texts.join('\n')).toContain('Back-off restarting failed container app');
    expect(texts.join('\n')).toContain('java.lang.OutOfMemoryError: Java heap space');
  });

  it('the crash-loop rule leaves the OOM kill to this one, and the report leads with it', () => {
    const ctx = oom();
    expect(crashLoop.run(ctx)).toEqual([]);
    expect(runRules(ctx)[0]!.category).toBe('OOMKilled');
  });
});

describe('oom-killed edge cases', () => {
  it('killed just now (current state terminated, not restarted yet) is still the fact', () => {
    const ctx = oom((c) => {
      const app = c.pods[0]!.containers[0]!;
      app.state = app.lastState!;
      delete app.lastState;
      app.restartCount = 0;
    });
    const [f] = oomKilled.run(ctx);
    expect(f).toMatchObject({ confidence: 95, params: { restarts: 0 } });
    expect(f!.evidence[0]!.ref).toBe(`pod/${POD}/container/app/state`);
  });

  it('exit 137 without the reason OOMKilled is no OOM fact (a liveness kill or an eviction also SIGKILLs)', () => {
    const ctx = oom((c) => {
      c.pods[0]!.containers[0]!.lastState = {
        ...c.pods[0]!.containers[0]!.lastState!,
        reason: 'Error',
        exitCode: 137,
      };
      c.logs = [];
    });
    expect(oomKilled.run(ctx)).toEqual([]);
    // The crash loop is what is known, with the exit code for the engineer to read.
    expect(runRules(ctx)[0]).toMatchObject({ category: 'CrashLoop', params: { exit: 137 } });
  });

  it('OutOfMemoryError in the log alone (the JVM died before the kernel killed it) is not an OOM kill', () => {
    const ctx = oom((c) => {
      c.pods[0]!.containers[0]!.lastState = {
        ...c.pods[0]!.containers[0]!.lastState!,
        reason: 'Error',
        exitCode: 3,
      };
    });
    expect(oomKilled.run(ctx)).toEqual([]);
  });

  it('without a memory limit (the node ran out): no made-up limit in the words or the evidence', () => {
    const ctx = oom((c) => {
      c.pods[0]!.containers[0]!.limits = {};
    });
    const [f] = oomKilled.run(ctx);
    expect(f!.params).not.toHaveProperty('limit');
    expect(f!.summary).toBe(
      `Container app of pod ${POD} was killed for exceeding its memory limit (OOMKilled, exit code 137); it restarted 6 times.`,
    );
    expect(f!.evidence.map((e) => e.text).join('\n')).not.toMatch(/memory limit/);
  });

  it('an init container killed for memory is named, not the app container', () => {
    const ctx = oom((c) => {
      const p = c.pods[0]!;
      const app = p.containers[0]!;
      p.containers.unshift({
        ...structuredClone(app),
        name: 'warm-cache',
        init: true,
        limits: { memory: '128Mi' },
        restartCount: 3,
      });
      app.lastState = undefined;
      app.restartCount = 0;
      app.state = { kind: 'waiting', reason: 'PodInitializing' };
      c.logs = [];
    });
    const findings = oomKilled.run(ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.params).toEqual({ pod: POD, container: 'warm-cache', limit: '128Mi', restarts: 3 });
  });

  it('each killed container of each pod is a finding of its own', () => {
    const ctx = oom((c) => {
      const twin = structuredClone(c.pods[0]!);
      twin.name = 'checkout-7d9f8b6c5-m4k7p';
      twin.containers[0]!.restartCount = 2;
      c.pods.push(twin);
    });
    expect(oomKilled.run(ctx).map((f) => [f.params.pod, f.params.restarts])).toEqual([
      [POD, 6],
      ['checkout-7d9f8b6c5-m4k7p', 2],
    ]);
  });

  it('a rollout stalled on it: the Deployment condition is cited too', () => {
    const ctx = oom((c) => {
      c.workload = {
        kind: 'Deployment',
        name: 'checkout',
        namespace: 'shop',
        chain: ['ReplicaSet/checkout-7d9f8b6c5', 'Deployment/checkout'],
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "checkout-7d9f8b6c5" has timed out progressing.',
          },
        ],
      };
    });
    const [f] = oomKilled.run(ctx);
    expect(f!.evidence).toContainEqual({
      ref: 'workload/Deployment/checkout/condition/Progressing',
      text: 'Deployment checkout Progressing=False ProgressDeadlineExceeded: ReplicaSet "checkout-7d9f8b6c5" has timed out progressing.',
    });
  });
});

describe('oom-killed stays quiet', () => {
  it.each(
    loadScenarios()
      .filter((s) => s.alert.labels.pod && s.expect.category !== 'OOMKilled')
      .map((s) => [s.name] as const),
  )('%s', (name) => {
    expect(oomKilled.run(pod(name))).toEqual([]);
  });

  it('is pure', () => {
    const ctx = oom();
    const before = JSON.stringify(ctx);
    expect(oomKilled.run(ctx)).toEqual(oomKilled.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});
