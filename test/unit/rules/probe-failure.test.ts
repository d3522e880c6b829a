import { beforeAll, describe, expect, it } from 'vitest';
import { crashLoop } from '../../../electron/engine/diagnose/rules/crash-loop.ts';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import { probeCause, probeFailure } from '../../../electron/engine/diagnose/rules/probe-failure.ts';
import type { Context } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { collectScenarios } from '../../helpers/collected.ts';
import { podContext } from '../../helpers/context.ts';

const pod = (name: string) => podContext(loadScenario(name));

// Targets that are not a pod (a deployment, a service, a job) need the real collector.
const COLLECTED = [
  'probe-readiness-only',
  'dependency-postgres-connection-refused',
  'dependency-upstream-503',
  'oom-rollout-cache-size',
  'cronjob-deadline-exceeded',
  'node-not-ready-kubelet-stopped',
];
let collected: Map<string, Context>;
beforeAll(async () => {
  collected = await collectScenarios(COLLECTED.map(loadScenario));
}, 120_000);

describe('probe-failure: liveness kills', () => {
  it('liveness HTTP 500: the kubelet kills the container, and the probe outranks the crash loop it causes', () => {
    const ctx = pod('probe-liveness-http-500');
    const [f] = probeFailure.run(ctx);
    expect(f).toMatchObject({
      category: 'ProbeFailure',
      confidence: 93,
      params: { probe: 'liveness', cause: 'status', status: '500', path: '/healthz', exit: 137, killed: 1 },
    });
    const texts = f!.evidence.map((e) => e.text).join('\n');
    expect(texts).toContain('Liveness probe failed: HTTP probe failed with statuscode: 500');
    expect(texts).toContain('Container tracker failed liveness probe, will be restarted');
    // What the app itself said before it was killed.
    expect(texts).toContain(
      'carrier poller stalled: worker 1 holds lock shipments:eu and is not making progress',
    );
    expect(f!.params.lastError).toMatch(/carrier poller stalled/);
    const all = runRules(ctx);
    expect(all[0]!.rule).toBe('probe-failure');
    // The crash loop is the symptom of the kills: the crash-loop rule sees it, the report leaves it out.
    expect(crashLoop.run(ctx)).toHaveLength(1);
    expect(all.map((x) => x.rule)).not.toContain('crash-loop');
  });

  it('liveness timeout during a slow start: killed about as soon as the probe allows, no startupProbe', () => {
    const [f] = probeFailure.run(pod('probe-liveness-timeout'));
    expect(f).toMatchObject({
      confidence: 93,
      params: { probe: 'liveness', cause: 'timeout', timeout: '1s', exit: 143, slowStart: 1, ranFor: 53 },
    });
    expect(f!.summary).toMatch(/no startupProbe/);
    expect(f!.evidence.map((e) => e.text).join('\n')).toContain(
      'context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    );
  });

  it('without a Killing event, an Unhealthy liveness event and exit 137/143 are enough (less sure)', () => {
    const ctx = structuredClone(pod('probe-liveness-http-500'));
    ctx.events = ctx.events.filter((e) => e.reason !== 'Killing');
    const [f] = probeFailure.run(ctx);
    expect(f).toMatchObject({ confidence: 88, params: { probe: 'liveness', killed: 1 } });
    expect(runRules(ctx)[0]!.category).toBe('ProbeFailure');
  });

  it('exit 137 without any probe event is not a probe failure (evictions, job deadlines, OOM)', () => {
    for (const name of ['evicted-ephemeral-storage', 'evicted-memory-pressure', 'oom-jvm-heap'])
      expect(probeFailure.run(pod(name)), name).toEqual([]);
    expect(probeFailure.run(collected.get('cronjob-deadline-exceeded')!)).toEqual([]);
  });
});

describe('probe-failure: readiness only', () => {
  it('Running, not Ready, no restarts: every replica of the deployment, with the 404 the app logs', () => {
    const ctx = collected.get('probe-readiness-only')!;
    const findings = probeFailure.run(ctx);
    expect(findings).toHaveLength(2);
    for (const f of findings) {
      expect(f).toMatchObject({
        confidence: 90,
        params: { probe: 'readiness', cause: 'status', status: '404', path: '/ready', restarts: 0 },
      });
      const texts = f.evidence.map((e) => e.text).join('\n');
      expect(texts).toContain('Readiness probe failed: HTTP probe failed with statuscode: 404');
      expect(texts).toContain('"GET /ready HTTP/1.1" 404 Not Found');
    }
    expect(runRules(ctx)[0]!.category).toBe('ProbeFailure');
  });

  it('a readiness probe that failed once or twice (a starting pod) is not a finding', () => {
    const ctx = structuredClone(collected.get('probe-readiness-only')!);
    for (const e of ctx.events) if (e.reason === 'Unhealthy') e.count = 1;
    expect(probeFailure.run(ctx)).toEqual([]);
  });
});

describe('probe-failure defers to the dependency the logs blame', () => {
  it('stays quiet when readiness fails because a dependency is down', () => {
    expect(probeFailure.run(pod('dependency-db-io-timeout'))).toEqual([]);
    expect(probeFailure.run(collected.get('dependency-postgres-connection-refused')!)).toEqual([]);
    expect(probeFailure.run(collected.get('dependency-upstream-503')!)).toEqual([]);
  });

  it('is decided by the logs: the same failing readiness without the dependency errors is a probe failure', () => {
    const ctx = structuredClone(collected.get('dependency-postgres-connection-refused')!);
    for (const log of ctx.logs)
      log.text = log.text
        .split('\n')
        .filter((l) => !/refused|unavailable|failed to connect/.test(l))
        .join('\n');
    const findings = probeFailure.run(ctx);
    expect(findings.length).toBe(3);
    expect(findings[0]!.params).toMatchObject({ probe: 'readiness', status: '503' });
    expect(runRules(ctx)[0]!.category).toBe('ProbeFailure');
  });
});

describe('probe-failure stays quiet elsewhere', () => {
  it.each(
    loadScenarios()
      .filter((s) => s.alert.labels.pod && s.expect.category !== 'ProbeFailure')
      .map((s) => [s.name] as const),
  )('%s', (name) => {
    expect(probeFailure.run(pod(name))).toEqual([]);
  });

  it('on the deployment whose pods are OOMKilled (their readiness fails too), and on pods of a lost node', () => {
    expect(probeFailure.run(collected.get('oom-rollout-cache-size')!)).toEqual([]);
    expect(probeFailure.run(collected.get('node-not-ready-kubelet-stopped')!)).toEqual([]);
  });

  it('is pure', () => {
    const ctx = collected.get('probe-readiness-only')!;
    const before = JSON.stringify(ctx);
    expect(probeFailure.run(ctx)).toEqual(probeFailure.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});

describe('probeCause', () => {
  it('reads the kubelet probe output', () => {
    expect(probeCause('HTTP probe failed with statuscode: 500', false)).toEqual({
      cause: 'status',
      status: '500',
    });
    expect(
      probeCause(
        'Get "http://10.1.2.3:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        false,
      ).cause,
    ).toBe('timeout');
    expect(
      probeCause(
        'Get "http://10.1.2.3:8080/healthz": dial tcp 10.1.2.3:8080: connect: connection refused',
        false,
      ).cause,
    ).toBe('refused');
    expect(probeCause('rpc error: code = Unknown desc = failed to exec in container', true).cause).toBe(
      'errored',
    );
    expect(probeCause('cat: /tmp/healthy: No such file or directory', false).cause).toBe('other');
  });
});
